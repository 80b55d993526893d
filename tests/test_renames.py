"""Renamed and moved developments keep their addresses: aliases, redirect pages, stable feed ids, ``mv``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import MakeSite, built, entry, run, tree

RULES = entry("Data export rules", source="https://example.org/rules", date="2022-05-03")
LATER = entry("Final data export rules", source="https://example.org/final", date="2022-05-04",
              supersedes="[2022-05/rules]", related="2022-05/rules")


def guid_of(output: Path, title: str) -> str:
    feed = (output / "sections/regulatory/feed.xml").read_text(encoding="utf-8")
    item = next(item for item in feed.split("<item>")[1:] if f"<title>{title}</title>" in item)
    found = re.search(r"<guid[^>]*>([^<]+)</guid>", item)
    assert found
    return found.group(1)


@pytest.fixture
def project(make_site: MakeSite) -> Path:
    root = make_site({"content/2022-05/rules.md": RULES, "content/2022-05/later.md": LATER})
    built(root)
    return root


def test_mv_renames_adds_the_alias_and_rewrites_references(project: Path) -> None:
    guid = guid_of(project / "output", "Data export rules")
    result = run("mv", "2022-05/rules", "export-rules", cwd=project)
    assert result.exit_code == 0, result.output
    assert "moved content/2022-05/rules.md -> content/2022-05/export-rules.md" in result.stdout
    assert not (project / "content/2022-05/rules.md").exists()
    moved = (project / "content/2022-05/export-rules.md").read_text(encoding="utf-8")
    assert moved.startswith("---\naliases: [2022-05/rules]\ntitle: Data export rules\n")
    later = (project / "content/2022-05/later.md").read_text(encoding="utf-8")
    assert "supersedes: [2022-05/export-rules]" in later and "related: 2022-05/export-rules" in later
    result = run("build", cwd=project)
    assert result.exit_code == 0 and "warning" not in result.stderr, result.output
    output = project / "output"
    redirect = (output / "issues/2022-05/rules/index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../export-rules/">' in redirect
    assert '<link rel="canonical" href="https://news.example.org/issues/2022-05/export-rules/">' in redirect
    assert '<a href="../export-rules/">Data export rules</a>' in redirect
    assert guid_of(output, "Data export rules") == guid
    assert "issues/2022-05/rules/" not in (output / "sitemap.xml").read_text(encoding="utf-8")
    page = (output / "issues/2022-05/export-rules/index.html").read_text(encoding="utf-8")
    assert "Superseded by" in page


def test_mv_to_another_issue_and_again_keeps_every_former_address(project: Path, make_site: MakeSite) -> None:
    make_site({"content/2022-06/issue.yaml": "date: 2022-06-15\n"})
    assert run("mv", "2022-05/rules", "2022-06/rules", cwd=project).exit_code == 0
    assert run("mv", "2022-06/rules", "june-rules", cwd=project).exit_code == 0
    moved = (project / "content/2022-06/june-rules.md").read_text(encoding="utf-8")
    assert "aliases: [2022-05/rules, 2022-06/rules]" in moved
    built(project)
    output = project / "output"
    for old in ("issues/2022-05/rules/index.html", "issues/2022-06/rules/index.html"):
        assert "june-rules/" in (output / old).read_text(encoding="utf-8")
    assert guid_of(output, "Data export rules") == "https://news.example.org/issues/2022-05/rules/"


@pytest.mark.parametrize(("front", "expected"), [
    ("aliases:\n  - first-name\n", "aliases:\n  - first-name\n  - 2022-05/rules\n"),
    ("aliases: first-name  # the first\n", "aliases: [first-name, 2022-05/rules]  # the first\n"),
    ("aliases: [first-name]\n", "aliases: [first-name, 2022-05/rules]\n"),
])
def test_mv_adds_to_aliases_however_they_are_written(make_site: MakeSite, front: str, expected: str) -> None:
    root = make_site({"content/2022-05/rules.md": RULES.replace("---\n", "---\n" + front, 1)})
    assert run("mv", "2022-05/rules", "new-rules", cwd=root).exit_code == 0
    assert expected in (root / "content/2022-05/new-rules.md").read_text(encoding="utf-8")
    assert run("check", cwd=root).exit_code == 0


def test_mv_of_a_yaml_entry(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/rules.yaml": "title: Rules\nsection: industry\ndate: 2022-05-02\nbody: Text.\n"})
    assert run("mv", "2022-05/rules", "new-rules", cwd=root).exit_code == 0
    moved = (root / "content/2022-05/new-rules.yaml").read_text(encoding="utf-8")
    assert moved.startswith("aliases: [2022-05/rules]\n")
    assert run("check", cwd=root).exit_code == 0


@pytest.mark.parametrize(("source", "target", "message"), [
    ("2022-05/nothing", "other", "there is no development 2022-05/nothing"),
    ("2022-05/rules", "later", "2022-05/later is taken"),
    ("2022-05/rules", "2023-01/rules", "there is no issue 2023-01"),
    ("2022-05/rules", "Bad Name", "is not an address written ISSUE/SLUG or SLUG"),
    ("rules", "other", "is not an address written ISSUE/SLUG"),
])
def test_mv_refuses_what_it_cannot_do_and_changes_nothing(
    project: Path, source: str, target: str, message: str
) -> None:
    before = tree(project / "content")
    result = run("mv", source, target, cwd=project)
    assert result.exit_code == 2
    assert message in result.stderr
    assert tree(project / "content") == before


def test_a_rename_by_hand_warns_and_names_the_fix(project: Path) -> None:
    (project / "content/2022-05/rules.md").rename(project / "content/2022-05/export-rules.md")
    (project / "content/2022-05/later.md").unlink()
    warning = ("content/2022-05:1:1: warning: issues/2022-05/rules/ was published by the last build and is gone: "
               "if that development was renamed or moved, add 'aliases: [2022-05/rules]' to it")
    strict = run("build", "--strict", cwd=project)
    assert strict.exit_code == 1 and warning.replace("warning:", "error:") in strict.stderr
    result = run("build", cwd=project)
    assert result.exit_code == 0
    assert warning in result.stderr


@pytest.mark.parametrize(("aliases", "message"), [
    ("[later]", "content/2022-05/rules.md:5:11: error: 2022-05/later is the address of a development now"),
    ("[rules]", "content/2022-05/rules.md:5:11: error: 'rules' is this development's own address"),
    ("[Not A Slug]", "content/2022-05/rules.md:5:11: error: 'Not A Slug' in 'aliases' must be a former address"),
])
def test_aliases_that_cannot_be_former_addresses_are_located_errors(
    make_site: MakeSite, aliases: str, message: str
) -> None:
    root = make_site({"content/2022-05/rules.md": RULES.replace("---\n", "---\n", 1).replace(
        "date: 2022-05-03\n", f"date: 2022-05-03\naliases: {aliases}\n"), "content/2022-05/later.md": LATER})
    result = run("check", cwd=root)
    assert result.exit_code == 1
    assert message in result.stderr


def test_one_former_address_for_two_developments_is_an_error(make_site: MakeSite) -> None:
    root = make_site({
        "content/2022-05/rules.md": RULES.replace("date: 2022-05-03\n", "date: 2022-05-03\naliases: [old]\n"),
        "content/2022-05/later.md": LATER.replace("date: 2022-05-04\n", "date: 2022-05-04\naliases: [old]\n"),
    })
    result = run("check", cwd=root)
    assert result.exit_code == 1
    assert "2022-05/old is also a former address of content/2022-05/later.md" in result.stderr


def test_a_reference_to_a_former_address_still_finds_the_development(make_site: MakeSite) -> None:
    root = make_site({
        "content/2022-05/export-rules.md": RULES.replace("date: 2022-05-03\n", "date: 2022-05-03\naliases: [rules]\n"),
        "content/2022-05/later.md": LATER,
    })
    built(root)
    page = (root / "output/issues/2022-05/export-rules/index.html").read_text(encoding="utf-8")
    assert "Superseded by" in page and "Final data export rules" in page


def test_mv_keeps_each_files_line_endings(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/rules.md": RULES.replace("\n", "\r\n").encode(),
                      "content/2022-05/later.md": LATER})
    moved = run("mv", "2022-05/rules", "2022-05/export-rules", cwd=root)
    assert moved.exit_code == 0, moved.output
    renamed = (root / "content/2022-05/export-rules.md").read_bytes()
    assert b"aliases:" in renamed and renamed.count(b"\r\n") == renamed.count(b"\n")
    later = (root / "content/2022-05/later.md").read_bytes()
    assert b"2022-05/export-rules" in later and b"\r" not in later
