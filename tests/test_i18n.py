"""Dates as the newsletter's language writes them: the tool's own English, Babel's long form elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest

from newsletter.content.i18n import date_text, locale_name
from newsletter.model import EntryDate
from tests.conftest import MINIMAL_CONFIG, MakeSite, built, entry


@pytest.mark.parametrize(("date", "language", "text"), [
    (dt.date(2022, 6, 8), "en", "8 June 2022"),
    (dt.date(2022, 6, 8), "en-GB", "8 June 2022"),
    (dt.date(2022, 6, 8), "zh-Hans", "2022年6月8日"),
    (EntryDate(2022, 6, 8), "zh-Hans", "2022年6月8日"),
    (EntryDate(2022, 6), "zh-Hans", "2022年6月"),
    (EntryDate(2022, 6), "en", "June 2022"),
    (dt.date(2022, 6, 8), "fr", "8 juin 2022"),
])
def test_date_text(date: dt.date | EntryDate, language: str, text: str) -> None:
    assert date_text(date, language) == text


def test_locale_names() -> None:
    assert (locale_name("zh-Hans"), locale_name("en")) == ("zh_Hans", "en")


def test_a_chinese_newsletter_dates_its_pages_and_emails_in_chinese(make_site: MakeSite) -> None:
    root = make_site({
        "newsletter.yaml": MINIMAL_CONFIG + "language: zh-Hans\n",
        "content/2022-05/monthly.md": entry("Monthly", "industry", "2022-04", comment_deadline="2022-06-30",
                                            source="https://e.org/m"),
    })
    built(root)
    output = root / "output"
    issue = (output / "issues/2022-05/index.html").read_text(encoding="utf-8")
    assert "2022年5月15日" in issue and "2022年5月10日" in issue and "2022年4月" in issue and "2022年6月30日" in issue
    assert "15 May 2022" not in issue
    for part in ("email.html", "email.txt"):
        text = (output / "issues/2022-05" / part).read_text(encoding="utf-8")
        assert "2022年5月15日" in text and "2022年6月30日" in text, part
