"""The web edition: permalink pages, browsing by section, authority and tag, site files.

``archive`` (in conftest) builds a small but varied archive once per session (three
issues, every section, several authorities and tags, headings, a table, Chinese text);
the feed, search and validity tests read its output too.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from newsletter.content.markdown import excerpt, plain_text
from newsletter.model import Authority
from newsletter.render.fragments import shift_headings
from tests.conftest import ARCHIVE_CONFIG, ARCHIVE_FILES, BASE_URL, MakeSite, parse, run, tree, write_files

ENTRY_PERMALINKS = {
    "issues/2022-03/export-rules/", "issues/2022-03/bank-fine/",
    "issues/2022-04/app-campaign/", "issues/2022-04/insurer-warning/",
    "issues/2022-04/industry-survey/", "issues/2022-05/our-view/",
    "issues/2022-05/samr-standard/",
}


def page_links(output: Path, page: str) -> list[str]:
    """The site paths a page links to (relative links resolved, fragments dropped)."""
    here = (output / page).parent
    targets = []
    for href, _text in parse(output / page).links:
        if href.startswith(("http:", "https:", "mailto:", "#")):
            continue
        resolved = (here / href.split("#")[0]).resolve().relative_to(output.resolve())
        targets.append(resolved.as_posix() + ("/" if href.split("#")[0].endswith("/") else ""))
    return targets


def listed_developments(output: Path, page: str) -> list[str]:
    """Permalinks of the developments listed on a browsing page, in order."""
    html = (output / page).read_text(encoding="utf-8")
    listing = html.split('<ol class="development-list">', 1)[1].split("</ol>", 1)[0]
    here = (output / page).parent
    hrefs = re.findall(r'<h2 class="development-title"><a href="([^"]+)"', listing)
    root = output.resolve()
    return [(here / href).resolve().relative_to(root).as_posix() + "/" for href in hrefs]


def test_every_development_has_a_permalink_page_with_its_details(archive: Path) -> None:
    pages = archive.glob("issues/*/*/index.html")
    assert {p.parent.relative_to(archive).as_posix() + "/" for p in pages} == ENTRY_PERMALINKS
    html = (archive / "issues/2022-04/app-campaign/index.html").read_text()
    title = "MIIT and CAC name apps that over-collect"
    assert f'<h1><span class="item-number">1.</span> {title}</h1>' in html
    assert '<time datetime="2022-04-08">8 April 2022</time>' in html
    assert "Cyberspace Administration of China (CAC)</a>" in html
    assert "Thirty apps were named." in html
    assert 'href="../#app-campaign">April 2022</a>' in html  # the issue it appeared in
    links = page_links(archive, "issues/2022-04/app-campaign/index.html")
    expected = {"authorities/cac/", "authorities/miit/", "tags/apps/", "sections/enforcement/"}
    assert expected <= set(links)


def test_permalink_page_links_previous_and_next_within_its_section(archive: Path) -> None:
    first = (archive / "issues/2022-04/app-campaign/index.html").read_text()
    second = (archive / "issues/2022-04/insurer-warning/index.html").read_text()
    assert 'href="../insurer-warning/" rel="next"' in first and 'rel="prev"' not in first
    assert 'href="../app-campaign/" rel="prev"' in second and 'rel="next"' not in second
    alone = (archive / "issues/2022-04/industry-survey/index.html").read_text()
    assert 'rel="prev"' not in alone and 'rel="next"' not in alone


def test_draft_entries_get_no_page(archive: Path) -> None:
    assert not (archive / "issues/2022-05/draft-idea").exists()
    assert "unfinished draft" not in (archive / "sections/industry/index.html").read_text()


def test_issue_page_links_titles_to_permalinks_and_keeps_anchors(archive: Path) -> None:
    html = (archive / "issues/2022-04/index.html").read_text()
    assert '<article class="item" id="app-campaign">' in html
    title = "MIIT and CAC name apps that over-collect"
    assert f'<span class="item-number">1.</span> <a href="app-campaign/">{title}</a>' in html
    assert f'<a href="#app-campaign">Read more: {title}</a>' in html


def test_views_entry_links_its_article_from_issue_and_permalink(archive: Path) -> None:
    link = '<a href="https://blog.example.org/standard" rel="noopener">Read the full article'
    for page in ("issues/2022-05/index.html", "issues/2022-05/our-view/index.html"):
        assert link in (archive / page).read_text()


INSURER, APPS, BANK = "insurer-warning", "app-campaign", "bank-fine"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("authorities/cbirc/", [f"2022-04/{INSURER}", f"2022-03/{BANK}"]),
        ("authorities/cac/", [f"2022-04/{APPS}", "2022-03/export-rules"]),
        ("authorities/samr/", ["2022-05/samr-standard"]),
        ("tags/finance/", [f"2022-04/{INSURER}", f"2022-03/{BANK}"]),
        ("tags/personal-information/", [
            f"2022-04/{INSURER}", f"2022-04/{APPS}", f"2022-03/{BANK}",
        ]),
        ("tags/cross-border/", ["2022-05/samr-standard", "2022-03/export-rules"]),
        ("sections/enforcement/", [f"2022-04/{INSURER}", f"2022-04/{APPS}", f"2022-03/{BANK}"]),
        ("sections/views/", ["2022-05/our-view"]),
        ("sections/industry/", ["2022-04/industry-survey"]),
    ],
)
def test_browsing_pages_list_exactly_the_matching_developments_newest_first(
    archive: Path, page: str, expected: list[str]
) -> None:
    permalinks = [f"issues/{path}/" for path in expected]
    assert listed_developments(archive, page + "index.html") == permalinks


def test_long_lists_are_split_into_linked_pages_newest_first(archive: Path, tmp_path: Path) -> None:
    root = write_files(tmp_path, {**ARCHIVE_FILES, "newsletter.yaml": ARCHIVE_CONFIG + "page_size: 2\n"})
    assert run("build", cwd=root).exit_code == 0
    output = root / "output"
    folder = "tags/personal-information/"
    first, second = (output / folder / "index.html").read_text(), (output / folder / "page/2/index.html").read_text()
    listed = listed_developments(output, folder + "index.html") + listed_developments(
        output, folder + "page/2/index.html"
    )
    assert listed == listed_developments(archive, folder + "index.html")  # the one-page list, in order
    assert len(listed) == 3 and len(listed_developments(output, folder + "index.html")) == 2
    assert not (output / folder / "page/3").exists() and not (output / folder / "page/1").exists()
    assert '<link rel="next" href="page/2/">' in first and 'rel="prev"' not in first
    assert '<link rel="prev" href="../../">' in second and 'rel="next"' not in second
    assert "3 developments, newest first; page 2 of 2." in second
    assert "<title>personal-information (page 2 of 2) · Test Newsletter</title>" in second
    assert '<link rel="canonical" href="https://news.example.org/tags/personal-information/page/2/">' in second
    assert "tags/personal-information/page/2/</loc>" in (output / "sitemap.xml").read_text()
    assert not (output / "tags/apps/page").exists()  # a term that fits on one page has one page


def test_index_pages_list_every_term_with_its_count(archive: Path) -> None:
    authorities = (archive / "authorities/index.html").read_text()
    counted = r'<a href="(\w+)/">[^<]+</a> <span class="count">(\d+) development'
    listed = re.findall(counted, authorities)
    assert listed == [("cbirc", "2"), ("cac", "2"), ("miit", "1"), ("samr", "1")]
    tags = (archive / "tags/index.html").read_text()
    assert re.findall(r'<a href="([\w-]+)/">[^<]+</a> <span class="count">(\d+)', tags) == [
        ("apps", "1"), ("cross-border", "2"), ("data-export", "1"), ("finance", "2"),
        ("personal-information", "3"), ("standards", "1"),
    ]
    sections = (archive / "sections/index.html").read_text()
    listed = re.findall(r'<a href="([\w-]+)/">', sections)
    assert listed == ["views", "regulatory", "enforcement", "industry"]


@pytest.mark.parametrize(
    ("short", "slug"),
    [("CBIRC", "cbirc"), ("TC260", "tc260"), ("MOF/SAT", "mof-sat"), ("网信办", "网信办")],
)
def test_authority_slug_derives_from_the_short_name_only(short: str, slug: str) -> None:
    assert Authority(short, "Any full name").slug == slug
    assert Authority(short, "Renamed in the config").slug == slug


def test_authority_slug_of_punctuation_is_stable_and_distinct() -> None:
    assert Authority("--", "x").slug == Authority("--", "y").slug != Authority("—", "x").slug


def test_pages_advertise_their_feeds(archive: Path) -> None:
    for page in ("index.html", "issues/2022-04/index.html", f"issues/2022-04/{APPS}/index.html"):
        html = (archive / page).read_text()
        for kind in ("rss+xml", "atom+xml", "feed+json"):
            assert f'<link rel="alternate" type="application/{kind}"' in html, (page, kind)
    term = (archive / "authorities/cbirc/index.html").read_text()
    assert '<link rel="alternate" type="application/rss+xml" title="Test Newsletter: ' \
        'China Banking and Insurance Regulatory Commission (CBIRC) (RSS)" href="feed.xml">' in term


def test_sitemap_lists_every_page_and_robots_points_to_it(archive: Path) -> None:
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = ElementTree.parse(archive / "sitemap.xml")
    listed = {loc.text for loc in sitemap.findall("s:url/s:loc", namespace)}
    pages = {
        BASE_URL + page.relative_to(archive).as_posix().removesuffix("index.html")
        for page in archive.rglob("*.html")
        if page.name == "index.html"
    }
    assert listed == pages
    assert BASE_URL + "issues/2022-04/app-campaign/" in listed
    assert f"Sitemap: {BASE_URL}sitemap.xml" in (archive / "robots.txt").read_text().splitlines()


def test_issue_and_item_pages_carry_canonical_and_social_meta(archive: Path) -> None:
    html = (archive / "issues/2022-04/insurer-warning/index.html").read_text()
    url = BASE_URL + "issues/2022-04/insurer-warning/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:title" content="CBIRC warns insurers about sales calls">' in html
    assert '<meta property="og:description" content="Insurers must stop unsolicited' in html
    assert '<meta name="twitter:card" content="summary">' in html
    issue = (archive / "issues/2022-04/index.html").read_text()
    assert '<meta property="og:description" content="Apps and banks.">' in issue
    assert '<html lang="en">' in issue


def test_404_page_links_absolutely_and_is_not_in_the_sitemap(archive: Path) -> None:
    html = (archive / "404.html").read_text()
    assert f'href="{BASE_URL}style.css"' in html and f'href="{BASE_URL}search/"' in html
    assert 'rel="canonical"' not in html
    assert "404.html" not in (archive / "sitemap.xml").read_text()


def test_favicon_is_an_svg_linked_from_every_page(archive: Path) -> None:
    ElementTree.parse(archive / "favicon.svg")
    for page in archive.rglob("*.html"):
        if page.name == "index.html":
            assert any(r.endswith("favicon.svg") for r in parse(page).resources), page


def test_entry_headings_nest_under_the_entry_title(archive: Path) -> None:
    issue = (archive / "issues/2022-03/index.html").read_text()
    assert "<h4>Thresholds</h4>" in issue  # below the item's h3
    own = (archive / "issues/2022-03/export-rules/index.html").read_text()
    assert "<h2>Thresholds</h2>" in own  # below the page's h1
    standard = (archive / "issues/2022-05/samr-standard/index.html").read_text()
    assert "<h2>Scope</h2>" in standard


def test_build_is_deterministic(make_site: MakeSite, archive: Path) -> None:
    root = make_site(ARCHIVE_FILES, minimal=False)
    assert run("build", cwd=root).exit_code == 0
    first = tree(root / "output")
    assert run("build", cwd=root).exit_code == 0
    assert tree(root / "output") == first
    assert first.keys() == tree(archive).keys()


def test_excerpt_cuts_long_text_at_a_word_with_an_ellipsis() -> None:
    cut = excerpt(" ".join(["regulation"] * 40), limit=50)
    assert cut.endswith("regulation…") and len(cut) <= 51
    assert excerpt("Short & sweet.") == "Short & sweet."


def test_plain_text_decodes_entities_and_separates_blocks() -> None:
    assert plain_text("<p>Short &amp; sweet.</p><ul><li>One</li><li>two</li></ul>") == "Short & sweet. One two"


def test_shift_headings_keeps_relative_levels_and_caps_at_h6() -> None:
    assert shift_headings("<h3>A</h3><h5>B</h5>", 2) == "<h2>A</h2><h4>B</h4>"
    assert shift_headings("<h3>A</h3><h6>B</h6>", 4) == "<h4>A</h4><h6>B</h6>"
    assert shift_headings("<p>No heading</p>", 2) == "<p>No heading</p>"
