"""An editor's month through the CLI: init, new issue, new entry, check, build."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from newsletter.cli import authoring as commands
from newsletter.content.entries import PLACEHOLDER
from tests.conftest import MakeSite, run


def test_from_init_to_built_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "today", lambda: dt.date(2026, 12, 3))
    assert run("init", "news", cwd=tmp_path).exit_code == 0
    root = tmp_path / "news"

    issue = run("new", "issue", cwd=root)
    assert issue.exit_code == 0, issue.output
    assert "content/2026-12/issue.yaml" in issue.output

    entry = run("new", "entry", "--issue", "2026-12", "--section", "regulatory", "--authority", "CAC",
                "--source", "https://www.cac.gov.cn/final-rules", "--tag", "data-export",
                "CAC finalises the export rules", cwd=root)
    assert entry.exit_code == 0, entry.output
    assert "A draft" in entry.stderr
    path = root / entry.stdout.strip()
    assert path == root / "content/2026-12/cac-finalises-the-export-rules.md"

    drafted = run("check", cwd=root)
    assert drafted.exit_code == 0, drafted.output
    assert "error" not in drafted.output
    assert "every entry of this issue is a draft" in drafted.output  # a warning: the issue would be empty

    built = run("build", cwd=root)
    assert built.exit_code == 0, built.output
    assert "CAC finalises the export rules" not in (root / "output/issues/2026-12/index.html").read_text()

    text = path.read_text()
    assert "\ndraft: true\n" in text and PLACEHOLDER in text
    text = text.replace("\ndraft: true\n", "\n").replace(PLACEHOLDER, "The final rules take effect next year.")
    path.write_text(text)
    checked = run("check", "--strict", cwd=root)
    assert checked.exit_code == 0, checked.output
    assert "OK: 2 issues, 5 entries" in checked.output

    built = run("build", cwd=root)
    assert built.exit_code == 0, built.output
    page = (root / "output/issues/2026-12/index.html").read_text()
    assert "CAC finalises the export rules" in page
    assert "The final rules take effect next year." in page
    assert 'href="https://www.cac.gov.cn/final-rules"' in page
    assert "issues/2026-12/" in (root / "output/index.html").read_text()
    assert (root / "output/issues/2026-12/email.html").is_file()


def test_new_entry_prints_only_the_path_on_standard_output(tmp_path: Path) -> None:
    """What a shell reads from ``$(newsletter new entry ...)`` is the path; the advice goes to the terminal."""
    assert run("init", "news", cwd=tmp_path).exit_code == 0
    result = subprocess.run(
        [sys.executable, "-m", "newsletter", "new", "entry", "--issue", "2026-01", "--section", "industry",
         "--date", "2026-01-05", "A report: with a colon", "--tag", "reports"],
        cwd=tmp_path / "news", capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "content/2026-01/a-report-with-a-colon.md\n"
    assert "draft: true" in result.stderr
    checked = run("check", "--strict", cwd=tmp_path / "news")
    assert checked.exit_code == 0, checked.output


def test_commands_outside_a_project_say_where_the_settings_are_missing(tmp_path: Path) -> None:
    for args in (["new", "issue"], ["new", "entry", "--issue", "x", "--section", "y", "T"],
                 ["templates", "list"], ["serve"]):
        result = run(*args, cwd=tmp_path)
        assert result.exit_code == 2, args
        assert "no settings file at newsletter.yaml" in result.output


def test_a_published_entry_that_still_has_the_placeholder_is_warned_about(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/new.md": (
        f"---\ntitle: New\nsection: industry\ndate: 2022-05-02\n---\nIntro.\n\n{PLACEHOLDER}\n"
    )})
    result = run("check", cwd=root)
    assert result.exit_code == 0
    assert "content/2022-05/new.md:8:1: warning: the placeholder paragraph of `newsletter new entry`" in result.stderr
    draft = make_site({"content/2022-05/new.md": (
        f"---\ntitle: New\nsection: industry\ndate: 2022-05-02\ndraft: true\n---\n{PLACEHOLDER}\n"
    )})
    assert "placeholder" not in run("check", cwd=draft).stderr
