"""Bylines: the ``authors`` of a development on its page and in every feed format."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import jsonschema
import pytest

from newsletter.model import Author
from tests.conftest import MINIMAL_CONFIG, MakeSite, entry, newsletter_of, run
from tests.test_feeds import ATOM, JSON_FEED_SCHEMA, xml_feeds

DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"

AUTHORS_CONFIG = MINIMAL_CONFIG + """\
authors:
  jane:
    name: Jane Doe
    title: Partner
    email: jane@example-law.com
    url: https://example-law.com/people/jane-doe
    name_zh: 杜珍
  john:
    name: John Roe
"""

BYLINED = entry("CAC consults on app rules", authority="CAC", tags="[apps]", authors="[jane, john]")


def site_with_authors(make_site: MakeSite) -> Path:
    """A project whose second development is written by Jane (with a URL) and John (without)."""
    return make_site({"newsletter.yaml": AUTHORS_CONFIG, "content/2022-05/app-rules.md": BYLINED})


def test_authors_are_read_from_the_map_in_order(make_site: MakeSite) -> None:
    newsletter = newsletter_of(site_with_authors(make_site))
    bylined = next(e for e in newsletter.entries if e.slug == "app-rules")
    assert bylined.authors == (
        Author("Jane Doe", "jane", "Partner", "jane@example-law.com", "https://example-law.com/people/jane-doe",
               "杜珍"),
        Author("John Roe", "john"),
    )
    assert next(e for e in newsletter.entries if e.slug == "draft-rules").authors == ()


def test_without_a_map_names_are_taken_as_written(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/app-rules.md": entry("App rules", authors="Jane Doe")})
    bylined = next(e for e in newsletter_of(root).entries if e.slug == "app-rules")
    assert bylined.authors == (Author("Jane Doe"),)


def test_the_page_shows_a_byline_linking_the_url_where_given(make_site: MakeSite) -> None:
    root = site_with_authors(make_site)
    assert run("build", cwd=root).exit_code == 0
    page = (root / "output/issues/2022-05/app-rules/index.html").read_text()
    assert ('<p class="byline">By <a href="https://example-law.com/people/jane-doe" rel="author">Jane Doe</a>'
            " and John Roe</p>") in page
    assert "byline" not in (root / "output/issues/2022-05/draft-rules/index.html").read_text()


def test_three_authors_are_joined_with_commas_and_and(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/app-rules.md": entry("App rules", authors="[Ann, Bea, Cy]")})
    assert run("build", cwd=root).exit_code == 0
    page = (root / "output/issues/2022-05/app-rules/index.html").read_text()
    assert '<p class="byline">By Ann, Bea and Cy</p>' in page


def test_a_chinese_site_writes_the_byline_in_chinese_with_chinese_names(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": AUTHORS_CONFIG + "language: zh-Hans\n",
                      "content/2022-05/app-rules.md": BYLINED})
    assert run("build", cwd=root).exit_code == 0
    page = (root / "output/issues/2022-05/app-rules/index.html").read_text()
    assert '作者：<a href="https://example-law.com/people/jane-doe" rel="author">杜珍</a>、John Roe' in page


def test_every_feed_format_names_the_authors(make_site: MakeSite) -> None:
    root = site_with_authors(make_site)
    assert run("build", cwd=root).exit_code == 0
    output = root / "output"
    for term in ("sections/regulatory", "authorities/cac", "tags/apps"):  # RSS: dc:creator
        parsed = feedparser.parse((output / term / "feed.xml").read_bytes())
        item = next(e for e in parsed.entries if e.link.endswith("/app-rules/"))
        assert [a["name"] for a in item.authors] == ["Jane Doe", "John Roe"], term
        for plain in (e for e in parsed.entries if e.link.endswith("/draft-rules/")):
            assert "authors" not in plain and "author" not in plain
    rss = ElementTree.parse(output / "tags/apps/feed.xml").getroot()
    assert [c.text for c in rss.iter(DC_CREATOR)] == ["Jane Doe", "John Roe"]
    assert rss.find("channel/item/author") is None  # RSS's <author> would need an email: never published
    atom = ElementTree.parse(output / "atom.xml").getroot()
    authors = atom.findall(f"{ATOM}entry/{ATOM}author")
    assert [(a.findtext(f"{ATOM}name"), a.findtext(f"{ATOM}uri")) for a in authors] == [
        ("Jane Doe", "https://example-law.com/people/jane-doe"), ("John Roe", None),
    ]
    assert atom.find(f"{ATOM}entry/{ATOM}author/{ATOM}email") is None
    assert [a["name"] for a in feedparser.parse((output / "atom.xml").read_bytes()).entries[0].authors] == [
        "Jane Doe", "John Roe",
    ]
    document = json.loads((output / "feed.json").read_text())
    assert document["items"][0]["authors"] == [
        {"name": "Jane Doe", "url": "https://example-law.com/people/jane-doe"}, {"name": "John Roe"},
    ]


def test_feeds_with_bylines_still_validate(make_site: MakeSite) -> None:
    root = site_with_authors(make_site)
    assert run("build", cwd=root).exit_code == 0
    output = root / "output"
    for path in xml_feeds(output):
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
    jsonschema.validate(json.loads((output / "feed.json").read_text()), JSON_FEED_SCHEMA)


def test_every_item_is_filed_under_its_section_authority_and_tags(make_site: MakeSite) -> None:
    root = site_with_authors(make_site)
    assert run("build", cwd=root).exit_code == 0
    parsed = feedparser.parse((root / "output/tags/apps/feed.xml").read_bytes())
    assert [(t.scheme, t.term) for t in parsed.entries[0].tags] == [
        ("https://news.example.org/sections/", "Regulatory Developments"),
        ("https://news.example.org/authorities/", "Cyberspace Administration of China (CAC)"),
        ("https://news.example.org/tags/", "apps"),
    ]
    atom = ElementTree.parse(root / "output/atom.xml").getroot()
    terms = [(c.get("scheme"), c.get("term")) for c in atom.iter(f"{ATOM}category")]
    assert ("https://news.example.org/authorities/", "cac") in terms
    assert ("https://news.example.org/tags/", "apps") in terms


def test_an_unknown_author_id_is_a_located_error_with_a_suggestion(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": AUTHORS_CONFIG,
                      "content/2022-05/app-rules.md": entry("App rules", authors="[jane, jhon]")})
    result = run("check", cwd=root)
    assert result.exit_code == 1
    assert "content/2022-05/app-rules.md:5:17: error: unknown author 'jhon'; did you mean 'john'?" in result.output


# Where bylines show: the ``bylines`` setting.

JANE_AND_JOHN = ('By <a href="https://example-law.com/people/jane-doe" rel="author">Jane Doe</a>'
                 " and John Roe</p>")


def built_with_bylines(make_site: MakeSite, places: str, extra: str = "") -> Path:
    """The project of ``site_with_authors`` with ``bylines: places``, built; its output folder."""
    root = make_site({"newsletter.yaml": AUTHORS_CONFIG + f"bylines: {places}\n" + extra,
                      "content/2022-05/app-rules.md": BYLINED})
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    return root / "output"


def test_by_default_only_the_development_page_has_a_byline(make_site: MakeSite) -> None:
    root = site_with_authors(make_site)
    assert run("build", cwd=root).exit_code == 0
    issue = root / "output/issues/2022-05"
    assert "byline" in (issue / "app-rules/index.html").read_text()
    for name in ("index.html", "email.html", "email.txt"):
        assert "Jane Doe" not in (issue / name).read_text(), name


def test_the_issue_page_and_both_parts_of_the_email_show_bylines_when_asked(make_site: MakeSite) -> None:
    issue = built_with_bylines(make_site, "[pages, issue, email]") / "issues/2022-05"
    assert f'<p class="byline">{JANE_AND_JOHN}' in (issue / "index.html").read_text()
    assert f'<p class="byline">{JANE_AND_JOHN}' in (issue / "app-rules/index.html").read_text()
    html = (issue / "email.html").read_text()
    assert ('<p class="item-meta byline" style="' in html) and JANE_AND_JOHN.replace(
        'rel="author">', 'rel="author" style="color: #0b5394;text-decoration: underline;">') in html
    text = (issue / "email.txt").read_text()
    assert "\n   By Jane Doe and John Roe\n" in text, "plain words, no link numbers"
    assert "byline" not in (issue / "draft-rules/index.html").read_text(), "no authors, no byline"


def test_a_byline_only_in_the_email_leaves_the_pages_without(make_site: MakeSite) -> None:
    issue = built_with_bylines(make_site, "[email]") / "issues/2022-05"
    assert "By Jane Doe and John Roe" in (issue / "email.txt").read_text()
    assert "Jane Doe" in (issue / "email.html").read_text()
    assert "byline" not in (issue / "app-rules/index.html").read_text()
    assert "Jane Doe" not in (issue / "index.html").read_text()


def test_an_empty_list_shows_no_byline_but_the_feeds_keep_the_authors(make_site: MakeSite) -> None:
    output = built_with_bylines(make_site, "[]")
    assert "byline" not in (output / "issues/2022-05/app-rules/index.html").read_text()
    assert "Jane Doe" in (output / "feed.json").read_text()


def test_the_plain_text_byline_is_plain_text_in_the_newsletters_language(make_site: MakeSite) -> None:
    config = AUTHORS_CONFIG + "  firm:\n    name: Smith & Jones\nlanguage: zh-Hans\nbylines: [email]\n"
    root = make_site({"newsletter.yaml": config, "content/2022-05/app-rules.md": BYLINED,
                      "content/2022-05/firm.md": entry("Firm view", authors="[firm, john]")})
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    text = (root / "output/issues/2022-05/email.txt").read_text()
    assert "作者：杜珍、John Roe" in text
    assert "作者：Smith & Jones、John Roe" in text


@pytest.mark.parametrize(("value", "message"), [
    ("[issue, emails]", "3:18: error: unknown place 'emails' in 'bylines'; did you mean 'email'? "
                        "(places: pages, issue, email)"),
    ("email", "3:10: error: 'bylines' must be a list, not text"),
])
def test_a_wrong_bylines_setting_is_a_located_error(make_site: MakeSite, value: str, message: str) -> None:
    config = MINIMAL_CONFIG.replace("description:", f"bylines: {value}\ndescription:")
    result = run("check", cwd=make_site({"newsletter.yaml": config}))
    assert result.exit_code == 1
    assert f"newsletter.yaml:{message}" in result.output
