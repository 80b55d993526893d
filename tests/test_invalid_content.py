"""Every bad-input case in ``tests/invalid/`` through ``check`` and ``build``.

Each case folder holds ``files/`` (laid over the minimal valid project),
optionally ``REMOVE`` (project paths to delete, one per line) and
``expected.txt``: the exit code on the first line (``exit 1``), then the exact
lines the CLI prints on stderr. Cases whose name starts with ``warning-``
must also fail under ``--strict``.

The valid project is built once per session and copied for each case, so a
case costs its own ``check`` and ``build`` only.

After changing messages on purpose, regenerate every ``expected.txt`` with
``make expected`` and review ``git diff tests/invalid``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_CONFIG, MINIMAL_ENTRY, MINIMAL_ISSUE, run

CASES = Path(__file__).parent / "invalid"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir())


def lay_out(case: Path | None, root: Path) -> None:
    """Write the minimal project into ``root`` with the case's files laid over it."""
    base = {
        "newsletter.yaml": MINIMAL_CONFIG,
        "content/2022-05/issue.yaml": MINIMAL_ISSUE,
        "content/2022-05/draft-rules.md": MINIMAL_ENTRY,
    }
    for relative, text in base.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    if case is None:
        return
    removals = case / "REMOVE"
    for relative in removals.read_text().split() if removals.exists() else []:
        (root / relative).unlink()
    if (case / "files").is_dir():
        shutil.copytree(case / "files", root, dirs_exist_ok=True)


def expected(case: Path) -> tuple[int, list[str]]:
    """The expected exit code and stderr lines of a case."""
    first, *lines = (case / "expected.txt").read_text().splitlines()
    return int(first.removeprefix("exit ")), lines


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The valid project, built once for the whole session, with a snapshot of its output."""
    root = tmp_path_factory.mktemp("valid") / "project"
    lay_out(None, root)
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output
    return root, snapshot(root / "output")


@pytest.fixture
def built_project(built_once: tuple[Path, dict[str, bytes]], tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A copy of the valid project and its output for one case (the build cache stays behind)."""
    source, before = built_once
    root = tmp_path / "project"
    shutil.copytree(source, root, symlinks=True, ignore=shutil.ignore_patterns(".newsletter-cache"))
    return root, before


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASE_NAMES) >= 30


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_reports_expected_lines_and_keeps_output(
    name: str, built_project: tuple[Path, dict[str, bytes]]
) -> None:
    root, before = built_project
    case = CASES / name
    lay_out(case, root)
    code, lines = expected(case)
    for command in ("check", "build"):
        result = run(command, cwd=root)
        assert "Traceback" not in result.output
        assert result.exit_code == code, result.output
        assert result.stderr.splitlines() == lines
    if code != 0:
        assert snapshot(root / "output") == before, "a failed build changed the output"
    if name.startswith("warning-"):
        strict = run("build", "--strict", cwd=root)
        assert strict.exit_code == 1
        assert all(": error: " in line for line in strict.stderr.splitlines()[:-1])
        assert snapshot(root / "output") != {}
    assert not (root / "pwned").exists()


def regenerate(tmp: Path) -> None:
    """Rewrite every ``expected.txt`` from the current CLI output."""
    for name in CASE_NAMES:
        root = tmp / name
        lay_out(CASES / name, root)
        result = run("check", cwd=root)
        lines = result.stderr.splitlines()
        (CASES / name / "expected.txt").write_text("\n".join([f"exit {result.exit_code}", *lines]) + "\n")
        print(f"{name}: exit {result.exit_code}", *lines, sep="\n  ")


if __name__ == "__main__" and "--regenerate" in sys.argv:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        regenerate(Path(folder))
