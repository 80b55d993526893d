"""Scanning issue folders: the stat cache reads again every file that may have changed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from newsletter.incremental import scan as scanning
from newsletter.incremental.cache import Cache, file_digest
from newsletter.incremental.scan import IssueFolder, StatCache


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An issue folder with two files."""
    path = tmp_path / "content" / "2022-05"
    path.mkdir(parents=True)
    (path / "issue.yaml").write_text("date: 2022-05-15\n")
    (path / "rules.md").write_text("first version\n")
    return path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files whose bytes the stat cache reads."""
    names: list[str] = []

    def reading(path: str) -> str:
        names.append(os.path.basename(path))
        return file_digest(path)

    monkeypatch.setattr(scanning, "file_digest", reading)
    return names


def scan(cache: Cache, folder: Path) -> IssueFolder:
    """Scan ``folder`` as a build does, and keep what was found."""
    scans = StatCache(cache, folder.parent)
    found = scans.scan(folder)
    scans.save()
    read = tuple((path.name, file_digest(str(path))) for path in sorted(folder.iterdir()) if path.is_file())
    assert found == IssueFolder(folder, read), "the stat cache must give what reading every file gives"
    return found


def trust_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take every status as old enough to be recorded, as if the files were written long ago."""
    monkeypatch.setattr(scanning, "RACY_SECONDS", -3600.0)


@pytest.fixture
def trusted(folder: Path, tmp_path: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch) -> Cache:
    """A cache holding a first scan of ``folder``, every status in it old enough to be trusted."""
    trust_everything(monkeypatch)
    cache = Cache(tmp_path / "cache")
    scan(cache, folder)
    return cache


def next_tick() -> None:
    """Let the file system's clock move on, so that the next change gets new times."""
    time.sleep(0.05)


def test_unchanged_files_are_not_read_again(folder: Path, trusted: Cache, reads: list[str]) -> None:
    assert sorted(reads) == ["issue.yaml", "rules.md"]
    reads.clear()
    scan(trusted, folder)
    assert reads == []


def test_an_edited_file_is_read_again(folder: Path, trusted: Cache, reads: list[str]) -> None:
    reads.clear()
    next_tick()
    (folder / "rules.md").write_text("second version\n")
    scan(trusted, folder)
    assert reads == ["rules.md"]


def test_a_file_given_back_its_size_and_modification_time_is_read_again(folder: Path, trusted: Cache) -> None:
    # The change time, which cannot be set by hand, tells the edit.
    path = folder / "rules.md"
    before = path.stat()
    next_tick()
    path.write_text("FIRST VERSION\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    scan(trusted, folder)


def test_a_recent_file_is_always_read_again(folder: Path, tmp_path: Path, reads: list[str]) -> None:
    # Just written, so an edit could keep its times on a coarse clock: nothing is trusted yet.
    cache = Cache(tmp_path / "cache")
    scan(cache, folder)
    path = folder / "rules.md"
    before = path.stat()
    path.write_text("FIRST VERSION\n")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    reads.clear()
    scan(cache, folder)
    assert sorted(reads) == ["issue.yaml", "rules.md"]


@pytest.mark.parametrize("change", ["add", "remove", "rename", "replace by a folder"])
def test_files_added_removed_or_renamed_are_found(folder: Path, trusted: Cache, change: str) -> None:
    next_tick()
    path = folder / "rules.md"
    if change == "add":
        (folder / "fine.md").write_text("another\n")
    elif change == "remove":
        path.unlink()
    elif change == "rename":
        path.rename(folder / "renamed.md")
    else:
        path.unlink()
        path.mkdir()
    scan(trusted, folder)


def test_a_damaged_record_only_costs_reading(folder: Path, tmp_path: Path, reads: list[str]) -> None:
    cache = Cache(tmp_path / "cache")
    scan(cache, folder)
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            path.write_bytes(b"damaged")
    reads.clear()
    scan(cache, folder)
    assert sorted(reads) == ["issue.yaml", "rules.md"]
