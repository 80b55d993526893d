"""A build with ``--drafts`` shows drafts on its pages, marked, and keeps them out of everything published.

Feeds, calendars, the sitemap and the search index of a ``--drafts`` build
are byte for byte those of a build without drafts; every page and email that
shows a draft says so and asks search engines to leave it out.
"""

from __future__ import annotations

import pytest

from tests.conftest import MINIMAL_CONFIG, MINIMAL_ENTRY, MINIMAL_ISSUE, MakeSite, built, entry, tree, write_files

PROJECT = {
    "content/2022-05/open-consultation.md": entry(
        "Open consultation", "industry", "2022-05-12", comment_deadline="2022-06-20",
    ),
    "content/2022-05/unfinished.md": entry(
        "Unfinished analysis", "industry", "2022-05-11", draft="true", tags="[secret-tag]",
        comment_deadline="2022-06-30",
    ),
    "content/2022-06/issue.yaml": "date: 2022-06-15\ndraft: true\n",
    "content/2022-06/june-news.md": entry("June news", "industry", "2022-06-01", effective_date="2022-07-01"),
}
LEAVES_THE_SITE = ("feed.xml", "atom.xml", "feed.json", "calendar.ics", "sitemap.xml")


def leaves_the_site(path: str) -> bool:
    """Feeds, calendars, the sitemap and the parts of the search index."""
    return path.endswith(LEAVES_THE_SITE) or (path.startswith("search/") and path.endswith(".js"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes], str]:
    """The same project built without drafts and with them, and the second build's summary."""
    root = write_files(tmp_path_factory.mktemp("drafts") / "site", {
        "newsletter.yaml": MINIMAL_CONFIG, "content/2022-05/issue.yaml": MINIMAL_ISSUE,
        "content/2022-05/draft-rules.md": MINIMAL_ENTRY, **PROJECT,
    })
    built(root, "--output", "public")
    with_drafts = built(root, "--drafts", "--output", "preview")
    return tree(root / "public"), tree(root / "preview"), with_drafts.stdout


def test_what_leaves_the_site_is_what_a_build_without_drafts_publishes(
    builds: tuple[dict[str, bytes], dict[str, bytes], str]
) -> None:
    public, preview, _ = builds
    leaving = sorted(path for path in public if leaves_the_site(path))
    assert "feed.xml" in leaving and "sitemap.xml" in leaving and "calendar.ics" in leaving
    assert any(path.startswith("search/") for path in leaving)
    for path in leaving:
        assert preview.get(path) == public[path], path
    extra = [path for path in preview if leaves_the_site(path) and path not in public]
    assert extra == [], "a feed or calendar exists only because of a draft"


@pytest.mark.parametrize("page", [
    "issues/2022-06/index.html", "issues/2022-06/june-news/index.html",
    "issues/2022-05/unfinished/index.html", "issues/2022-05/index.html",
])
def test_every_page_showing_a_draft_is_marked_and_kept_from_search_engines(
    builds: tuple[dict[str, bytes], dict[str, bytes], str], page: str
) -> None:
    _, preview, _ = builds
    html = preview[page].decode()
    assert '<meta name="robots" content="noindex">' in html
    assert '<p class="draft-banner" role="note"><strong>Draft</strong>' in html


def test_pages_without_drafts_are_not_marked(builds: tuple[dict[str, bytes], dict[str, bytes], str]) -> None:
    public, preview, _ = builds
    for html in (preview["issues/2022-05/draft-rules/index.html"], public["issues/2022-05/index.html"]):
        assert b"noindex" not in html and b"draft-banner" not in html


def test_draft_emails_say_so_in_both_parts(builds: tuple[dict[str, bytes], dict[str, bytes], str]) -> None:
    public, preview, _ = builds
    for issue in ("2022-05", "2022-06"):
        assert b"<strong>Draft</strong>: this email includes drafts" in preview[f"issues/{issue}/email.html"]
        assert preview[f"issues/{issue}/email.txt"].startswith(b"DRAFT: this email includes drafts")
    assert b"Draft" not in public["issues/2022-05/email.txt"].split(b"\n", 1)[0]


def test_the_summary_counts_the_drafts_included(builds: tuple[dict[str, bytes], dict[str, bytes], str]) -> None:
    _, _, summary = builds
    assert "drafts included: 1 issue, 2 entries (not in feeds, calendars, sitemap or search)" in summary


def test_a_build_without_drafts_says_nothing_of_them(make_site: MakeSite) -> None:
    root = make_site(PROJECT)
    assert "drafts included" not in built(root).stdout
    assert not (root / "output" / "issues" / "2022-06").exists()


def test_the_draft_tag_has_a_page_in_the_preview_but_no_feed(
    builds: tuple[dict[str, bytes], dict[str, bytes], str]
) -> None:
    _, preview, _ = builds
    assert "tags/secret-tag/index.html" in preview
    assert "tags/secret-tag/feed.xml" not in preview


def test_the_searchable_text_of_the_preview_has_no_draft(
    builds: tuple[dict[str, bytes], dict[str, bytes], str]
) -> None:
    _, preview, _ = builds
    parts = [data for path, data in preview.items() if path.startswith("search/") and path != "search/index.html"]
    index = b"".join(parts)
    assert b"unfinished" not in index.lower() and b"june news" not in index.lower()
    assert b"open consultation" in index.lower()
