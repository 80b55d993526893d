"""The output folder: replaced atomically, never a folder the tool does not own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsletter import output
from newsletter.errors import OutputError
from newsletter.output import MARKER, write_output
from tests.conftest import MakeSite, run


def test_refuses_non_empty_folder_it_did_not_create(make_site: MakeSite) -> None:
    root = make_site()
    precious = root / "mine" / "thesis.docx"
    precious.parent.mkdir()
    precious.write_text("do not delete")
    result = run("build", "--output", "mine", cwd=root)
    assert result.exit_code == 1
    assert "refusing to replace mine" in result.stderr
    assert precious.read_text() == "do not delete"


@pytest.mark.parametrize("target", [".", "content", "content/2022-05", "content/site", "..", "/"])
def test_refuses_project_content_root_and_ancestors(make_site: MakeSite, target: str) -> None:
    root = make_site()
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    result = run("build", "--output", target, cwd=root)
    assert result.exit_code == 1
    assert "refusing" in result.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_refuses_home_folder(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(OutputError):
        write_output({"index.html": b"x"}, home)


def test_empty_folder_is_accepted_and_marked(tmp_path: Path) -> None:
    target = tmp_path / "site"
    target.mkdir()
    write_output({"a/index.html": b"<p>a</p>"}, target)
    assert (target / "a/index.html").read_bytes() == b"<p>a</p>"
    assert (target / MARKER).is_file()


def test_rebuild_replaces_stale_files(tmp_path: Path) -> None:
    target = tmp_path / "site"
    write_output({"old.html": b"old"}, target)
    write_output({"new.html": b"new"}, target)
    assert not (target / "old.html").exists()
    assert (target / "new.html").read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "staging folders left behind"


def test_failure_while_writing_keeps_previous_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "site"
    write_output({"index.html": b"previous"}, target)

    def interrupted(staging: Path, destination: Path) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_swap_into_place", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_output({"index.html": b"next", "other.html": b"x"}, target)
    assert (target / "index.html").read_bytes() == b"previous"
    assert not (target / "other.html").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "staging folder left behind"


def test_ctrl_c_between_the_moves_of_the_swap_puts_the_old_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where paths cannot be exchanged in one step, the swap takes two moves."""
    target = tmp_path / "site"
    write_output({"index.html": b"previous"}, target)
    move = os.replace
    monkeypatch.setattr(output, "exchange", lambda first, second: False)

    def interrupted_after_moving_the_output_away(source: object, destination: object) -> None:
        move(source, destination)  # type: ignore[arg-type]
        if Path(str(source)) == target:
            raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_after_moving_the_output_away)
    with pytest.raises(KeyboardInterrupt):
        write_output({"index.html": b"next"}, target)
    monkeypatch.undo()
    assert (target / "index.html").read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["site"], "staging or holding folder left behind"


def test_content_error_leaves_previous_output_untouched(make_site: MakeSite) -> None:
    root = make_site()
    assert run("build", cwd=root).exit_code == 0
    page = root / "output/issues/2022-05/index.html"
    before = page.read_bytes()
    make_site({"content/2022-05/draft-rules.md": "---\ntitle: [broken\n---\nBody\n"})
    result = run("build", cwd=root)
    assert result.exit_code == 1
    assert page.read_bytes() == before
