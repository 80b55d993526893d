"""Shared fixtures: tiny projects in a temp folder, the CLI, and one build of the sample."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from newsletter.cli import main

REPO = Path(__file__).resolve().parent.parent



@pytest.fixture(autouse=True)
def user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user cache folder of the test's own (kept previews go there), never the real one."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


MINIMAL_CONFIG = """\
title: Test Newsletter
base_url: https://news.example.org/
description: A newsletter used in tests.
email:
  from: "Test Team <team@news.example.org>"
  unsubscribe_url: https://news.example.org/unsubscribe
authorities:
  CAC: Cyberspace Administration of China
  MIIT: Ministry of Industry and Information Technology
"""

MINIMAL_ISSUE = """\
date: 2022-05-15
summary: A short summary.
"""

MINIMAL_ENTRY = """\
---
title: CAC publishes draft rules
section: regulatory
date: 2022-05-10
authority: CAC
sources:
  - title: CAC notice
    url: https://www.cac.gov.cn/notice
---
The body of the development.
"""

MakeSite = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """Write a small project: ``{relative path: text}`` on top of a minimal valid one.

    A value of ``None`` removes that file from the defaults; ``bytes`` are written as is.
    """

    def make(files: dict[str, str | bytes | None] | None = None, *, minimal: bool = True) -> Path:
        root = tmp_path / "site"
        defaults: dict[str, str | bytes | None] = {
            "newsletter.yaml": MINIMAL_CONFIG,
            "content/2022-05/issue.yaml": MINIMAL_ISSUE,
            "content/2022-05/draft-rules.md": MINIMAL_ENTRY,
        } if minimal else {}
        for relative, text in {**defaults, **(files or {})}.items():
            path = root / relative
            if text is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


def run(*args: str, cwd: Path) -> Result:
    """Run the ``newsletter`` CLI in ``cwd`` and return click's result."""
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)


@pytest.fixture(scope="session")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's sample newsletter, built once into a temp folder."""
    output = tmp_path_factory.mktemp("sample") / "output"
    result = run("build", "--output", str(output), cwd=REPO)
    assert result.exit_code == 0, result.output
    return output
