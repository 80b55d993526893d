"""Hostile text in any field never becomes live markup in any feed, however a reader decodes it.

Readers render RSS ``description`` and every ``content`` as HTML, and many
render titles so too. Each feed is parsed as XML (or JSON), then each text
that a reader may render is parsed as HTML with :mod:`html.parser`.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.conftest import run

HOSTILE = "<img src=x onerror=alert(document.domain)>"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"


class Markup(HTMLParser):
    """Every start tag and its attributes in an HTML text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_in(text: str) -> list[str]:
    """The tags an HTML reader would make of ``text``."""
    return [tag for tag, _ in Markup(text).tags]


def live_handlers(text: str) -> list[str]:
    """Script elements, and attributes that would run script, in ``text`` read as HTML."""
    found = []
    for tag, attrs in Markup(text).tags:
        if tag in ("script", "iframe", "object", "embed"):
            found.append(tag)
        found += [f"{tag} {name}" for name, value in attrs
                  if name.startswith("on") or (value or "").strip().lower().startswith("javascript:")]
    return found


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with markup in every text field that reaches a feed, built."""
    root = tmp_path_factory.mktemp("hostile") / "site"
    files = {
        "newsletter.yaml": (
            f'title: "News {HOSTILE} & more"\nbase_url: https://news.example.org/\n'
            f'description: "About <b>things</b> {HOSTILE}"\n'
            "authorities:\n"
            f'  CAC: "Cyberspace <i>Administration</i> {HOSTILE}"\n'
        ),
        "content/2022-05/issue.yaml": f'date: 2022-05-15\ntitle: "May <script>x()</script>"\nsummary: "S {HOSTILE}"\n',
        "content/2022-05/a.md": (
            "---\n"
            f'title: "Title {HOSTILE} & <script>alert(1)</script>"\n'
            "section: industry\ndate: 2022-05-10\nauthority: CAC\ntags: [xss]\n"
            "---\n"
            f"A code span: `{HOSTILE}` and a raw {HOSTILE.replace('<img src=x', '<img alt=pic src=https://e.invalid/x')}"
            " and <script>alert(2)</script>.\n"
        ),
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    return root / "output"


def rss_feeds(output: Path) -> list[Path]:
    return sorted(output.rglob("feed.xml"))


def test_there_are_rss_feeds_of_archive_section_authority_and_tag(hostile_output: Path) -> None:
    names = {path.relative_to(hostile_output).as_posix() for path in rss_feeds(hostile_output)}
    assert {"feed.xml", "sections/industry/feed.xml", "authorities/cac/feed.xml", "tags/xss/feed.xml"} <= names


def test_rss_descriptions_hold_no_markup_once_decoded(hostile_output: Path) -> None:
    checked = 0
    for path in rss_feeds(hostile_output):
        root = ElementTree.parse(path).getroot()
        for element in root.iter():
            if element.tag == "description" and element.text:
                assert tags_in(element.text) == [], f"{path}: {element.tag} {element.text!r}"
                checked += 1
    assert checked >= 8


def test_the_hostile_text_is_still_shown_literally(hostile_output: Path) -> None:
    item = ElementTree.parse(hostile_output / "tags/xss/feed.xml").getroot().find("channel/item")
    assert item is not None
    description = item.findtext("description") or ""
    # A reader decoding the HTML shows the editor's characters as written.
    assert "&lt;img src=x onerror=alert(document.domain)&gt;" in description
    assert item.findtext("title") == f"Title {HOSTILE} & <script>alert(1)</script>"


def test_rss_titles_use_character_references_for_angle_brackets_and_ampersands(hostile_output: Path) -> None:
    raw = (hostile_output / "tags/xss/feed.xml").read_text(encoding="utf-8")
    assert "<title>Title &#x3C;img src=x onerror=alert(document.domain)&gt; &#x26; &#x3C;script&gt;" in raw
    assert "&lt;" not in raw.split("<item>", 1)[1].split("<description>", 1)[0]


def test_no_html_content_in_any_feed_runs_script(hostile_output: Path) -> None:
    checked = 0
    for path in rss_feeds(hostile_output):
        for element in ElementTree.parse(path).getroot().iter(CONTENT):
            assert live_handlers(element.text or "") == [], path
            checked += 1
    atom = ElementTree.parse(hostile_output / "atom.xml").getroot()
    for element in atom.iter(f"{ATOM}content"):
        assert element.get("type") == "html"
        assert live_handlers(element.text or "") == []
        checked += 1
    for item in json.loads((hostile_output / "feed.json").read_text(encoding="utf-8"))["items"]:
        assert live_handlers(item["content_html"]) == []
        checked += 1
    assert checked >= 6


def test_atom_summaries_and_subtitle_are_text_not_html(hostile_output: Path) -> None:
    atom = ElementTree.parse(hostile_output / "atom.xml").getroot()
    subtitle = atom.find(f"{ATOM}subtitle")
    assert subtitle is not None and subtitle.get("type", "text") == "text"
    summaries = list(atom.iter(f"{ATOM}summary"))
    assert summaries and all(s.get("type", "text") == "text" for s in summaries)


def test_the_checks_catch_live_markup() -> None:
    assert tags_in("&lt;b&gt;") == []
    assert tags_in("<b>bold</b>") == ["b"]
    assert live_handlers(HOSTILE) == ["img onerror"]
    assert live_handlers('<a href="javascript:x()">x</a>') == ["a href"]
