"""`newsletter new issue` and `newsletter new entry`: file names, dates, and refusals."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsletter.authoring import EntryRequest, new_entry, project_config, source_title
from newsletter.build import Project
from newsletter.cli import authoring as commands
from newsletter.content.entries import ENTRY_FIELDS, PLACEHOLDER, read_entries
from newsletter.content.fields import SLUG, xml_invalid_character
from newsletter.content.lifecycle import LIFECYCLE_FIELDS
from newsletter.content.loading import load_entry_file
from newsletter.content.slugs import MAX_SLUG_LENGTH, slugify, unique_slug
from newsletter.errors import AuthoringError, Problem
from newsletter.model import STATUSES, Entry, EntryDate
from newsletter.options import Options
from tests.conftest import LINKED_ARCHIVE, REGISTRY, REGISTRY_CONFIG, MakeSite, newsletter_of, run, write_files

SLUG_SHAPE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
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
        ("个人信息保护法", "ge-ren-xin-xi-bao-hu-fa"),
        ("『』", "entry"),
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


def test_new_entry_writes_a_dated_draft_and_prints_only_its_path(
    make_site: MakeSite, pinned_today: dt.date
) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "enforcement",
                 "SAMR fines a platform: RMB 1 million", cwd=root)
    assert result.exit_code == 0, result.output
    path = Path("content/2022-05/samr-fines-a-platform-rmb-1-million.md")
    assert result.stdout == f"{path}\n"  # alone, for `$EDITOR "$(newsletter new entry ...)"`
    assert "draft" in result.stderr and "placeholder paragraph" in result.stderr
    doc = load_entry_file(root / path, root)
    assert doc.ok, doc.problems
    assert doc.data == {
        "title": "SAMR fines a platform: RMB 1 million",
        "section": "enforcement",
        "date": "2026-12-03",
        "draft": True,
    }
    assert doc.body == PLACEHOLDER + "\n"


def test_new_entry_accepts_a_month_only_date(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "industry",
                 "--date", "2022-04", "Report", cwd=root)
    assert result.exit_code == 0, result.output
    assert "\ndate: 2022-04\n" in (root / "content/2022-05/report.md").read_text()


def test_a_chinese_title_gets_a_pinyin_file_name(make_site: MakeSite) -> None:
    root = make_site()
    names = [
        run("new", "entry", "--issue", "2022-05", "--section", "industry", title, cwd=root).stdout.strip()
        for title in ("数据出境安全评估办法", "个人信息保护认证")
    ]
    assert names == ["content/2022-05/shu-ju-chu-jing-an-quan-ping-gu-ban-fa.md",
                     "content/2022-05/ge-ren-xin-xi-bao-hu-ren-zheng.md"]
    text = (root / names[0]).read_text(encoding="utf-8")
    assert "title: 数据出境安全评估办法\n" in text
    assert run("check", cwd=root).exit_code == 0


def test_new_entry_never_overwrites_and_numbers_the_next_file(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/cac-guidance.yaml": "title: Existing\n"})
    existing = (root / "content/2022-05/draft-rules.md").read_text()
    paths = [
        run("new", "entry", "--issue", "2022-05", "--section", "regulatory", title, cwd=root)
        .stdout.strip()
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


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=80))
def test_any_title_is_refused_or_round_trips_through_a_file_check_accepts(title: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project.at(Path(folder))
        write_files(project.root, {
            "newsletter.yaml": "title: T\nbase_url: https://news.example.org/\n",
            "content/2026-12/issue.yaml": "date: 2026-12-01\n",
        })
        request = EntryRequest("2026-12", "industry", title, EntryDate(2026, 12, 3))
        if not title.strip() or xml_invalid_character(title.strip()) or LINE_BREAK.search(title.strip()):
            with pytest.raises(AuthoringError):
                new_entry(project, request)
            assert [p.name for p in (project.content_dir / "2026-12").iterdir()] == ["issue.yaml"]
            return
        path = new_entry(project, request)
        doc = load_entry_file(path, project.root)
        problems: list[Problem] = []
        entries = read_entries([doc], project_config(project), "2026-12", problems)
    assert problems == []
    assert [entry.title for entry in entries] == [title.strip()]
    assert doc.data["title"] == title.strip()
    assert SLUG.fullmatch(path.stem)


# --- Scaffolds that pass `check` --------------------------------------------------------

def checked(root: Path) -> str:
    """Run ``newsletter check`` in ``root``, which must pass with no error; return what it printed."""
    result = run("check", cwd=root)
    assert result.exit_code == 0, result.output
    assert "error" not in result.output
    return result.output


def only_entry(root: Path, slug: str) -> Entry:
    """The entry ``slug`` of the project in ``root``, drafts included."""
    found = [e for e in newsletter_of(root, Options(drafts=True)).entries if e.slug == slug]
    assert len(found) == 1
    return found[0]


def test_the_scaffold_offers_each_optional_field_and_only_real_ones(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "industry", "Report", cwd=root)
    offered = re.findall(r"^# ([a-z_]+):", (root / result.stdout.strip()).read_text(), re.MULTILINE)
    assert set(offered) <= set(ENTRY_FIELDS)
    assert {*LIFECYCLE_FIELDS, "instruments", "highlight", "authority", "sources", "tags", "url"} <= set(offered)


def test_the_scaffold_lists_every_status(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "industry", "Report", cwd=root)
    text = (root / result.stdout.strip()).read_text()
    assert f"# Where the rule stands: {', '.join(STATUSES)}.\n# status: issued\n" in text


def test_a_new_entry_in_each_section_passes_check_and_stays_out_of_the_build(make_site: MakeSite) -> None:
    root = make_site()
    for section in ("regulatory", "enforcement", "industry"):
        result = run("new", "entry", "--issue", "2022-05", "--section", section, f"New {section} item", cwd=root)
        assert result.exit_code == 0, result.output
    views = run("new", "entry", "--issue", "2022-05", "--section", "views",
                "--url", "https://blog.example.org/our-view", "Our view", cwd=root)
    assert views.exit_code == 0, views.output
    output = checked(root)
    assert "OK: 1 issue, 1 entry" in output  # the four drafts are checked, not counted
    assert "entry in 'regulatory' has no sources" in output  # a warning only
    assert len([e for e in newsletter_of(root, Options(drafts=True)).entries if e.draft]) == 4


def test_options_land_in_the_file_as_yaml_and_validate(make_site: MakeSite) -> None:
    root = make_site()
    result = run(
        "new", "entry", "--issue", "2022-05", "--section", "regulatory", "--date", "2022-05-12",
        "--authority", "CAC", "--authority", "MIIT", "--authority", "CAC",
        "--source", "https://www.cac.gov.cn/2022-05/notice.html", "--source", "mailto:press@example.org",
        "--tag", "data-export", "--tag", "apps", "MIIT and CAC act", cwd=root,
    )
    assert result.exit_code == 0, result.output
    assert "Each source is titled with its host" in result.stderr
    doc = load_entry_file(root / result.stdout.strip(), root)
    assert doc.data == {
        "title": "MIIT and CAC act",
        "section": "regulatory",
        "date": "2022-05-12",
        "authority": ["CAC", "MIIT"],
        "sources": [
            {"title": "cac.gov.cn", "url": "https://www.cac.gov.cn/2022-05/notice.html"},
            {"title": "press@example.org", "url": "mailto:press@example.org"},
        ],
        "tags": ["data-export", "apps"],
        "draft": True,
    }
    checked(root)
    entry = only_entry(root, "miit-and-cac-act")
    assert [a.short for a in entry.authorities] == ["CAC", "MIIT"]
    assert entry.tags == ("data-export", "apps")
    assert entry.draft


def test_one_authority_is_written_as_a_value_not_a_list(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "industry", "--authority", "MIIT", "T",
                 cwd=root)
    assert "\nauthority: MIIT\n" in (root / result.stdout.strip()).read_text()


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://www.cac.gov.cn/a.html", "cac.gov.cn"),
        ("https://user:secret@Docs.Example.ORG:8443/x?y=1", "docs.example.org"),
        ("https://xn--fiqs8s.example/notice", "中国.example"),
        ("https://xn--zz.example/", "xn--zz.example"),
        ("mailto:press@example.org", "press@example.org"),
        ("https://[2001:db8::1]/doc", "2001:db8::1"),
    ],
)
def test_a_source_is_titled_with_its_host_until_the_editor_writes_one(url: str, title: str) -> None:
    assert source_title(url) == title


def registry_project(inline: bool) -> dict[str, str | bytes | None]:
    """The linked archive, its registry in ``registry.yaml`` or under ``registry:`` in the settings."""
    if not inline:
        return dict(LINKED_ARCHIVE)
    nested = "".join(f"  {line}\n" if line else "\n" for line in REGISTRY.splitlines())
    return {**LINKED_ARCHIVE, "registry.yaml": None, "newsletter.yaml": f"{REGISTRY_CONFIG}registry:\n{nested}"}


@pytest.mark.parametrize("inline", [False, True], ids=["registry.yaml", "registry in newsletter.yaml"])
def test_a_new_entry_naming_registry_ids_passes_check(make_site: MakeSite, inline: bool) -> None:
    root = make_site(registry_project(inline))
    checked(root)
    result = run("new", "entry", "--issue", "2022-05", "--section", "enforcement", "--authority", "cac",
                 "--source", "https://www.cac.gov.cn/fine", "--tag", "apps", "CAC fines an app", cwd=root)
    assert result.exit_code == 0, result.output
    text = (root / result.stdout.strip()).read_text()
    assert "# Who issued it: an authority id from the registry, or a list of them.\n" in text
    assert "# instruments: [pipl]\n" in text
    checked(root)
    assert only_entry(root, "cac-fines-an-app").authorities[0].id == "cac"


def test_an_authority_the_registry_does_not_know_is_a_usage_error(make_site: MakeSite) -> None:
    root = make_site(registry_project(inline=False))
    result = run("new", "entry", "--issue", "2022-05", "--section", "regulatory", "--authority", "CAC", "T",
                 cwd=root)
    assert result.exit_code == 2
    assert ("unknown authority id 'CAC'; did you mean 'cac'? (authorities in the registry: cac, miit)"
            in result.output)


def test_without_any_authorities_listed_any_name_is_accepted_as_check_accepts_it(make_site: MakeSite) -> None:
    root = make_site({"newsletter.yaml": cli_config_with_sections("regulatory")})
    result = run("new", "entry", "--issue", "2022-05", "--section", "regulatory", "--authority", "NPC",
                 "--date", "2022-05-01", "--source", "https://www.npc.gov.cn/law", "T", cwd=root)
    assert result.exit_code == 0, result.output
    assert "warning" not in checked(root)


HOSTILE_TITLES = [
    'CAC: "final" rules', "*starred* rules", "'single' quotes", '"double" quotes', "- a dash first",
    "? a question mark first", "# a hash first", "rule #1", "key: value: more", "yes", "null", "~",
    "2022-05-10", "12", "0x1F", "[brackets]", "{braces}", "& anchor", "! tag", "% directive", "@ at",
    "`tick`", "| pipe", "> fold", "ends with a colon:", "tab\tinside", "--- fence", "...", "Ünïcödé 个人信息",
    "trailing backslash \\", "emoji 🎉 and \u00a0no-break space",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_round_trips_exactly(make_site: MakeSite, title: str) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "industry", "--", title, cwd=root)
    assert result.exit_code == 0, result.output
    path = root / result.stdout.strip()
    assert load_entry_file(path, root).data["title"] == title
    checked(root)
    assert only_entry(root, path.stem).title == title


@given(st.lists(st.text(max_size=12), max_size=4))
def test_any_tags_are_written_as_given_or_refused(tags: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project.at(Path(folder))
        write_files(project.root, {
            "newsletter.yaml": "title: T\nbase_url: https://news.example.org/\n",
            "content/2026-12/issue.yaml": "date: 2026-12-01\n",
        })
        request = EntryRequest("2026-12", "industry", "T", EntryDate(2026, 12, 3), tags=tuple(tags))
        if not all(SLUG.fullmatch(tag.strip()) for tag in tags):
            with pytest.raises(AuthoringError, match="is not a valid tag"):
                new_entry(project, request)
            return
        doc = load_entry_file(new_entry(project, request), project.root)
    assert doc.data.get("tags", []) == list(dict.fromkeys(tag.strip() for tag in tags))


@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=12), min_size=1, max_size=3))
def test_without_a_list_any_authority_names_are_written_as_given_or_refused(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Project.at(Path(folder))
        write_files(project.root, {
            "newsletter.yaml": "title: T\nbase_url: https://news.example.org/\n",
            "content/2026-12/issue.yaml": "date: 2026-12-01\n",
        })
        request = EntryRequest("2026-12", "industry", "T", EntryDate(2026, 12, 3), authorities=tuple(names))
        wanted = list(dict.fromkeys(name.strip() for name in names))
        if any(not name or xml_invalid_character(name) for name in wanted):
            with pytest.raises(AuthoringError):
                new_entry(project, request)
            return
        doc = load_entry_file(new_entry(project, request), project.root)
    assert doc.data["authority"] == (wanted[0] if len(wanted) == 1 else wanted)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--section", "regulatry", "T"], "unknown section 'regulatry'; did you mean 'regulatory'?"),
        (["--authority", "CCA", "T"], "unknown authority 'CCA'; did you mean 'CAC'? "
                                      "(authorities in newsletter.yaml: CAC, MIIT)"),
        (["--tag", "Data Export", "T"], "--tag 'Data Export' is not a valid tag: use lowercase letters, digits "
                                        "and hyphens; did you mean 'data-export'?"),
        (["--tag", "个人信息", "T"],
         "--tag '个人信息' is not a valid tag: use lowercase letters, digits and hyphens; "
         "did you mean 'ge-ren-xin-xi'?\n"),
        (["--source", "www.cac.gov.cn/notice", "T"], "--source: URL 'www.cac.gov.cn/notice' is relative"),
        (["--source", "javascript:alert(1)", "T"], "--source: URL 'javascript:alert(1)' uses the 'javascript:'"),
        (["--source", "https://example.org/\x01", "T"], "--source: URL 'https://example.org/\x01' contains the"),
        (["--source", "https://[::1/", "T"], "--source: URL 'https://[::1/' cannot be read: Invalid IPv6 URL"),
        (["--url", "ftp://example.org/x", "T"], "--url: URL 'ftp://example.org/x' uses the 'ftp:' scheme"),
        (["--section", "views", "T"], "entries in 'views' link to an article: give its address with --url URL"),
        ([*(f"--tag=t{i}" for i in range(26)), "T"], "26 --tag values; an entry may name at most 25"),
        (["--issue", "../2022-05", "T"], "'../2022-05' is not a valid issue id"),
        (["Two\nlines"], "'title' must be one line, but it holds a line break (U+000A)"),
        (["   "], "'title' is empty"),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(
    make_site: MakeSite, args: list[str], message: str
) -> None:
    root = make_site()
    before = sorted(p.name for p in (root / "content/2022-05").iterdir())
    defaults = [part for key in ("--issue", "--section") if key not in args for part in (key, DEFAULTS[key])]
    result = run("new", "entry", *defaults, *args, cwd=root)
    assert result.exit_code == 2, result.output
    assert f"error: {message}" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in (root / "content/2022-05").iterdir()) == before


DEFAULTS = {"--issue": "2022-05", "--section": "regulatory"}


def test_every_bad_option_is_reported_at_once(make_site: MakeSite) -> None:
    root = make_site()
    result = run("new", "entry", "--issue", "2022-05", "--section", "regulatory", "--authority", "SAMR",
                 "--tag", "A", "--source", "notice.html", "T", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: 3 problems, nothing was written:\n  - unknown authority 'SAMR'")
    assert "  - --tag 'A' is not a valid tag" in result.stderr
    assert "  - --source: URL 'notice.html' is relative" in result.stderr
