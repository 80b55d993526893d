"""The sample newsletter, built: the structure and content of every output kind."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import yaml

from tests.conftest import REPO, run, tree

BASE = "https://newsletter.example.com/"
PUBLISHED = ["2022-06", "2022-05"]


def issue_page(output: Path, issue: str) -> str:
    return (output / f"issues/{issue}/index.html").read_text()


def entry_front_matter(issue: str) -> dict[str, dict[str, Any]]:
    """Slug -> front matter of every entry file of a sample issue (its translations left out)."""
    entries = {}
    for path in sorted((REPO / "content" / issue).glob("*.md")):
        if "." in path.stem:  # <slug>.zh.md
            continue
        front = path.read_text().split("---\n")[1]
        entries[path.stem] = yaml.safe_load(front)
    return entries


def test_every_output_exists_for_published_issues_only(sample_output: Path) -> None:
    for issue in PUBLISHED:
        for name in ("index.html", "email.html", "email.txt", "email.eml"):
            assert (sample_output / "issues" / issue / name).stat().st_size > 1000
    assert not (sample_output / "issues/2022-07").exists(), "draft issue was published"


def test_home_page_shows_latest_issue_then_archive_newest_first(sample_output: Path) -> None:
    home = (sample_output / "index.html").read_text()
    archive = home[home.index("All issues"):]
    positions = [archive.index(f'href="issues/{issue}/"') for issue in PUBLISHED]
    assert positions == sorted(positions)
    latest = home[home.index("Latest issue"):home.index("All issues")]
    assert "June 2022" in latest


def test_issue_page_has_sections_in_order_with_numbered_anchored_items(sample_output: Path) -> None:
    page = issue_page(sample_output, "2022-05")
    headings = re.findall(r"<h2 id=\"([^\"]+)\">([^<]+)</h2>", page)
    assert [h[1] for h in headings] == [
        "Key Highlights", "Coming up", "Our Views", "Regulatory Developments",
        "Enforcement Developments", "Industry Developments",
    ]
    for slug in entry_front_matter("2022-05"):
        assert f'id="{slug}"' in page, slug
    regulatory = page[page.index('id="section-regulatory"'):page.index('id="section-enforcement"')]
    numbers = re.findall(r'<span class="item-number">(\d+)\.</span>', regulatory)
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) == 5
    # The entry with order: 1 leads its section.
    first = re.search(r'<article class="item" id="([^"]+)"', regulatory)
    assert first and entry_front_matter("2022-05")[first.group(1)].get("order") == 1
    views = page[page.index('id="section-views"'):page.index('id="section-regulatory"')]
    assert 'class="item-number"' not in views


def test_highlights_link_to_their_items(sample_output: Path) -> None:
    page = issue_page(sample_output, "2022-06")
    highlights = page[page.index('id="key-highlights"'):page.index('id="section-views"')]
    linked = re.findall(r'href="#([^"]+)"', highlights)
    expected = {slug for slug, f in entry_front_matter("2022-06").items() if f.get("highlight")}
    assert set(linked) == expected and len(linked) == len(expected)


def test_item_shows_month_only_date_authorities_and_chinese_text(sample_output: Path) -> None:
    page = issue_page(sample_output, "2022-06")
    assert re.search(r'<time datetime="2022-0\d">(May|June) 2022</time>', page)
    # Each authority links to its page; the labels read as one list.
    text = re.sub(r"<[^>]+>", "", page)
    assert "People&#39;s Bank of China (PBOC); China Banking and Insurance Regulatory Commission (CBIRC)" in text
    assert "《个人信息保护法》" in page or "个人信息" in page


def absolute_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def test_email_html_is_inlined_single_column_with_absolute_links(sample_output: Path) -> None:
    html = (sample_output / "issues/2022-05/email.html").read_text()
    assert "<script" not in html.lower()
    assert 'class="container"' in html and 'width="600"' in html
    assert re.search(r'<td class="item-title"|<h3 class="item-title" style="[^"]+"', html)
    for link in absolute_links(html):
        assert urlsplit(link).scheme in ("https", "http", "mailto"), link
    assert f'href="{BASE}issues/2022-05/"' in html  # view in browser
    assert 'href="https://newsletter.example.com/unsubscribe?email={email}"' in html
    preheader = re.search(r'<div class="preheader"[^>]*>([^<]+)', html)
    summary = yaml.safe_load((REPO / "content/2022-05/issue.yaml").read_text())["summary"]
    assert preheader and preheader.group(1).startswith(summary.strip())


def test_plain_text_lists_links_as_absolute_urls(sample_output: Path) -> None:
    text = (sample_output / "issues/2022-05/email.txt").read_text()
    assert not re.search(r"</?[a-z][a-z0-9]*[ >/]|&(amp|lt|gt|quot|#\d+);", text)
    references = re.findall(r"^\s*\[(\d+)\] (\S+)$", text, re.MULTILINE)
    assert references, "no link references"
    assert [int(n) for n, _ in references] == list(range(1, len(references) + 1))
    for _, url in references:
        assert url.startswith(("https://", "http://", "mailto:")), url
    assert "Regulatory Developments\n=======================" in text
    assert re.search(r"^1\. ", text, re.MULTILINE)


def test_eml_parses_back_with_both_parts_and_headers(sample_output: Path) -> None:
    raw = (sample_output / "issues/2022-06/email.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert message["Subject"] == "China Cybersecurity and Data Protection — June 2022"
    assert message["From"].addresses[0].addr_spec == "updates@newsletter.example.com"
    assert message["Reply-To"] == "team@newsletter.example.com"
    assert message["Date"].datetime.date().isoformat() == "2022-06-15"
    assert message["List-Unsubscribe"] == "<https://newsletter.example.com/unsubscribe?email={email}>"
    assert message["MIME-Version"] == "1.0"
    assert re.fullmatch(r"<2022-06\.[0-9a-f]+@newsletter\.example\.com>", message["Message-ID"])
    html_part, plain_part = message.get_body(("html",)), message.get_body(("plain",))
    assert html_part is not None and plain_part is not None
    html = html_part.get_content()
    assert html.replace("\r\n", "\n").rstrip() == (sample_output / "issues/2022-06/email.html").read_text()
    text = plain_part.get_content()
    assert text.replace("\r\n", "\n") == (sample_output / "issues/2022-06/email.txt").read_text()


def test_rss_feed_has_one_item_per_published_issue(sample_output: Path) -> None:
    feed = feedparser.parse((sample_output / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.link == BASE
    links = [entry.link for entry in feed.entries]
    assert links == [f"{BASE}issues/{issue}/" for issue in PUBLISHED]
    first = feed.entries[0]
    assert first.id == f"{BASE}issues/2022-06/"
    assert first.published_parsed[:3] == (2022, 6, 15)
    content = first.content[0].value
    assert "Regulatory Developments" in content
    for link in absolute_links(content):
        assert link.startswith(("https://", "http://", "mailto:")), link


def test_build_is_byte_for_byte_reproducible(sample_output: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run("build", "--output", str(again), cwd=REPO).exit_code == 0
    first, second = tree(sample_output), tree(again)
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []
