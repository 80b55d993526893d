"""Footnotes: ids unique on every page that shows them, links that stay on that page, notes in every edition.

Two developments of one issue both use ``[^1]``; each note must be reachable
from its own reference, on the issue page, on both entry pages and in the
email, and the text email prints the notes after the entry.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_CONFIG, MINIMAL_ISSUE, MakeSite, built, entry, write_files

FIRST = entry("First rules", source="https://example.org/first", body=(
    "The first rules[^1] and a second mention[^1] of the same note, and another note[^b].\n\n"
    "[^1]: Issued in 2016 and applied from August.\n"
    "[^b]: See [the notice](https://example.org/notice).\n"
))
SECOND = entry("Second rules", source="https://example.org/second", date="2022-05-11", body=(
    "The second rules[^1].\n\n[^1]: A note of the second entry.\n"
))


class Anchors(HTMLParser):
    """Every id on a page, and every in-page link (``href="#..."``)."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        href = found.get("href") or ""
        if href.startswith("#"):
            self.fragments.append(href[1:])


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("notes") / "site", {
        "newsletter.yaml": MINIMAL_CONFIG, "content/2022-05/issue.yaml": MINIMAL_ISSUE,
        "content/2022-05/first.md": FIRST, "content/2022-05/second.md": SECOND,
    })
    built(root)
    return root / "output"


@pytest.mark.parametrize("page", [
    "issues/2022-05/index.html", "issues/2022-05/first/index.html", "issues/2022-05/second/index.html",
    "issues/2022-05/email.html",
])
def test_every_footnote_link_resolves_on_its_own_page_and_no_id_repeats(output: Path, page: str) -> None:
    anchors = Anchors((output / page).read_text(encoding="utf-8"))
    notes = [fragment for fragment in anchors.fragments if "-fn" in fragment]
    assert notes, "no footnote links"
    assert len(anchors.ids) == len(set(anchors.ids)), "an id is used twice"
    assert [fragment for fragment in anchors.fragments if fragment not in anchors.ids] == []


def test_both_entries_notes_are_on_the_issue_page_with_their_own_ids(output: Path) -> None:
    anchors = Anchors((output / "issues/2022-05/index.html").read_text(encoding="utf-8"))
    assert {"first-fn-1", "first-fn-b", "second-fn-1", "first-fnref-1", "first-fnref2-1", "second-fnref-1"} \
        <= set(anchors.ids)


def test_footnote_links_never_point_at_the_published_site(output: Path) -> None:
    for page in ("issues/2022-05/index.html", "issues/2022-05/first/index.html", "issues/2022-05/email.html"):
        text = (output / page).read_text(encoding="utf-8")
        assert not re.search(r'href="https?://[^"]*#[a-z0-9-]*fn', text), page


def test_the_text_email_prints_the_notes_after_the_entry_without_dead_links(output: Path) -> None:
    text = (output / "issues/2022-05/email.txt").read_text(encoding="utf-8")
    first = " ".join(text.split("First rules", 1)[1].split())  # the lines wrapped as one
    assert "The first rules [note 1] and a second mention [note 1] of the same note, and another" in first
    assert "note [note 2]." in first
    assert "1. Issued in 2016 and applied from August." in first
    assert re.search(r"2\. See the notice \[\d+\]\.", first)
    assert "#first-fn" not in text and "↩" not in text
    assert "1. A note of the second entry." in " ".join(text.split())


def test_feeds_carry_the_notes_with_links_to_them_on_the_items_page(output: Path) -> None:
    item = next(item for item in json.loads((output / "feed.json").read_text(encoding="utf-8"))["items"])
    content = item["content_html"]
    links = re.findall(r'href="([^"]*#[^"]*-fn[^"]*)"', content)
    assert links and all(link.startswith(item["url"] + "#") for link in links)
    assert all(link.split("#", 1)[1] in Anchors(content).ids for link in links)
    page = (output / item["url"].removeprefix("https://news.example.org/") / "index.html").read_text(encoding="utf-8")
    assert all(link.split("#", 1)[1] in Anchors(page).ids for link in links)


def test_summaries_leave_out_the_note_marks(output: Path) -> None:
    page = (output / "sections/regulatory/index.html").read_text(encoding="utf-8")
    assert "The second rules." in page
    assert "The second rules1" not in page


def test_an_editors_id_or_class_is_still_removed(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/draft-rules.md": entry(
        "Rules", source="https://example.org/r", body='<p id="main" class="evil">Text</p> <a href="#top">up</a>\n',
    )})
    built(root)
    page = (root / "output/issues/2022-05/draft-rules/index.html").read_text(encoding="utf-8")
    assert 'class="evil"' not in page and page.count('id="main"') == 1  # the page's own <main>
    assert 'href="https://news.example.org/issues/2022-05/#top"' in page
