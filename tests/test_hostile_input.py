"""What a hostile or unlucky project does to ``check`` and ``build``: a located error, exit 1, never a crash.

File names that are not UTF-8 or hold a newline, links out of the project,
special files, a full disk and a read-only output folder. Messages stay one
line per problem. (Line breaks in titles and deep YAML are cases of
``tests/invalid/``.)
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MakeSite, run


def check_and_build(root: Path) -> list[tuple[int, str]]:
    """The exit code and error stream of ``check``, then of ``build``."""
    results = [run(command, cwd=root) for command in ("check", "build")]
    return [(result.exit_code, result.stderr) for result in results]


def test_file_names_that_are_not_utf8_or_hold_a_newline_are_shown_escaped(make_site: MakeSite) -> None:
    root = make_site()
    folder = os.fsencode(root / "content" / "2022-05")
    with open(folder + b"/_notes-\xff.txt", "wb") as file:  # hidden: ignored, yet listed by the scan
        file.write(b"notes")
    with open(folder + b"/rules-\xff.md", "wb") as file:
        file.write(b"---\ntitle: x\n---\n")
    os.mkdir(folder + b"/two\nlines.md")
    for code, stderr in check_and_build(root):
        assert code == 1
        assert "Traceback" not in stderr and "internal error" not in stderr
        lines = stderr.splitlines()
        assert all(line.startswith("content/") for line in lines[:-1]), lines
        assert any(line.startswith("content/2022-05/rules-\\xff.md:1:1: error: ") for line in lines)
        assert "content/2022-05/two\\nlines.md:1:1: error: this is a folder, but its name is that of an entry file" \
            in stderr


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the project, with something the site must never publish."""
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:the secret\n")
    return secret


def test_a_template_linked_to_a_file_outside_the_project_is_refused(make_site: MakeSite, outside: Path) -> None:
    root = make_site()
    (root / "templates").mkdir()
    (root / "templates" / "robots.txt").symlink_to(outside)
    for code, stderr in check_and_build(root):
        assert code == 1
        assert f"templates/robots.txt:1:1: error: this is a link to {outside}, outside the project" in stderr
    assert not (root / "output").exists()


def test_an_entry_linked_to_a_file_outside_the_project_is_refused(make_site: MakeSite, outside: Path) -> None:
    root = make_site()
    outside.write_text("---\ntitle: Outside\nsection: industry\ndate: 2022-05-02\n---\nthe secret\n")
    (root / "content" / "2022-05" / "outside.md").symlink_to(outside)
    for code, stderr in check_and_build(root):
        assert code == 1
        assert "content/2022-05/outside.md:1:1: error: this is a link to" in stderr
    assert not (root / "output").exists()


def test_links_inside_the_project_are_fine(make_site: MakeSite) -> None:
    root = make_site({"shared/base.html": "{% extends 'default/base.html' %}"})
    (root / "templates").mkdir()
    (root / "templates" / "base.html").symlink_to(root / "shared" / "base.html")
    result = run("build", cwd=root)
    assert result.exit_code == 0, result.output


def test_dangling_links_and_special_files_in_the_content_are_errors(make_site: MakeSite) -> None:
    root = make_site()
    folder = root / "content" / "2022-05"
    (folder / "gone.md").symlink_to(folder / "never-there.md")
    os.mkfifo(folder / "pipe.md")
    for code, stderr in check_and_build(root):
        assert code == 1
        assert "content/2022-05/gone.md:1:1: error: this is a link to" in stderr and "which does not exist" in stderr
        assert "content/2022-05/pipe.md:1:1: error: this is not a regular file" in stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A tiny file system of its own (tmpfs), or a skip where this process may not mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_an_error_naming_the_file_and_the_old_output_stays(
    make_site: MakeSite, small_disk: Path
) -> None:
    root = make_site()
    output = small_disk / "site"
    assert run("build", "--output", str(output), cwd=root).exit_code == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    paragraph = "A paragraph that takes room. " * 300
    long_text = "\n\n".join([paragraph] * 60)  # far more than the disk holds, in every edition
    make_site({"content/2022-05/big.md": f"---\ntitle: Big\nsection: industry\ndate: 2022-05-02\n---\n{long_text}\n"})
    result = run("build", "--output", str(output), cwd=root)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "No space left on device" in result.stderr
    assert str(small_disk) in result.stderr
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in small_disk.iterdir()) in (
        [".site.lock", ".site.previous", "site"], [".site.lock", "site"]
    )


def test_a_read_only_output_folder_is_an_error_and_stays_as_it_was(make_site: MakeSite, small_disk: Path) -> None:
    root = make_site()
    output = small_disk / "site"
    assert run("build", "--output", str(output), cwd=root).exit_code == 0
    before = {p: p.read_bytes() for p in output.rglob("*") if p.is_file()}
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    make_site({"content/2022-05/more.md": "---\ntitle: More\nsection: industry\ndate: 2022-05-03\n---\nMore.\n"})
    result = run("build", "--output", str(output), cwd=root)
    assert result.exit_code == 1, result.output
    assert "Read-only file system" in result.stderr and str(small_disk) in result.stderr
    assert "internal error" not in result.stderr
    assert {p: p.read_bytes() for p in output.rglob("*") if p.is_file()} == before


def test_an_unreadable_folder_is_an_error_naming_it(make_site: MakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root nothing is unreadable, so the system's refusal is played by a stand-in for ``os.scandir``."""
    root = make_site()
    refused = root / "content" / "2022-05"
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if Path(path).resolve() == refused.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    for code, stderr in check_and_build(root):
        assert code == 1
        assert "internal error" not in stderr
        assert "Permission denied" in stderr and "content/2022-05" in stderr
