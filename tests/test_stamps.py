"""A build or check with nothing changed is answered from its stamp; any change runs it in full."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsletter import build as pipeline
from newsletter.incremental.cache import CACHE_DIR
from tests.conftest import (
    LINKED_ARCHIVE,
    LISTING_TEMPLATE,
    Files,
    MakeSite,
    built,
    cold_build,
    entry,
    replace_in,
    run,
    tree,
    write_files,
)

PROJECT: Files = {
    **LINKED_ARCHIVE,
    "templates/issue.html": LISTING_TEMPLATE,
    # A rule without sources: a warning, which --strict makes an error.
    "content/2022-05/unsourced.md": entry(
        "Unsourced rules", date="2022-05-03", authority="cac", body="No source given.\n",
    ),
}
WARNING = "content/2022-05/unsourced.md:2:1: warning: entry in 'regulatory' has no sources"

HEAVY_LIBRARIES = ("jinja2", "markdown", "nh3", "feedgen", "lxml", "css_inline", "yaml")


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The builds and checks that ran in full rather than from a stamp, in order."""
    ran: list[str] = []
    build, check = pipeline.build, pipeline.check

    def counted_build(*args: object, **kwargs: object) -> object:
        ran.append("build")
        return build(*args, **kwargs)  # type: ignore[arg-type]

    def counted_check(*args: object, **kwargs: object) -> object:
        ran.append("check")
        return check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "build", counted_build)
    monkeypatch.setattr(pipeline, "check", counted_check)
    return ran


def without_time(summary: str) -> str:
    return re.sub(r" in \d+\.\d\d s", " in … s", summary)


def drop_in(path: Path) -> None:
    """Write a new file into the output, late enough for the file system to give it new times."""
    time.sleep(0.05)
    path.write_text("dropped in")


def damage_every_file(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes()[:-1] + b"!")


def test_a_rebuild_with_nothing_changed_says_what_the_first_build_said(
    make_site: MakeSite, full_runs: list[str]
) -> None:
    root = make_site(PROJECT)
    first = built(root)
    inode = (root / "output").stat().st_ino
    again = built(root)
    assert full_runs == ["build"]
    assert WARNING in first.stderr
    assert again.stderr == first.stderr
    assert without_time(again.stdout) == without_time(first.stdout)
    assert (root / "output").stat().st_ino == inode
    assert built(root, "-v").stdout.splitlines()[:-1] == first_listing(root)


def first_listing(root: Path) -> list[str]:
    """What ``build -v`` lists: every file of the output."""
    files = sorted(path.relative_to(root / "output").as_posix() for path in (root / "output").rglob("*")
                   if path.is_file() and path.name != ".newsletter-output")
    return [f"wrote {Path('output') / path}" for path in files]


Edit = Callable[[Path], object]

CHANGES: list[tuple[str, Edit, tuple[str, ...]]] = [
    ("edit an entry", lambda root: replace_in(
        root, "content/2022-04/final-rules.md", "Body of", "The *revised* body of"), ()),
    ("add an entry", lambda root: write_files(root, {"content/2022-04/new-rules.md": entry(
        "New rules", date="2022-04-11", authority="cac", source="https://example.org/new-rules",
    )}), ()),
    ("delete an entry", lambda root: (root / "content/2022-04/new-rules.md").unlink(), ()),
    ("add a file that is not content", lambda root: write_files(root, {"content/2022-04/notes.txt": "notes"}), ()),
    ("add an issue", lambda root: write_files(root, {
        "content/2022-06/issue.yaml": "date: 2022-06-15\n",
        "content/2022-06/june-rules.md": entry(
            "June rules", date="2022-06-01", authority="cac", source="https://example.org/june-rules",
        ),
    }), ()),
    ("edit the settings", lambda root: replace_in(
        root, "newsletter.yaml", "title: Test Newsletter", "title: Renamed Newsletter"), ()),
    ("edit the registry", lambda root: replace_in(
        root, "registry.yaml", "name: Cyberspace Administration of China", "name: Cyberspace Administration"), ()),
    ("edit a template", lambda root: replace_in(root, "templates/issue.html", "Other issues", "More issues"), ()),
    ("add a template", lambda root: write_files(
        root, {"templates/base.html": '{% extends "default/base.html" %}{% block footer %}Ours{% endblock %}'}), ()),
    ("remove a template", lambda root: (root / "templates/base.html").unlink(), ()),
    ("include drafts", lambda root: None, ("--drafts",)),
    ("publish under another URL", lambda root: None, ("--base-url", "https://preview.example.net/")),
    ("list deadlines as of another day", lambda root: None, ("--as-of", "2022-05-01")),
    ("edit a page of the output by hand", lambda root: (
        root / "output/issues/2022-04/index.html").write_text("edited by hand"), ()),
    ("delete a file of the output", lambda root: (root / "output/feed.xml").unlink(), ()),
    ("drop a file into the output", lambda root: drop_in(root / "output/extra.html"), ()),
    ("drop a file into a folder of the output", lambda root: drop_in(root / "output/issues/2022-04/extra.html"), ()),
    ("damage the cache", lambda root: damage_every_file(root / CACHE_DIR), ()),
    ("delete the cache", lambda root: shutil.rmtree(root / CACHE_DIR), ()),
]


def test_any_change_builds_in_full_and_equals_a_cold_build(
    make_site: MakeSite, tmp_path: Path, full_runs: list[str]
) -> None:
    root = make_site(PROJECT)
    for name, change, args in CHANGES:
        built(root, "-q")  # stamped for the options used without a change
        full_runs.clear()
        built(root, "-q")
        assert full_runs == [], f"before: {name}"
        change(root)
        built(root, "-q", *args)
        assert full_runs == ["build"], f"after: {name}"
        output = tree(root / "output")
        assert output == cold_build(root, tmp_path, *args), f"after: {name}"
        full_runs.clear()
        built(root, "-q", *args)
        assert full_runs == [], f"again after: {name}"
        assert tree(root / "output") == output, f"again after: {name}"


def test_strict_fails_on_warnings_that_a_stamped_build_let_pass(make_site: MakeSite) -> None:
    root = make_site(PROJECT)
    built(root)
    output = tree(root / "output")
    assert run("check", cwd=root).exit_code == 0
    for command in ("build", "check"):
        result = run(command, "--strict", cwd=root)
        assert result.exit_code == 1, command
        assert WARNING.replace("warning:", "error:") in result.stderr
    assert tree(root / "output") == output


def test_check_after_a_build_is_answered_from_the_build(make_site: MakeSite, full_runs: list[str]) -> None:
    root = make_site(PROJECT)
    built(root)
    answered = run("check", cwd=root)
    assert full_runs == ["build"]
    full = run("check", "--drafts", cwd=root)
    assert full_runs == ["build", "check"]
    assert answered.exit_code == full.exit_code == 0
    assert (answered.stdout, answered.stderr) == (full.stdout, full.stderr)
    assert answered.stdout == "OK: 3 issues, 5 entries; 1 warning\n"


def test_check_answers_from_its_stamp_until_something_changes(make_site: MakeSite, full_runs: list[str]) -> None:
    root = make_site(PROJECT)
    first = run("check", cwd=root)
    assert run("check", cwd=root).output == first.output
    assert full_runs == ["check"]
    replace_in(root, "content/2022-05/unsourced.md", "authority: cac\n", "authority: cac\nsources:\n"
               "  - title: Notice\n    url: https://example.org/unsourced\n")
    fixed = run("check", cwd=root)
    assert full_runs == ["check", "check"]
    assert fixed.stdout == "OK: 3 issues, 5 entries\n" and fixed.stderr == ""


def test_a_template_no_page_uses_is_still_checked_after_a_build(make_site: MakeSite) -> None:
    # The build only compiles the templates it renders; check compiles them all.
    root = make_site({**PROJECT, "templates/unused.html": "{% if %}broken"})
    built(root)
    result = run("check", cwd=root)
    assert result.exit_code == 1
    assert "templates/unused.html:1:1: error: template error:" in result.stderr


def test_a_build_into_another_folder_keeps_the_stamp_of_the_first(
    make_site: MakeSite, full_runs: list[str]
) -> None:
    root = make_site(PROJECT)
    built(root, "-q")
    built(root, "-q", "--output", "elsewhere")
    built(root, "-q")
    assert full_runs == ["build", "build"]
    assert tree(root / "elsewhere") == tree(root / "output")


def test_an_unchanged_build_loads_none_of_the_libraries(make_site: MakeSite) -> None:
    root = make_site(PROJECT)
    built(root)
    probe = (
        "import sys\n"
        "from newsletter.cli import main\n"
        "main(['build', '-q'], standalone_mode=False)\n"
        "main(['check'], standalone_mode=False)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    modules = set(result.stdout.splitlines()[-1].split())
    assert {name.split(".")[0] for name in modules}.isdisjoint(HEAVY_LIBRARIES)
    assert modules.isdisjoint({"newsletter.build", "newsletter.assembly", "newsletter.render"})
