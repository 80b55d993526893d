"""Dangerous markup in content never reaches any output; every output stays well-formed."""

from __future__ import annotations

import email
import re
import xml.etree.ElementTree as ET
from email import policy
from pathlib import Path

from newsletter.content.markdown import render_markdown
from tests.conftest import MakeSite, built

HOSTILE_BODY = """\
Intro <script>alert('body')</script> text & more <b onclick="steal()">bold</b>.

<iframe src="https://evil.example/"></iframe>
<style>body { display: none }</style>
<img src="https://e.invalid/x.png" alt="a picture" onerror="alert(1)">

[click](javascript:alert('link')) and [data](data:text/html;base64,PHNjcmlwdD4=)
and <a href="JaVaScRiPt:alert(2)">mixed case</a> and [relative](../2022-04/#x).
"""

HOSTILE_ENTRY = f"""\
---
title: "Title with <script>alert('title')</script> & ampersand"
section: regulatory
date: 2022-05-10
highlight: "Highlight <script>alert('hl')</script> with [x](javascript:alert(3))"
---
{HOSTILE_BODY}"""

DANGEROUS = re.compile(
    r"<script|<iframe|<style[^>]*>\s*body|onerror|onclick|javascript:|data:text/html", re.IGNORECASE
)

SEARCH_SCRIPTS = re.compile(r'<script src="(stem|index|search)\.js"></script>')


def build_hostile(make_site: MakeSite) -> Path:
    root = make_site({"content/2022-05/draft-rules.md": HOSTILE_ENTRY})
    built(root)
    return root / "output"


def test_markdown_is_sanitized_and_links_made_absolute() -> None:
    html = render_markdown(HOSTILE_BODY, "https://news.example.org/issues/2022-05/")
    assert not DANGEROUS.search(html)
    assert '<b>bold</b>' in html
    assert 'href="https://news.example.org/issues/2022-04/#x"' in html
    assert all('rel="noopener"' in tag for tag in re.findall(r"<a [^>]*>", html))


def test_no_dangerous_markup_in_any_output(make_site: MakeSite) -> None:
    output = build_hostile(make_site)
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml"):
            # The search page loads the site's own scripts (the stemmer, the index's manifest, search.js), nothing else.
            html = path.read_text()
            if path.parent.name == "search":
                html = SEARCH_SCRIPTS.sub("", html)
            assert not DANGEROUS.search(html), path
    message = email.message_from_bytes(
        (output / "issues/2022-05/email.eml").read_bytes(), policy=policy.default
    )
    html_part = message.get_body(("html",))
    assert html_part is not None and not DANGEROUS.search(html_part.get_content())
    # Plain text shows the title literally, but no markup or script from bodies survives.
    plain_part = message.get_body(("plain",))
    assert plain_part is not None
    for text in [(output / "issues/2022-05/email.txt").read_text(), plain_part.get_content()]:
        for leftover in ("alert('body')", "javascript:", "onclick", "<b", "<iframe", "display: none"):
            assert leftover not in text


def test_titles_are_escaped_not_dropped(make_site: MakeSite) -> None:
    output = build_hostile(make_site)
    page = (output / "issues/2022-05/index.html").read_text()
    assert "Title with &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; ampersand" in page
    text = (output / "issues/2022-05/email.txt").read_text()
    assert "Title with <script>alert('title')</script> & ampersand" in text
    assert "&amp;" not in text and "&lt;" not in text


def test_feed_stays_well_formed(make_site: MakeSite) -> None:
    output = build_hostile(make_site)
    channel = ET.parse(output / "feed.xml").getroot().find("channel")
    assert channel is not None
    item = channel.find("item")
    assert item is not None
    encoded = item.find("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert encoded is not None and encoded.text
    assert "Title with &lt;script&gt;" in encoded.text
    assert not DANGEROUS.search(encoded.text)
