"""The HTML email: markup that Outlook, Gmail and Apple Mail render, dark mode, size budget."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO, MakeSite, entry, run
from tests.email_project import CONFIG, FILES, ISSUE, build_email_site

ENTRY_TEMPLATE = """\
---
title: Development number {n} on personal information protection
section: {section}
date: 2022-05-{day:02d}
authority: CAC
{extra}
---
The regulator published a notice on {n} on how operators should handle
[personal information](https://example.org/notice/{n}) collected through
mobile apps, setting deadlines for remediation and describing penalties.

Operators must review their privacy policies, obtain separate consent for
sensitive information, and report to the [provincial office](https://example.org/office/{n}).
个人信息处理者应当对其个人信息处理活动负责，并采取必要措施保障所处理的个人信息的安全。

- First obligation for operators
- Second obligation for operators
"""


class Outline(HTMLParser):
    """The parts of an email that clients care about, collected in one pass."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict[str, str | None] = {}
        self.metas: list[dict[str, str | None]] = []
        self.title = ""
        self.layout_tables: list[dict[str, str | None]] = []
        self.data_tables: list[dict[str, str | None]] = []
        self.styles: list[str] = []
        self.stylesheets: list[str] = []
        self.links: list[dict[str, str | None]] = []
        self._open: list[str] = []  # tag of each open element, with ".item" marking items
        self._in = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.html_attrs = found
        elif tag == "meta":
            self.metas.append(found)
        elif tag == "table":
            (self.data_tables if "div.item" in self._open else self.layout_tables).append(found)
        elif tag == "link":
            self.links.append(found)
        if found.get("style"):
            self.styles.append(found["style"] or "")
        if tag not in ("meta", "link", "br", "img", "hr"):
            self._open.append("div.item" if tag == "div" and found.get("class") == "item" else tag)
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop().split(".")[0] != tag:
            pass
        self._in = ""

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "style":
            self.stylesheets.append(data)


def outline(html: str) -> Outline:
    """Parse an email into its :class:`Outline`."""
    parsed = Outline()
    parsed.feed(html)
    parsed.close()
    return parsed


@pytest.fixture
def email_html(make_site: MakeSite) -> str:
    """The HTML email of the test issue."""
    return (build_email_site(make_site) / "email.html").read_text()


def test_layout_is_presentation_tables_600_wide_with_outlook_attributes(email_html: str) -> None:
    page = outline(email_html)
    assert len(page.layout_tables) >= 3
    for table in page.layout_tables:
        assert table.get("role") == "presentation", table
        spacing = (table.get("cellpadding"), table.get("cellspacing"), table.get("border"))
        assert spacing == ("0", "0", "0"), table
        assert table.get("bgcolor"), "Outlook ignores background-color in CSS: bgcolor is needed"
    container = next(t for t in page.layout_tables if t.get("class") == "container")
    assert (container.get("width"), container.get("align")) == ("600", "center")
    assert "max-width: 600px" in (container.get("style") or "")
    assert "width: 100%" in (container.get("style") or "")
    # Outlook on Windows ignores max-width: a fixed 600 px table only it can see holds the column.
    assert re.search(r'<!--\[if mso\]><table role="presentation" width="600"[^>]*>', email_html)
    assert email_html.count("<!--[if mso]>") == email_html.count("<![endif]-->")


def test_data_tables_from_markdown_are_not_marked_as_layout(email_html: str) -> None:
    page = outline(email_html)
    assert page.data_tables, "the test issue has a Markdown table"
    assert all(table.get("role") != "presentation" for table in page.data_tables)


def test_one_media_query_makes_the_column_fluid_under_480_px(email_html: str) -> None:
    css = "".join(outline(email_html).stylesheets)
    queries = re.findall(r"@media[^{]*\{", css)
    narrow = [q for q in queries if "max-width" in q]
    assert narrow == ["@media only screen and (max-width: 480px) {"]
    assert re.search(r"max-width: 480px\) \{\s*\.container \{ width: 100% !important; \}", css)


def test_no_css_that_major_clients_drop(email_html: str) -> None:
    page = outline(email_html)
    css = "\n".join(page.styles + page.stylesheets)
    banned_css = (
        r"display:\s*(flex|grid|inline-flex)", r"\bposition:", r"var\(", r"(^|[;{\s])--\w",
        r"@import", r"@font-face", r"url\(",
    )
    for banned in banned_css:
        assert not re.search(banned, css), banned
    assert not [link for link in page.links if link.get("rel") == "stylesheet"]
    families = re.findall(r"font-family:([^;}]+)", css)
    assert families
    assert all(family.strip().endswith(("sans-serif", "serif")) for family in families), families


def test_head_declares_charset_title_language_and_direction(email_html: str) -> None:
    page = outline(email_html)
    assert page.html_attrs.get("lang") == "en"
    assert page.html_attrs.get("dir") == "ltr"
    assert b'<meta charset="utf-8">' in email_html.encode()[:1024], "charset must come in 1 KB"
    assert page.title == "数据安全 Update — May 2022"


def test_language_sets_lang_and_right_to_left_direction(make_site: MakeSite) -> None:
    issue = build_email_site(make_site, {"newsletter.yaml": f"{CONFIG}language: ar-EG\n"})
    html_attrs = outline((issue / "email.html").read_text()).html_attrs
    assert (html_attrs.get("lang"), html_attrs.get("dir")) == ("ar-EG", "rtl")


def test_dark_mode_is_declared_and_styled(email_html: str) -> None:
    page = outline(email_html)
    metas = {meta.get("name"): meta.get("content") for meta in page.metas}
    assert metas.get("color-scheme") == "light dark"
    assert metas.get("supported-color-schemes") == "light dark"
    css = "".join(page.stylesheets)
    dark = css[css.index("@media (prefers-color-scheme: dark)") :]
    # Inline styles win over a <style> block unless the dark rules are !important.
    assert re.search(r"background-color: #[0-9a-f]{6} !important", dark)
    assert re.search(r"\bp\b[^{]*\{ color: #[0-9a-f]{6} !important", dark)


def test_links_are_absolute(email_html: str) -> None:
    hrefs = re.findall(r'href="([^"]*)"', email_html)
    assert hrefs
    assert all(href.startswith(("https://", "http://")) for href in hrefs), hrefs


def test_images_without_alt_width_or_absolute_src_are_warned_about(make_site: MakeSite) -> None:
    root = make_site({
        **FILES,
        "templates/email.html": """\
            {% extends "default/email.html" %}
            {% block logo %}
            <img src="logo.png">
            <img src="https://news.example.org/ok.png" alt="Logo" width="120">
            {% endblock %}
            """,
    })
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning: image" in line]
    assert warnings == [
        f"{ISSUE}/issue.yaml:1:1: warning: image 'logo.png' in the email of issue '2022-05' needs "
        "alt text, a width attribute, an absolute http(s) src: clients that block images show the "
        "alt text, Outlook needs the width, and a relative src points nowhere in an inbox"
    ]
    assert run("build", "--strict", cwd=root).exit_code == 1


def test_a_full_issue_stays_well_under_gmails_clipping_size(make_site: MakeSite) -> None:
    sections = ["regulatory"] * 7 + ["enforcement"] * 5 + ["industry"] * 4
    entries: dict[str, str | bytes | None] = {
        f"{ISSUE}/entry-{n:02d}.md": ENTRY_TEMPLATE.format(
            n=n, section=section, day=n,
            extra="highlight: A highlight of this development." if n < 6 else "",
        )
        for n, section in enumerate(sections, 1)
    }
    issue = build_email_site(make_site, entries)
    assert len((issue / "email.html").read_bytes()) < 90 * 1024


def test_an_email_gmail_would_clip_is_a_warning_naming_issue_and_size(make_site: MakeSite) -> None:
    # 30 paragraphs, each well under the limit on one paragraph's length.
    long_body = "\n\n".join(["A long paragraph about data export rules. " * 100] * 30)
    root = make_site({
        "content/2022-05/draft-rules.md": entry("Huge", source="https://example.org/n", body=f"{long_body}\n"),
    })
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    size_kb = round(len((root / "output/issues/2022-05/email.html").read_bytes()) / 1024)
    assert size_kb > 102
    assert (
        f"content/2022-05/issue.yaml:1:1: warning: email of issue '2022-05' is {size_kb} KB; "
        "Gmail clips messages over 102 KB"
    ) in result.output
    strict = run("build", "--strict", cwd=root)
    assert strict.exit_code == 1
    assert f"error: email of issue '2022-05' is {size_kb} KB" in strict.output


@pytest.mark.skipif(not (REPO / "content").is_dir(), reason="no sample newsletter in this checkout")
def test_every_sample_issue_email_is_under_90_kb(sample_output: Path) -> None:
    emails = sorted(sample_output.glob("issues/*/email.html"))
    assert emails
    sizes = {email.parent.name: len(email.read_bytes()) for email in emails}
    assert all(size < 90 * 1024 for size in sizes.values()), sizes

