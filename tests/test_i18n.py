"""Dates as the newsletter's language writes them: the tool's own English, Babel's long form elsewhere."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from newsletter.content.i18n import date_text, locale_name
from newsletter.model import EntryDate
from tests.conftest import MINIMAL_CONFIG, REGISTRY, MakeSite, built, entry, write_files


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


def english_messages() -> dict[str, str]:
    """Each English message of the catalog with its Chinese: what must not show in a Chinese newsletter."""
    from babel.messages.pofile import read_po

    from newsletter.content.i18n import LOCALES

    with open(LOCALES / "zh_Hans" / "LC_MESSAGES" / "messages.po", "rb") as file:
        catalog = read_po(file)
    found = {}
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        text = message.string[0] if isinstance(message.string, tuple) else message.string
        for english in map(str, ids):
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", english):
                piece = piece.strip(" ,.:;()")
                if len(piece) > 2 and piece not in str(text):  # "JSON Feed" stays in the Chinese too
                    found[piece] = str(text)
    return found


def visible_text(path: Path) -> str:
    """The words a reader sees in a page, an email part or a feed (markup and addresses left out)."""
    source = re.sub(r"<(style|script)\b.*?</\1>|<!--.*?-->", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", " ", source))
    return re.sub(r"https?://\S+", " ", text)


@pytest.fixture(scope="module")
def chinese(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chinese newsletter using most of what the interface can show, built with drafts."""
    root = write_files(tmp_path_factory.mktemp("zh") / "site", {
        "newsletter.yaml": "title: 中国网络安全与数据保护\nbase_url: https://news.example.org/\nlanguage: zh-Hans\n"
                           "description: 每月法律动态。\nemail:\n  unsubscribe_url: https://news.example.org/unsubscribe\n",
        "registry.yaml": REGISTRY,
        "content/2022-05/issue.yaml": "date: 2022-05-15\ntitle: 2022年5月刊\nsummary: 本期要点。\n",
        "content/2022-05/draft-rules.md": entry("网信办就数据规则征求意见", authority="cac", source="https://e.org/a",
                                                status="draft-for-comment", comment_deadline="2022-06-30",
                                                instruments="[pipl]", highlight="要点。", tags="[shu-ju]"),
        "content/2022-05/final-rules.md": entry("网信办发布数据规则", date="2022-05-12", authority="cac",
                                                source="https://e.org/b", status="issued",
                                                effective_date="2022-09", supersedes="[2022-05/draft-rules]"),
        "content/2022-05/view.md": entry("我们的看法", "views", url="https://firm.example/view", body="观点。\n"),
        "content/2022-06/issue.yaml": "date: 2022-06-15\ndraft: true\n",
        "content/2022-06/june.md": entry("六月动态", "industry", "2022-06-01", authority="miit", body="内容。\n"),
    })
    built(root, "--drafts")
    return root / "output"


def test_no_english_interface_word_in_any_page_email_or_feed_of_a_chinese_newsletter(chinese: Path) -> None:
    written = REGISTRY + "".join(p.read_text(encoding="utf-8") for p in (chinese.parent / "content").rglob("*.md"))
    english = {piece: text for piece, text in english_messages().items() if piece not in written}  # the editor's words
    assert len(english) > 80
    kinds = (".html", ".txt", ".xml", ".json", ".ics")
    files = [p for p in chinese.rglob("*") if p.suffix in kinds and p.name != "404.html"]
    files.append(chinese / "404.html")
    assert len(files) > 25
    left = {
        (path.relative_to(chinese).as_posix(), piece)
        for path in files for piece in english if re.search(rf"\b{re.escape(piece)}\b", visible_text(path))
    }
    assert sorted(left) == []


def test_the_chinese_newsletter_says_its_words_in_chinese(chinese: Path) -> None:
    issue = (chinese / "issues/2022-05/index.html").read_text(encoding="utf-8")
    assert "要点速览" in issue and "近期日程" not in issue or "征求意见截止" in issue
    assert "立法动态" in issue and "我们的观点" in issue
    entry_page = (chinese / "issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert "征求意见稿" in entry_page and "已被取代" in entry_page
    text = (chinese / "issues/2022-05/email.txt").read_text(encoding="utf-8")
    assert "在浏览器中查看本期：" in text and "要点速览" in text


def test_authorities_go_by_their_chinese_names_in_a_chinese_newsletter(chinese: Path) -> None:
    page = (chinese / "issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert "国家互联网信息办公室（CAC）" in page
    assert "Cyberspace Administration of China (CAC)" not in page


def test_calendars_speak_the_newsletters_language(chinese: Path) -> None:
    calendar = (chinese / "calendar.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "SUMMARY:生效：网信办发布数据规则" in calendar
    assert "（预计在2022年9月，具体日期未知）" in calendar
