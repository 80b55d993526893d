"""What `newsletter build` tells the editor: summary, -q, -v, colours, progress bar."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from types import TracebackType

import pytest
from click.testing import CliRunner, Result

from newsletter import cli
from newsletter.build import STAGES
from newsletter.cli import build as build_commands
from newsletter.cli.progress import StageProgress, wants_progress
from tests.conftest import MakeSite, run

ANSI = "\x1b["
UNKNOWN_AUTHORITY = """\
---
title: A second development
section: industry
date: 2022-05-11
authority: XYZ
---
Text.
"""


def test_summary_counts_issues_entries_pages_files_and_warnings(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/second.md": UNKNOWN_AUTHORITY})
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    files = _written(root)
    pages = [name for name in files if name.endswith(".html")]
    assert re.fullmatch(
        rf"Built 1 issue, 2 entries, {len(pages)} pages \({len(files)} files\) "
        r"into output in \d+\.\d\d s; 1 warning\n",
        result.stdout,
    ), result.stdout
    assert "content/2022-05/second.md:5:12: warning: unknown authority 'XYZ'" in result.stderr


def test_quiet_prints_nothing_but_problems(make_site: MakeSite) -> None:
    root = make_site({"content/2022-05/second.md": UNKNOWN_AUTHORITY})
    result = run("build", "-q", cwd=root)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "warning: unknown authority 'XYZ'" in result.stderr


def test_verbose_lists_every_file_written(make_site: MakeSite) -> None:
    root = make_site()
    result = run("build", "-v", cwd=root)
    assert result.exit_code == 0, result.output
    listed = [line.removeprefix("wrote ") for line in result.stdout.splitlines()[:-1]]
    assert listed == _written(root)
    assert result.stdout.splitlines()[-1].startswith("Built 1 issue")


def _written(root: Path) -> list[str]:
    return sorted(
        str(path.relative_to(root)) for path in (root / "output").rglob("*")
        if path.is_file() and path.name != ".newsletter-output"
    )


def test_quiet_and_verbose_together_are_a_usage_error(make_site: MakeSite) -> None:
    result = run("build", "-q", "-v", cwd=make_site())
    assert result.exit_code == 2
    assert "choose one of --quiet and --verbose" in result.output


def invoke(root: Path, *args: str, color: bool, env: dict[str, str | None]) -> Result:
    """Run the CLI as on a terminal (``color=True``) or not, with extra environment."""
    previous = Path.cwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(cli.main, list(args), color=color, env=env)
    finally:
        os.chdir(previous)


BROKEN_ENTRY = {"content/2022-05/broken.md": "---\ntitle: [unclosed\n---\n"}


def test_problems_are_coloured_on_a_terminal(make_site: MakeSite) -> None:
    result = invoke(make_site(BROKEN_ENTRY), "build", color=True, env={"NO_COLOR": None})
    assert result.exit_code == 1
    assert f"{ANSI}31mcontent/2022-05/broken.md:" in result.stderr


def test_no_colour_when_no_color_is_set(make_site: MakeSite) -> None:
    result = invoke(make_site(BROKEN_ENTRY), "build", color=True, env={"NO_COLOR": "1"})
    assert result.exit_code == 1
    assert "content/2022-05/broken.md:" in result.stderr
    assert ANSI not in result.output


def test_no_colour_and_no_progress_bar_off_a_terminal(make_site: MakeSite) -> None:
    result = invoke(make_site(BROKEN_ENTRY), "build", color=False, env={"NO_COLOR": None})
    assert result.exit_code == 1
    assert ANSI not in result.output
    good = invoke(make_site(), "build", color=False, env={"NO_COLOR": None})
    assert "\r" not in good.output and "[#" not in good.output


class RecordingProgress:
    """Stands in for the bar to see which stages the build reports."""

    created: list[RecordingProgress] = []

    def __init__(self, stages: tuple[str, ...], stream: object):
        self.stages = stages
        self.seen: list[str] = []
        RecordingProgress.created.append(self)

    def __enter__(self) -> RecordingProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        pass

    def advance(self, stage: str) -> None:
        self.seen.append(stage)


@pytest.mark.parametrize(("args", "shown"), [((), True), (("-q",), False)])
def test_build_reports_each_stage_to_the_bar_on_a_terminal(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], shown: bool
) -> None:
    RecordingProgress.created = []
    monkeypatch.setattr(build_commands, "wants_progress", lambda stream: True)
    monkeypatch.setattr(build_commands, "StageProgress", RecordingProgress)
    assert run("build", *args, cwd=make_site()).exit_code == 0
    assert [p.seen for p in RecordingProgress.created] == ([list(STAGES)] if shown else [])


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert wants_progress(Terminal())
    assert not wants_progress(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not wants_progress(Terminal())


def test_bar_is_drawn_for_a_long_build_and_cleared_at_the_end() -> None:
    stream = Terminal()
    with StageProgress(STAGES, stream, delay=0) as progress:
        progress.advance("rendering")
        deadline = time.monotonic() + 10
        while "rendering" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    drawn = stream.getvalue()
    assert re.search(r"\r\[#{12}-{12}\] rendering +\d+\.\d s", drawn), drawn
    assert drawn.endswith("\r\x1b[K")


def test_bar_stays_hidden_when_the_build_ends_before_the_delay() -> None:
    stream = Terminal()
    with StageProgress(STAGES, stream, delay=60) as progress:
        for stage in STAGES:
            progress.advance(stage)
    assert stream.getvalue() == ""
