"""An editor's month through the CLI: init, new issue, new entry, check, build."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsletter.cli import authoring as commands
from tests.conftest import run


def test_from_init_to_built_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "today", lambda: dt.date(2026, 12, 3))
    assert run("init", "news", cwd=tmp_path).exit_code == 0
    root = tmp_path / "news"

    issue = run("new", "issue", cwd=root)
    assert issue.exit_code == 0, issue.output
    assert "content/2026-12/issue.yaml" in issue.output

    entry = run("new", "entry", "--issue", "2026-12", "--section", "regulatory",
                "CAC finalises the export rules", cwd=root)
    assert entry.exit_code == 0, entry.output
    path = root / entry.output.strip()
    assert path == root / "content/2026-12/cac-finalises-the-export-rules.md"

    unwritten = run("check", cwd=root)
    assert unwritten.exit_code == 1
    assert f"{entry.output.strip()}:" in unwritten.output
    assert "entry has no body" in unwritten.output

    path.write_text(path.read_text() + "The final rules take effect next year.\n")
    checked = run("check", cwd=root)
    assert checked.exit_code == 0, checked.output
    assert "OK: 2 issues, 5 entries" in checked.output

    built = run("build", cwd=root)
    assert built.exit_code == 0, built.output
    page = (root / "output/issues/2026-12/index.html").read_text()
    assert "CAC finalises the export rules" in page
    assert "The final rules take effect next year." in page
    assert "issues/2026-12/" in (root / "output/index.html").read_text()
    assert (root / "output/issues/2026-12/email.html").is_file()


def test_commands_outside_a_project_say_where_the_settings_are_missing(tmp_path: Path) -> None:
    for args in (["new", "issue"], ["new", "entry", "--issue", "x", "--section", "y", "T"],
                 ["templates", "list"], ["serve"]):
        result = run(*args, cwd=tmp_path)
        assert result.exit_code == 2, args
        assert "no settings file at newsletter.yaml" in result.output
