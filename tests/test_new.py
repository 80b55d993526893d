"""`newsletter new issue` and `newsletter new entry`: file names, dates, and refusals."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsletter.authoring import new_entry
from newsletter.build import Project
from newsletter.cli import authoring as commands
from newsletter.content.fields import SLUG
from newsletter.content.loading import load_entry_file
from newsletter.content.slugs import MAX_SLUG_LENGTH, slugify, unique_slug
from newsletter.model import EntryDate
from tests.conftest import MakeSite, run

SLUG_SHAPE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PINNED_TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Make the CLI's 'today' a fixed date."""
    monkeypatch.setattr(commands, "today", lambda: PINNED_TODAY)
    return PINNED_TODAY


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("CAC publishes draft rules", "cac-publishes-draft-rules"),
        ("MIIT's “Notice” on apps: 84 named!", "miits-notice-on-apps-84-named"),
        ("Données personnelles — règles Über", "donnees-personnelles-regles-uber"),
        ("Ｆｕｌｌｗｉｄｔｈ ＰＩＰＬ", "fullwidth-pipl"),
        ("个人信息保护法", "entry"),
        ("  --  ", "entry"),
    ],
)
def test_slug_is_ascii_words_joined_by_hyphens(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_title_is_cut_at_a_word_boundary_within_the_limit() -> None:
    title = "Provisions on the administration of algorithmic recommendation in internet services"
    slug = slugify(title)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert title.lower().replace(" ", "-").startswith(slug)
    assert not slug.endswith("-")


@given(st.text(max_size=200))
def test_any_title_gives_a_valid_slug_of_at_most_60_characters(title: str) -> None:
    slug = slugify(title)
    assert SLUG_SHAPE.fullmatch(slug)
    assert len(slug) <= MAX_SLUG_LENGTH


@given(st.text(max_size=120), st.integers(min_value=2, max_value=120))
def test_numbered_slugs_stay_within_the_limit(title: str, copies: int) -> None:
    taken: set[str] = set()
    for _ in range(copies):
        taken.add(unique_slug(title, taken))
    assert len(taken) == copies
    assert all(SLUG_SHAPE.fullmatch(s) and len(s) <= MAX_SLUG_LENGTH for s in taken)


def test_new_issue_defaults_to_this_month(make_site: MakeSite, pinned_today: dt.date) -> None:
    root = make_site()
    result = run("new", "issue", cwd=root)
    assert result.exit_code == 0, result.output
    issue = root / "content/2026-12/issue.yaml"
    assert "content/2026-12/issue.yaml" in result.output
    assert "date: 2026-12-03\n" in issue.read_text()


def test_new_issue_takes_the_month_of_date_and_an_explicit_id(make_site: MakeSite) -> None:
    root = make_site()
    assert run("new", "issue", "--date", "2027-02-01", cwd=root).exit_code == 0
    assert "date: 2027-02-01\n" in (root / "content/2027-02/issue.yaml").read_text()
    assert run("new", "issue", "special-edition", "--date", "2027-02-14", cwd=root).exit_code == 0
    assert "date: 2027-02-14\n" in (root / "content/special-edition/issue.yaml").read_text()


def test_new_issue_never_overwrites_an_issue(make_site: MakeSite) -> None:
    root = make_site()
    before = (root / "content/2022-05/issue.yaml").read_text()
    result = run("new", "issue", "2022-05", cwd=root)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (root / "content/2022-05/issue.yaml").read_text() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "issue", "Bad_ID"], "not a valid issue id"),
        (["new", "issue", "--date", "2026-13-01"], "not a real date"),
        (["new", "issue", "--date", "2026-12"], "expected YYYY-MM-DD"),
        (["new", "entry", "--issue", "2022-05", "--section", "views", "--date", "May", "T"],
         "not a date"),
    ],
)
def test_bad_ids_and_dates_are_usage_errors(make_site: MakeSite, args: list[str], message: str) -> None:
    result = run(*args, cwd=make_site())
    assert result.exit_code == 2
    assert message in result.output


def test_new_entry_writes_a_dated_file_and_prints_its_path(
    make_site: MakeSite, pinned_today: dt.date
) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "enforcement",
                 "SAMR fines a platform: RMB 1 million", cwd=root)
    assert result.exit_code == 0, result.output
    path = Path("content/2022-05/samr-fines-a-platform-rmb-1-million.md")
    assert result.output.strip() == str(path)
    doc = load_entry_file(root / path, root)
    assert doc.ok, doc.problems
    assert doc.data == {
        "title": "SAMR fines a platform: RMB 1 million",
        "section": "enforcement",
        "date": "2026-12-03",
    }


def test_new_entry_accepts_a_month_only_date(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "industry",
                 "--date", "2022-04", "Report", cwd=root)
    assert result.exit_code == 0, result.output
    assert "\ndate: 2022-04\n" in (root / "content/2022-05/report.md").read_text()


def test_new_entry_never_overwrites_and_numbers_the_next_file(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/cac-guidance.yaml": "title: Existing\n"})
    existing = (root / "content/2022-05/draft-rules.md").read_text()
    paths = [
        run("new", "entry", "--issue", "2022-05", "--section", "regulatory", title, cwd=root)
        .output.strip()
        for title in ("Draft rules", "Draft rules", "CAC guidance")
    ]
    assert paths == [
        "content/2022-05/draft-rules-2.md",
        "content/2022-05/draft-rules-3.md",
        "content/2022-05/cac-guidance-2.md",
    ]
    assert (root / "content/2022-05/draft-rules.md").read_text() == existing


def test_new_entry_refuses_an_unknown_section_listing_the_valid_ones(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "regulatry", "T", cwd=root)
    assert result.exit_code == 2
    assert ("unknown section 'regulatry'; did you mean 'regulatory'? "
            "(sections: views, regulatory, enforcement, industry)") in result.output
    assert sorted(p.name for p in (root / "content/2022-05").iterdir()) == [
        "draft-rules.md", "issue.yaml"
    ]


def test_new_entry_uses_the_configured_sections(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": cli_config_with_sections("news", "analysis")})
    refused = run("new", "entry", "--issue", "2022-05", "--section", "regulatory", "T", cwd=root)
    assert refused.exit_code == 2
    assert "(sections: news, analysis)" in refused.output
    accepted = run("new", "entry", "--issue", "2022-05", "--section", "analysis", "T", cwd=root)
    assert accepted.exit_code == 0, accepted.output


def cli_config_with_sections(*ids: str) -> str:
    """A valid newsletter.yaml whose sections are ``ids``."""
    sections = "".join(f"  - id: {i}\n    title: {i.title()}\n" for i in ids)
    return f"title: T\nbase_url: https://news.example.org/\nsections:\n{sections}"


def test_new_entry_refuses_an_issue_that_does_not_exist(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-06", "--section", "regulatory", "T", cwd=root)
    assert result.exit_code == 2
    assert "no issue '2022-06' (issues: 2022-05)" in result.output
    assert "newsletter new issue 2022-06" in result.output
    assert not (root / "content/2022-06").exists()


def test_new_entry_reports_a_broken_config_as_content_errors(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": "title: T\nbase_url: nowhere\n"})
    result = run("new", "entry", "--issue", "2022-05", "--section", "regulatory", "T", cwd=root)
    assert result.exit_code == 1
    assert "newsletter.yaml:2:11: error:" in result.output


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=80).filter(str.strip))
def test_any_title_survives_the_round_trip_through_the_new_file(title: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project.at(Path(folder))
        project.config_path.write_text("title: T\nbase_url: https://news.example.org/\n")
        (project.content_dir / "2026-12").mkdir(parents=True)
        (project.content_dir / "2026-12/issue.yaml").write_text("date: 2026-12-01\n")
        path = new_entry(project, "2026-12", "industry", title, EntryDate(2026, 12, 3))
        doc = load_entry_file(path, project.root)
    assert doc.ok, doc.problems
    assert doc.data["title"] == title.strip()
    assert SLUG.fullmatch(path.stem)
