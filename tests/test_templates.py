"""The words Python writes for the templates: key dates and status lines, in the newsletter's language."""

from __future__ import annotations

import functools

import pytest

from newsletter.content.i18n import date_text, translations
from newsletter.model import Entry, EntryDate, Instrument, Lifecycle
from newsletter.render.templates import Words, key_dates, status_line


def words(language: str) -> Words:
    return Words(translations(language).gettext, functools.partial(date_text, language=language), language)


def make_entry(slug: str, **fields: object) -> Entry:
    return Entry("2022-05", slug, f"content/2022-05/{slug}.md", slug, "regulatory", EntryDate(2022, 5, 1), "",
                 **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("life", "english", "chinese"), [
    (Lifecycle(comment_deadline=EntryDate(2022, 7, 7), effective_date=EntryDate(2022, 9)),
     "Comments due 7 July 2022 · Effective September 2022", "征求意见截止：2022年7月7日 · 生效日期：2022年9月"),
    (Lifecycle(effective_date=EntryDate(2022, 9, 1)), "Effective 1 September 2022", "生效日期：2022年9月1日"),
    (Lifecycle(), "", ""),
])
def test_key_dates(life: Lifecycle, english: str, chinese: str) -> None:
    assert key_dates(words("en"), life) == english
    assert key_dates(words("zh-Hans"), life) == chinese


def test_status_line_joins_what_is_known() -> None:
    lifecycle = Lifecycle(status="issued", effective_date=EntryDate(2022, 9, 1), document_number="No. 12")
    instruments = (Instrument("pipl", "Personal Information Protection Law", abbreviation="PIPL"),
                   Instrument("dsl", "Data Security Law"))
    entry = make_entry("a", lifecycle=lifecycle, instruments=instruments)
    assert status_line(words("en"), entry) == "Issued · Effective 1 September 2022 · No. 12 · PIPL, Data Security Law"
    assert status_line(words("zh-Hans"), entry) == "已发布 · 生效日期：2022年9月1日 · No. 12 · PIPL, Data Security Law"
    assert status_line(words("en"), make_entry("b", lifecycle=Lifecycle(document_number="No. 3"))) == "No. 3"
    assert status_line(words("en"), make_entry("c")) == ""
    assert status_line(words("en"), make_entry("d", lifecycle=Lifecycle(status="other"))) == ""
    chinese = (Instrument("pipl", "Personal Information Protection Law", name_zh="个人信息保护法",
                          abbreviation="PIPL"),)
    named = make_entry("e", instruments=chinese)
    assert status_line(words("zh-Hans"), named) == "《个人信息保护法》"  # a Chinese line names laws in Chinese
    assert status_line(words("en"), named) == "PIPL"
