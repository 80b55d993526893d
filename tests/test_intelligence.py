"""Lifecycle fields, the bilingual registry, deadlines, calendars and instrument timelines, rendered."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import feedparser
import icalendar
import pytest

from tests.conftest import Files, MakeSite, built, entry, run

CONFIG = """\
title: Test Newsletter
base_url: https://news.example.org/
"""
REGISTRY = """\
authorities:
  cac:
    name: Cyberspace Administration of China
    name_zh: 国家互联网信息办公室
    abbreviation: CAC
    url: https://www.cac.gov.cn/
  miit:
    name: Ministry of Industry and Information Technology
    abbreviation: MIIT
instruments:
  pipl:
    name: Personal Information Protection Law
    name_zh: 个人信息保护法
    abbreviation: PIPL
    kind: law
"""
DRAFT_RULES = entry(
    "CAC consults on export rules", authority="cac", source="https://www.cac.gov.cn/draft-rules",
    status="draft-for-comment", comment_deadline="2022-06-07", document_number="CAC-2022-1", instruments="[pipl]",
)

FILES: Files = {
    "newsletter.yaml": CONFIG,
    "registry.yaml": REGISTRY,
    "content/2022-05/draft-rules.md": DRAFT_RULES,
    "content/2022-05/standard.md": entry(
        "MIIT standard on apps", "industry", "2022-05-03", authority="miit", source="https://www.cac.gov.cn/standard",
        status="issued", effective_date="2022-11",
    ),
    "content/2022-06/issue.yaml": "date: 2022-06-15\nsummary: June.\n",
    "content/2022-06/final-rules.md": entry(
        "CAC finalises export rules", date="2022-06-01", authority="cac", source="https://www.cac.gov.cn/final-rules",
        status="issued", effective_date="2022-09-01", instruments="[pipl]", supersedes="[2022-05/draft-rules]",
    ),
}


@pytest.fixture
def output(make_site: MakeSite) -> Path:
    root = make_site(FILES)
    built(root, "--strict")
    return root / "output"


def read(output: Path, path: str) -> str:
    return (output / path).read_text()


def test_item_and_permalink_show_lifecycle(output: Path) -> None:
    issue = read(output, "issues/2022-05/index.html")
    lifecycle = 'Draft for comment</span> · Comments due 7 June 2022 · <span class="document-number">CAC-2022-1</span>'
    assert lifecycle in issue
    page = read(output, "issues/2022-05/draft-rules/index.html")
    assert 'Cyberspace Administration of China <span lang="zh">国家互联网信息办公室</span>' in page
    assert re.search(r'<dt>Instruments</dt>\s*<dd><a href="../../../instruments/pipl/">'
                     r'Personal Information Protection Law <span lang="zh">个人信息保护法</span></a></dd>', page)
    assert re.search(r'<dt>Superseded by</dt>\s*<dd><a href="../../2022-06/final-rules/">'
                     r'CAC finalises export rules</a>', page)
    final = read(output, "issues/2022-06/final-rules/index.html")
    assert re.search(r'<dt>Supersedes</dt>\s*<dd><a href="../../2022-05/draft-rules/">'
                     r'CAC consults on export rules</a>', final)


def test_authority_page_is_bilingual_with_calendar(output: Path) -> None:
    page = read(output, "authorities/cac/index.html")
    assert '<h1>Cyberspace Administration of China <span lang="zh">国家互联网信息办公室</span></h1>' in page
    assert 'href="https://www.cac.gov.cn/"' in page and 'href="calendar.ics"' in page


def test_instrument_page_is_a_timeline_in_date_order(output: Path) -> None:
    page = read(output, "instruments/pipl/index.html")
    titles = re.findall(r'class="development-title"><a href="[^"]+">([^<]+)</a>', page)
    assert titles == ["CAC consults on export rules", "CAC finalises export rules"]
    assert "Draft for comment" in page and "Issued" in page
    assert 'href="pipl/"' in read(output, "instruments/index.html")


def test_upcoming_page_as_of_a_fixed_day(make_site: MakeSite, tmp_path: Path) -> None:
    root = make_site(FILES)
    target = tmp_path / "as-of"
    assert run("build", "--as-of", "2022-09-01", "--output", str(target), cwd=root).exit_code == 0
    page = read(target, "upcoming/index.html")
    listed = re.findall(r'<time datetime="([\d-]+)">[^<]+</time> · ([^:]+):\s*<a[^>]*>([^<]+)</a>', page)
    assert listed == [
        ("2022-09-01", "Takes effect", "CAC finalises export rules"),
        ("2022-11", "Takes effect", "MIIT standard on apps"),
    ]
    assert "1 September 2022" in page


def test_coming_up_in_web_email_and_text(output: Path) -> None:
    web = read(output, "issues/2022-05/index.html")
    box = web[web.index('id="coming-up"'):web.index("</aside>")]
    assert box.index("CAC consults on export rules") < box.index("MIIT standard on apps")
    html = read(output, "issues/2022-05/email.html")
    assert "Coming up" in html and "7 June 2022</strong> · Comments due" in html
    text = read(output, "issues/2022-05/email.txt")
    assert "Coming up\n=========\n\n- 7 June 2022 · Comments due: CAC consults on export rules" in text
    assert "   Draft for comment · Comments due 7 June 2022 · CAC-2022-1 · PIPL\n" in text
    assert "Draft for comment · Comments due 7 June 2022 · CAC-2022-1 · PIPL</p>" in html
    assert "   10 May 2022 · CAC\n" in text, "the email names authorities by abbreviation"


def test_coming_up_can_be_turned_off(make_site: MakeSite) -> None:
    root = make_site({**FILES, "content/2022-05/issue.yaml": "date: 2022-05-15\nupcoming: false\n"})
    assert run("build", cwd=root).exit_code == 0
    assert 'id="coming-up"' not in read(root / "output", "issues/2022-05/index.html")
    assert "Coming up" not in read(root / "output", "issues/2022-05/email.txt")


def test_feeds_carry_key_dates(output: Path) -> None:
    feed = feedparser.parse(read(output, "feed.xml"))
    may = next(e for e in feed.entries if e.link.endswith("2022-05/"))
    assert "Draft for comment · Comments due 7 June 2022 · CAC-2022-1 · PIPL" in may.content[0].value
    eml = email.message_from_bytes((output / "issues/2022-05/email.eml").read_bytes(), policy=policy.default)
    plain = eml.get_body(("plain",))
    assert plain is not None
    assert "Comments due 7 June 2022" in plain.get_content()


def events(path: Path) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    calendar.validate()  # type: ignore[no-untyped-call]  # icalendar leaves validate() unannotated
    found: dict[str, icalendar.Event] = {}
    for event in calendar.walk("VEVENT"):
        assert isinstance(event, icalendar.Event)
        found[str(event["uid"])] = event
    return found


def test_calendar_parses_with_stable_uids_and_dates(output: Path, make_site: MakeSite) -> None:
    found = events(output / "calendar.ics")
    # The draft's comment deadline is gone: the final rules supersede it (see test_superseded.py).
    assert sorted(found) == [
        "2022-05-standard-effective-date@news.example.org",
        "2022-06-final-rules-effective-date@news.example.org",
    ]
    deadline = found["2022-06-final-rules-effective-date@news.example.org"]
    assert deadline.decoded("dtstart").isoformat() == "2022-09-01"
    assert deadline.decoded("dtend").isoformat() == "2022-09-02"
    assert str(deadline["url"]) == "https://news.example.org/issues/2022-06/final-rules/"
    assert deadline.decoded("dtstamp").date().isoformat() == "2022-06-15"
    month = found["2022-05-standard-effective-date@news.example.org"]
    assert (month.decoded("dtstart").isoformat(), month.decoded("dtend").isoformat()) == ("2022-11-01", "2022-12-01")
    assert set(events(output / "authorities/miit/calendar.ics")) == {"2022-05-standard-effective-date@news.example.org"}
    before = (output / "calendar.ics").read_bytes()
    edited = DRAFT_RULES.replace("Body of", "Edited body of")
    root = make_site({**FILES, "content/2022-05/draft-rules.md": edited})
    assert run("build", cwd=root).exit_code == 0
    assert (output / "calendar.ics").read_bytes() == before
