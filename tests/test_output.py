"""The output folder is replaced atomically, writing only the files whose bytes changed."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from newsletter.errors import OutputError
from newsletter.incremental.stamps import Snapshot
from newsletter.output import MARKER, OutputFiles, Spool, previous_output, write_output
from tests.conftest import tree


def test_unchanged_files_keep_their_inode_and_changed_ones_are_rewritten(tmp_path: Path) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"A", "issues/b.html": b"B", "gone.html": b"G"}, output)
    before = (output / "a.html").stat()
    write_output({"a.html": b"A", "issues/b.html": b"B, revised"}, output, previous=states)
    after = (output / "a.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert tree(output) == {
        "a.html": b"A", "issues/b.html": b"B, revised", MARKER: (output / MARKER).read_bytes()
    }


@contextlib.contextmanager
def spooled(output: Path, files: dict[str, bytes]) -> Iterator[OutputFiles]:
    """``files`` as a build renders them: put in a spool beside ``output``."""
    with Spool(output) as spool:
        yield OutputFiles(output, spool, spool.put(files), {})


def test_a_first_build_makes_its_spool_the_output(tmp_path: Path) -> None:
    output = tmp_path / "output"
    files = {"index.html": b"home", "entries/a/index.html": b"A", "entries/b/index.html": b"B"}
    with spooled(output, files) as rendered:
        states = write_output(rendered, output)
        assert rendered.spool is not None and not Path(rendered.spool.folder).exists(), "moved, not emptied"
    assert tree(output) == {**files, MARKER: (output / MARKER).read_bytes()}
    assert all(
        (output / path).stat().st_mode & 0o777 == 0o755 for path in ("", "entries", "entries/a")
    )
    assert states.keys() == files.keys()
    assert [path.name for path in tmp_path.iterdir()] == ["output"]


def test_files_rendered_again_keep_the_inode_of_their_unchanged_output(tmp_path: Path) -> None:
    # As when the build cache was deleted: everything is rendered again, into a spool.
    output = tmp_path / "output"
    states = write_output({"a/index.html": b"A", "b/index.html": b"B"}, output)
    before = (output / "a/index.html").stat()
    with spooled(output, {"a/index.html": b"A", "b/index.html": b"B, revised"}) as rendered:
        write_output(rendered, output, previous=states)
    after = (output / "a/index.html").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (output / "b/index.html").read_bytes() == b"B, revised"


def test_a_file_changed_since_it_was_recorded_is_rewritten(tmp_path: Path) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"A"}, output)
    (output / "a.html").write_bytes(b"X")
    write_output({"a.html": b"A"}, output, previous=states)
    assert (output / "a.html").read_bytes() == b"A"


def test_when_nothing_changed_the_folder_is_left_alone(tmp_path: Path) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"A", "b/c.html": b"C"}, output)
    folder = output.stat().st_ino
    assert write_output({"a.html": b"A", "b/c.html": b"C"}, output, previous=states) == states
    assert output.stat().st_ino == folder


def test_an_extra_folder_in_the_output_is_removed(tmp_path: Path) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"A"}, output)
    (output / "stray").mkdir()
    write_output({"a.html": b"A"}, output, previous=states)
    assert not (output / "stray").exists()


class _FailsHalfway(Mapping[str, bytes]):
    """Files whose second one cannot be produced, like a build interrupted mid-write."""

    def __init__(self) -> None:
        self.files = {"a.html": b"new A", "b.html": b"new B"}

    def __getitem__(self, path: str) -> bytes:
        if path == "b.html":
            raise OSError("disk full")
        return self.files[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)


def test_a_failed_write_leaves_the_previous_output_untouched(tmp_path: Path) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"old A", "b.html": b"old B"}, output)
    before = tree(output)
    with pytest.raises(OSError, match="disk full"):
        write_output(_FailsHalfway(), output, previous=states)
    assert tree(output) == before
    assert [path.name for path in tmp_path.iterdir()] == ["output"]


def test_the_replaced_output_is_kept_beside_it_and_updated_into_the_next(tmp_path: Path) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"A1", "b.html": b"B", "c/d.html": b"D"}, output, keep_previous=True)
    second = {"a.html": b"A2", "b.html": b"B", "c/d.html": b"D"}
    states = write_output(second, output, previous=states, keep_previous=True)
    spare = previous_output(output)
    assert tree(spare)["a.html"] == b"A1"
    write_output({"a.html": b"A3", "b.html": b"B", "e.html": b"E"}, output, previous=states, keep_previous=True)
    assert tree(output) == {
        "a.html": b"A3", "b.html": b"B", "e.html": b"E", MARKER: (output / MARKER).read_bytes()
    }
    assert tree(spare)["a.html"] == b"A2"


def test_a_folder_we_do_not_own_where_the_previous_output_goes_is_left_alone(
    tmp_path: Path,
) -> None:
    output = tmp_path / "output"
    foreign = previous_output(output)
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    states = write_output({"a.html": b"A"}, output, keep_previous=True)
    write_output({"a.html": b"A, revised"}, output, previous=states, keep_previous=True)
    assert tree(foreign) == {"notes.txt": b"mine"}
    assert (output / "a.html").read_bytes() == b"A, revised"
    assert sorted(path.name for path in tmp_path.iterdir()) == [foreign.name, "output"]


def replace_by_a_copy(output: Path) -> None:
    """Move a file away and write one with the same bytes in its place."""
    (output / "a.html").rename(output / "b/moved.html")
    (output / "a.html").write_bytes(b"A")


SNAPSHOT_EDITS: dict[str, Callable[[Path], object]] = {
    "nothing": lambda output: None,
    "a file rewritten": lambda output: (output / "b/c.html").write_bytes(b"edited by hand"),
    "a file deleted": lambda output: (output / "a.html").unlink(),
    "a file added": lambda output: (output / "extra.html").write_bytes(b"x"),
    "a file added to a subfolder": lambda output: (output / "b/extra.html").write_bytes(b"x"),
    "a folder added": lambda output: (output / "b/new").mkdir(),
    "a file replaced by a copy": replace_by_a_copy,
    "the marker deleted": lambda output: (output / MARKER).unlink(),
}


@pytest.mark.parametrize("edit", list(SNAPSHOT_EDITS), ids=list(SNAPSHOT_EDITS))
def test_a_snapshot_matches_only_an_output_nobody_touched(tmp_path: Path, edit: str) -> None:
    output = tmp_path / "output"
    states = write_output({"a.html": b"A", "b/c.html": b"C"}, output)
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for folder in (output, output / "b"):  # so that a change shows whatever the clock's resolution
        os.utime(folder, ns=(an_hour_ago, an_hour_ago))
    snapshot = Snapshot.take(output, states)
    assert snapshot.files == ("a.html", "b/c.html")
    SNAPSHOT_EDITS[edit](output)
    assert snapshot.matches(output) == (edit == "nothing")


def test_the_spool_writes_every_file_whoever_made_its_folder(tmp_path: Path) -> None:
    files = {
        "index.html": b"home",
        "issues/2022-05/index.html": b"issue",
        "issues/2022-05/a/index.html": b"a",
        "issues/2022-05/b/index.html": b"b" * 3_000_000,  # more than one write may take
        "tags/x/page/2/index.html": b"deep",
        "empty.txt": b"",
    }
    with Spool(tmp_path / "output") as spool:
        spool.put({"issues/2022-05/index.html": b"first"})
        os.makedirs(spool.path("issues/2022-05/a"))  # as another process rendering into the spool would
        os.makedirs(spool.path("tags/x/page/2"))
        assert spool.put(files) == tuple(files)
        spool.put({"issues/2022-05/a/index.html": b"again"})
        written = tree(Path(spool.folder))
    assert written == {**files, "issues/2022-05/a/index.html": b"again"}


def test_a_file_the_spool_cannot_write_is_named(tmp_path: Path) -> None:
    with Spool(tmp_path / "output") as spool:
        spool.put({"a": b"a file"})
        with pytest.raises(OutputError, match="cannot write .*a/index.html"):
            spool.put({"a/index.html": b"where a file is"})
