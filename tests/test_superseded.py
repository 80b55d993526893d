"""A development that a later published one supersedes stops advertising its deadlines.

May publishes a draft standard with comments due 25 July; June publishes the
final standard, which supersedes the draft. From June on, nothing invites
comments on the draft: not June's "Coming up" box (web, HTML email, text
email), not the upcoming page, not the calendars; the draft's own page and
the instrument's timeline say "Superseded by" instead. May's own issue, as
published in May, is left as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REGISTRY, MakeSite, built, entry, write_files

DRAFT_TITLE = "TC260 consults on a draft certification specification"
FINAL_TITLE = "TC260 publishes the final certification specification"
PROJECT = {
    "newsletter.yaml": "title: Test Newsletter\nbase_url: https://news.example.org/\n",
    "registry.yaml": REGISTRY + "  spec:\n    name: Certification Specification\n    kind: standard\n",
    "content/2022-05/issue.yaml": "date: 2022-05-15\n",
    "content/2022-05/draft-spec.md": entry(
        DRAFT_TITLE, date="2022-05-02", authority="cac", source="https://example.org/draft",
        status="draft-for-comment", comment_deadline="2022-07-25", instruments="[spec]",
    ),
    "content/2022-06/issue.yaml": "date: 2022-06-15\n",
    "content/2022-06/final-spec.md": entry(
        FINAL_TITLE, date="2022-06-10", authority="cac", source="https://example.org/final",
        status="issued", instruments="[spec]", supersedes="[2022-05/draft-spec]",
    ),
    "content/2022-06/other-draft.md": entry(
        "MIIT consults on other rules", date="2022-06-05", authority="miit", source="https://example.org/other",
        comment_deadline="2022-07-20",
    ),
}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_files(tmp_path_factory.mktemp("superseded") / "site", dict(PROJECT))
    built(root)
    return root / "output"


def read(output: Path, path: str) -> str:
    return (output / path).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", [
    "issues/2022-06/index.html", "issues/2022-06/email.html", "issues/2022-06/email.txt", "upcoming/index.html",
    "calendar.ics", "authorities/cac/calendar.ics",
])
def test_the_superseded_draft_is_no_longer_advertised(output: Path, path: str) -> None:
    # CAC has no other deadline, so its calendar is not written at all.
    text = read(output, path) if (output / path).exists() or path != "authorities/cac/calendar.ics" else ""
    assert "25 Jul" not in text and "20220725" not in text
    assert DRAFT_TITLE not in text.replace("\r\n ", "")  # calendars fold long lines


@pytest.mark.parametrize("path", ["issues/2022-06/index.html", "upcoming/index.html", "calendar.ics"])
def test_other_deadlines_are_still_listed(output: Path, path: str) -> None:
    text = read(output, path).replace("\r\n ", "")
    assert "MIIT consults on other rules" in text


def test_the_drafts_own_page_says_superseded_by_with_the_link(output: Path) -> None:
    page = read(output, "issues/2022-05/draft-spec/index.html")
    lifecycle = page.split('<p class="lifecycle">', 1)[1].split("</p>", 1)[0]
    assert "Comments due" not in lifecycle
    assert "Superseded by" in lifecycle and FINAL_TITLE in lifecycle
    assert 'href="../../2022-06/final-spec/"' in lifecycle


def test_the_instrument_timeline_says_superseded_by(output: Path) -> None:
    page = read(output, "instruments/spec/index.html")
    draft_item = page.split(DRAFT_TITLE, 1)[1].split("</li>", 1)[0]
    assert "Comments due" not in draft_item
    assert "Superseded by" in draft_item and FINAL_TITLE in draft_item


def test_mays_issue_keeps_what_it_said_in_may(output: Path) -> None:
    page = read(output, "issues/2022-05/index.html")
    coming_up = page.split('class="deadlines"', 1)[1].split("</ul>", 1)[0]
    assert DRAFT_TITLE in coming_up and "25 July 2022" in coming_up


def test_a_superseder_left_out_as_a_draft_supersedes_nothing(make_site: MakeSite) -> None:
    files = dict(PROJECT)
    files["content/2022-06/final-spec.md"] = str(files["content/2022-06/final-spec.md"]).replace(
        "status: issued", "status: issued\ndraft: true")
    root = make_site(files, minimal=False)
    built(root)
    assert DRAFT_TITLE in (root / "output/upcoming/index.html").read_text(encoding="utf-8")
