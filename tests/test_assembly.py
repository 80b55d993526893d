"""Grouping, ordering, numbering, highlights and drafts."""

from __future__ import annotations

from newsletter.options import Options
from tests.conftest import Files, MakeSite, entry, newsletter_of


def test_order_first_then_date_then_title_and_numbering(make_site: MakeSite) -> None:
    news = newsletter_of(make_site({
        "content/2022-05/draft-rules.md": None,
        "content/2022-05/a.md": entry("Zeta late", date="2022-05-20"),
        "content/2022-05/b.md": entry("Beta early", date="2022-05-01"),
        "content/2022-05/c.md": entry("Alpha early", date="2022-05-01"),
        "content/2022-05/d.md": entry("Pinned second", date="2022-05-30", order="2"),
        "content/2022-05/e.md": entry("Pinned first", date="2022-05-31", order="1"),
        "content/2022-05/f.md": entry("Month only", date="2022-05"),
    }))
    (section,) = news.issues[0].sections
    assert [(i.number, i.entry.title) for i in section.items] == [
        (1, "Pinned first"), (2, "Pinned second"), (3, "Month only"),
        (4, "Alpha early"), (5, "Beta early"), (6, "Zeta late"),
    ]


def test_sections_follow_configured_order_and_views_are_not_numbered(make_site: MakeSite) -> None:
    news = newsletter_of(make_site({
        "content/2022-05/i.md": entry("Industry item", section="industry"),
        "content/2022-05/v.md": entry("A view", section="views", url="https://example.org/v"),
        "content/2022-05/e.md": entry("Enforcement item", section="enforcement"),
    }))
    sections = news.issues[0].sections
    assert [s.id for s in sections] == ["views", "regulatory", "enforcement", "industry"]
    assert [i.number for i in sections[0].items] == [None]
    assert [i.number for i in sections[2].items] == [1]


def test_empty_sections_are_left_out(make_site: MakeSite) -> None:
    news = newsletter_of(make_site({}))
    assert [s.id for s in news.issues[0].sections] == ["regulatory"]


def test_highlights_follow_reading_order(make_site: MakeSite) -> None:
    news = newsletter_of(make_site({
        "content/2022-05/i.md": entry("Industry", section="industry", highlight="Third."),
        "content/2022-05/r.md": entry("Regulatory", highlight="First **bold**.", order="1"),
        "content/2022-05/s.md": entry("Second reg", date="2022-05-11", highlight="Second."),
    }))
    highlights = news.issues[0].highlights
    assert [h.entry.title for h in highlights] == ["Regulatory", "Second reg", "Industry"]
    assert highlights[0].entry.highlight_html == "<p>First <strong>bold</strong>.</p>"


def test_issues_newest_first_and_drafts_left_out(make_site: MakeSite) -> None:
    files: Files = {
        "content/2022-04/issue.yaml": "date: 2022-04-15\n",
        "content/2022-04/x.md": entry("April item", date="2022-04-10"),
        "content/2022-06/issue.yaml": "date: 2022-06-15\ndraft: true\n",
        "content/2022-06/y.md": entry("June item", date="2022-06-10"),
        "content/2022-05/hidden.md": entry("Draft entry", draft="true"),
    }
    published = newsletter_of(make_site(files))
    assert [i.id for i in published.issues] == ["2022-05", "2022-04"]
    assert "Draft entry" not in [e.title for e in published.issues[0].entries]
    everything = newsletter_of(make_site(files), Options(drafts=True))
    assert [i.id for i in everything.issues] == ["2022-06", "2022-05", "2022-04"]
    assert "Draft entry" in [e.title for e in everything.issues[1].entries]


def test_defaults_for_issue_title_and_authority_names(make_site: MakeSite) -> None:
    news = newsletter_of(make_site({
        "content/2022-05/m.md": entry("Two bodies", authority="[CAC, MIIT, Local bureau]"),
    }))
    issue = news.issues[0]
    assert issue.title == "Test Newsletter — May 2022"
    two = next(e for e in issue.entries if e.title == "Two bodies")
    assert [a.label for a in two.authorities] == [
        "Cyberspace Administration of China (CAC)",
        "Ministry of Industry and Information Technology (MIIT)",
        "Local bureau",
    ]
