"""The only module that writes the site: into a fresh folder, then swapped into place.

A failed or interrupted build leaves the previous output untouched: files
are written into a temporary folder beside the output, which replaces the
old folder only once every file is on disk. The tool only ever replaces a
folder it created itself, recognised by a marker file; it refuses folders
it does not own and places it must never delete.

Rebuilds write only what changed. A file whose bytes are those already in
the output is hard-linked into the new folder instead of written again, so
it keeps its inode and modification time (deploy tools that compare times
and sizes skip it), and when nothing changed at all the folder is left as it
is. What the last build wrote is recorded as a :class:`FileState` per file;
an existing file is reused only while it is still exactly as recorded, so a
file edited by hand in the output is replaced.

The new folder takes the old one's place in one step where the system can
exchange two paths atomically (Linux's ``renameat2`` with
``RENAME_EXCHANGE``): the output folder then always exists and always holds
a complete build, even for a web server reading it during the build.
Elsewhere it takes two renames, and for a moment there is no output folder.
Builds of one output folder take turns (:func:`output_lock`), and each
clears what killed builds left beside it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newsletter.errors import OutputError

MARKER = ".newsletter-output"
_MARKER_TEXT = "This folder is written by `newsletter build` and replaced on every build.\n"


@dataclass(frozen=True)
class FileState:
    """A file as a build left it: enough to tell whether anyone has touched it since."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: str | Path) -> FileState:
        """The current state of the file at ``path``."""
        found = os.stat(path)
        return cls(found.st_size, found.st_mtime_ns, found.st_ino)

    def matches(self, path: str | Path) -> bool:
        """Whether the file at ``path`` is still exactly as recorded."""
        try:
            return FileState.of(path) == self
        except OSError:
            return False


class Spool:
    """Newly rendered files, put on disk as they are made rather than held in memory.

    The folder sits beside the output, on the same file system, so writing
    the output moves these files into place without copying them. Any
    process may add to it (worker processes render and spool in parallel).
    """

    def __init__(self, output: Path):
        output.parent.mkdir(parents=True, exist_ok=True)
        self.folder = tempfile.mkdtemp(prefix=f".{output.name}.spool-", dir=output.parent)
        # Folders of the spool known to exist: a page is a file in a folder of its own, and asking the
        # system to make a folder costs a call, plus one to ask whether its parent exists.
        self._made = {self.folder}

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exception: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def put(self, files: Mapping[str, bytes]) -> tuple[str, ...]:
        """Write ``files`` (site path -> bytes); return their site paths."""
        made = self._made
        for relative, data in files.items():
            path = self.path(relative)
            folder = os.path.dirname(path)
            if folder not in made:
                parent = os.path.dirname(folder)
                if parent in made:  # one call, where makedirs would first ask whether the parent exists
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(folder)
                else:
                    os.makedirs(folder, exist_ok=True)
                    while parent not in made and parent.startswith(self.folder):
                        made.add(parent)
                        parent = os.path.dirname(parent)
                made.add(folder)
            write_file(path, data)
        return tuple(files)

    def path(self, relative: str) -> str:
        """Where the file for site path ``relative`` is spooled."""
        return os.path.join(self.folder, relative)


class OutputFiles(Mapping[str, bytes]):
    """A build's files: new ones in a spool, and files kept as they are in the output folder."""

    def __init__(
        self, output: Path, spool: Spool | None, new: Iterable[str], kept: dict[str, FileState]
    ):
        """Files are read from disk only when asked for; ``new`` ones from ``spool``."""
        self.output = output
        self.spool = spool
        self.new = dict.fromkeys(new)
        self.kept = kept

    def __getitem__(self, path: str) -> bytes:
        if path in self.new and self.spool is not None:
            location = self.spool.path(path)
        elif path in self.kept:
            location = os.path.join(self.output, path)
        else:
            raise KeyError(path)
        with open(location, "rb") as file:
            return file.read()

    def __iter__(self) -> Iterator[str]:
        yield from self.new
        yield from self.kept

    def __len__(self) -> int:
        return len(self.new) + len(self.kept)

    def __contains__(self, path: object) -> bool:
        # Mapping's default asks __getitem__, which would read the file.
        return path in self.new or path in self.kept


def check_output_dir(output: Path, protected: Iterable[Path]) -> None:
    """Refuse an output folder that the build must not replace."""
    target = output.resolve()
    if target == Path("/").resolve() or target == Path.home().resolve():
        raise OutputError(f"refusing to use {output} as the output folder: it is {target}, which the build "
                          "would replace; choose a folder of its own, such as output/")
    for path in protected:
        resolved = path.resolve()
        if resolved == target or target in resolved.parents:
            raise OutputError(f"refusing to use {output} as the output folder: the build replaces it, and it "
                              f"holds {resolved}; choose a folder of its own, such as output/")
    if target.exists() and not target.is_dir():
        raise OutputError(f"output path {output} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputError(
            f"refusing to replace {output}: it is not empty and was not created by newsletter "
            f"(no {MARKER} file); choose another --output or empty it yourself"
        )


def write_output(
    files: Mapping[str, bytes],
    output: Path,
    protected: Iterable[Path] = (),
    previous: Mapping[str, FileState] | None = None,
    keep_previous: bool = False,
) -> dict[str, FileState]:
    """Make ``files`` (site path -> bytes) the whole content of ``output``, atomically.

    ``previous`` is what the last build recorded of ``output``; files still
    as recorded there are reused when their bytes are unchanged. Returns the
    state of every file now in ``output``, to pass as ``previous`` next time.
    With ``keep_previous``, the replaced output is kept beside it (see
    ``previous_output``) for the next call to update; otherwise nothing is.
    """
    check_output_dir(output, protected)
    reusable = _reusable(files, output, previous or {})
    if _already_there(files, reusable, output):
        return reusable
    output.parent.mkdir(parents=True, exist_ok=True)
    staging, spooled = _staging_folder(output, files, reusable)
    try:
        states = _stage(files, reusable, output, staging, spooled)
        _mark(staging, output)
        _swap_into_place(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not keep_previous:
        _discard(previous_output(output))
    return states


def update_output(
    files: OutputFiles,
    output: Path,
    protected: Iterable[Path],
    current: Mapping[str, FileState],
    stale: set[str],
) -> tuple[dict[str, FileState], set[str]] | None:
    """Make ``files`` the output by updating the kept previous output only where it must change.

    ``current`` is the state of every file of ``output``, and ``stale`` the
    paths where the previous output differs from it (see
    :func:`previous_output`): both as the caller recorded them when it last
    wrote, trusting that nobody touched either folder since. The previous
    output is made to hold ``files`` (the spooled new ones moved in, the
    stale kept ones linked from ``output``, files no longer wanted deleted),
    then exchanged with ``output``. No other file is looked at, so the cost
    follows the size of the change, not of the site.

    Returns the state of every file now in ``output`` and the paths where
    the previous output now differs from it; ``None``, having changed
    nothing, where this cannot be done (no previous output of ours).
    """
    check_output_dir(output, protected)
    spare = previous_output(output)
    if not (output / MARKER).is_file() or not _ours(spare):
        return None
    new, kept = files.new, files.kept
    removed = {path for path in current if path not in new and path not in kept}
    if not new and not removed:
        return dict(current), stale
    try:
        states = _update(files, output, spare, stale, removed)
    except OSError:
        # The previous output is not as recorded (or a file system refused): start afresh from the output.
        shutil.rmtree(spare, ignore_errors=True)
        return None
    except BaseException:
        shutil.rmtree(spare, ignore_errors=True)
        raise
    _swap_into_place(spare, output)
    return states, set(new) | removed


def _update(
    files: OutputFiles, output: Path, spare: Path, stale: set[str], removed: set[str]
) -> dict[str, FileState]:
    """Make ``spare`` hold ``files``, touching only ``stale`` and ``removed`` paths and the new files."""
    new, kept = files.new, files.kept
    folders = _FolderCache(os.fspath(spare))
    for relative in sorted(stale | removed, reverse=True):  # deepest first: folders empty as they go
        if relative in new:
            continue
        destination = os.path.join(spare, relative)
        _unlink_path(destination)
        if relative in kept:
            folders.make_parent(destination)
            if not _link(os.path.join(output, relative), destination):
                shutil.copy2(os.path.join(output, relative), destination)
        else:
            folders.remove_empty_parents(destination)
    states = dict(kept)
    for relative in new:
        destination = os.path.join(spare, relative)
        _unlink_path(destination)
        folders.make_parent(destination)
        os.replace(files.spool.path(relative) if files.spool else "", destination)
        states[relative] = FileState.of(destination)
    _mark(spare, output)
    return states


class _FolderCache:
    """The folders known to exist under a root, so that each is made (or looked for) once."""

    def __init__(self, root: str):
        self.root = root
        self.made: set[str] = {root}

    def make_parent(self, path: str) -> None:
        """Make the folder ``path`` goes in, if not known to exist."""
        folder = os.path.dirname(path)
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)

    def remove_empty_parents(self, path: str) -> None:
        """Remove the folders above ``path`` that are left empty, up to the root."""
        folder = os.path.dirname(path)
        while folder != self.root and folder.startswith(self.root):
            try:
                os.rmdir(folder)
            except OSError:  # not empty, or already gone
                return
            self.made.discard(folder)
            folder = os.path.dirname(folder)


def _unlink_path(path: str) -> None:
    """Remove a file, or a folder and all it holds, at ``path`` if there is one."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            raise


def _ours(folder: Path) -> bool:
    """Whether ``folder`` is a folder this tool wrote (not a link to one)."""
    return folder.is_dir() and not folder.is_symlink() and (folder / MARKER).is_file()


def spare_differences(output: Path, states: Mapping[str, FileState]) -> set[str] | None:
    """The paths where the previous output differs from ``output``, whose files are ``states``.

    Reads the whole previous output (one ``lstat`` per file): worth it once,
    so that :func:`update_output` can then leave the rest alone. ``None`` if
    there is no previous output of ours.
    """
    spare = previous_output(output)
    if not _ours(spare):
        return None
    differ: set[str] = set()
    found = _entries(spare)
    folders = expected_listing(states) - states.keys()
    root = os.path.join(spare, "")
    for relative, is_folder in found.items():
        if is_folder:
            if relative not in folders:
                differ.add(relative)
            continue
        state = states.get(relative)
        if state is None or not _is_same_file(root + relative, state):
            differ.add(relative)
    differ.update(relative for relative in states if relative not in found)
    return differ


@contextlib.contextmanager
def output_lock(output: Path, on_busy: Callable[[], None]) -> Iterator[None]:
    """Hold the lock of ``output`` while a build writes it, its previous copy and its staging folders.

    A second build of the same folder calls ``on_busy`` (which may raise to
    give up), then waits its turn. Holding the lock, it first removes the
    staging folders that killed builds left (see :func:`clear_leftovers`).
    The lock is advisory (``flock``) and dies with its process; where the
    system has none (Windows), builds of one folder must not overlap.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(lock_path(output), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"cannot write beside the output folder: {describe(error)}") from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_busy()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        clear_leftovers(output)
        yield
    finally:
        os.close(descriptor)


def lock_path(output: Path) -> Path:
    """The file whose lock a build of ``output`` holds: beside it, like its staging folders."""
    return output.parent / f".{output.name}.lock"


LEFTOVER_KINDS = ("spool", "new", "old")
"""The staging folders a build makes beside the output: ``.output.spool-*``, ``.output.new-*``, ``.output.old-*``."""


def clear_leftovers(output: Path) -> list[Path]:
    """Remove the staging folders a killed build of ``output`` left; call only while holding its lock."""
    prefixes = tuple(f".{output.name}.{kind}-" for kind in LEFTOVER_KINDS)
    removed = []
    with contextlib.suppress(OSError), os.scandir(output.parent) as found:
        for item in found:
            if item.name.startswith(prefixes) and item.is_dir(follow_symlinks=False):
                shutil.rmtree(item.path, ignore_errors=True)
                removed.append(Path(item.path))
    return removed


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_file(path: str, data: bytes) -> None:
    """Write ``data`` to ``path``; a failure (a full disk) names the file, which the system does not."""
    try:
        # os.open and os.write rather than open(): no buffered file object is made for one write.
        descriptor = os.open(path, _NEW_FILE, 0o666)
        try:
            written = os.write(descriptor, data)
            if written < len(data):  # the system may take less than asked; rarely, for large writes
                view = memoryview(data)
                while written < len(data):
                    written += os.write(descriptor, view[written:])
        finally:
            os.close(descriptor)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error


def describe(error: OSError) -> str:
    """``path: reason`` for a failed system call, with both paths of a rename."""
    where = " -> ".join(str(name) for name in (error.filename, error.filename2) if name is not None)
    reason = error.strerror or str(error)
    return f"{where}: {reason}" if where else reason


def previous_output(output: Path) -> Path:
    """Where the output replaced by the last build is kept, to be updated into the next one.

    Updating it touches only what changed, where filling a new folder would
    link every file and deleting the old one would unlink every file again.
    """
    return output.parent / f".{output.name}.previous"


def _discard(spare: Path) -> None:
    """Delete a kept previous output, if it is one of ours."""
    if spare.is_dir() and not spare.is_symlink() and (spare / MARKER).is_file():
        shutil.rmtree(spare, ignore_errors=True)


def _staging_folder(
    output: Path, files: Mapping[str, bytes], reusable: Mapping[str, FileState]
) -> tuple[Path, set[str]]:
    """The folder to fill, and which of ``files`` it already holds in place.

    That is the previous output if it is ours to reuse. Otherwise it is the
    spool of newly rendered files, so that they need not be moved one by
    one into a copy of its tree of folders (on a cold build that is every
    file), unless some of them are to be linked from the output instead.
    Failing both, it is a new empty folder.
    """
    spare = previous_output(output)
    if spare.is_dir() and not spare.is_symlink() and (spare / MARKER).is_file():
        return spare, set()
    if isinstance(files, OutputFiles) and files.spool is not None and reusable.keys().isdisjoint(files.new):
        staging, spooled = Path(files.spool.folder), set(files.new)
    else:
        staging, spooled = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent)), set()
    staging.chmod(0o755)  # made private by mkdtemp; the site is for everyone to read
    return staging, spooled


def _reusable(
    files: Mapping[str, bytes], output: Path, previous: Mapping[str, FileState]
) -> dict[str, FileState]:
    """Files of ``output`` that already hold the bytes wanted, untouched since recorded."""
    kept = files.kept if isinstance(files, OutputFiles) else {}
    reusable = {}
    for relative in files:
        if relative in kept:  # checked against the output by the incremental render moments ago
            reusable[relative] = kept[relative]
            continue
        state = previous.get(relative)
        path = os.path.join(output, relative)
        if state is not None and state.matches(path) and _same_bytes(path, state, files[relative]):
            reusable[relative] = state
    return reusable


def _same_bytes(path: str, state: FileState, data: bytes) -> bool:
    if state.size != len(data):
        return False
    with open(path, "rb") as file:
        return file.read() == data


def _already_there(
    files: Mapping[str, bytes], reusable: Mapping[str, FileState], output: Path
) -> bool:
    """Whether ``output`` holds exactly ``files``, unchanged, and nothing else."""
    return (
        len(reusable) == len(files)
        and (output / MARKER).is_file()
        and _listing(output) == expected_listing(files)
    )


def _listing(folder: Path) -> set[str]:
    """Every file and folder under ``folder`` as a relative path, the marker aside."""
    return set(_entries(folder))


def _entries(folder: Path) -> dict[str, bool]:
    """Every file and folder under ``folder`` (relative path -> is a folder), the marker aside."""
    found: dict[str, bool] = {}
    root = os.fspath(folder)
    for parent, folders, names in os.walk(root):
        # os.walk joins onto ``root``, so slicing gives the relative path (relpath asks the system for the cwd).
        prefix = "" if parent == root else parent[len(root) + 1:] + "/"
        found.update((prefix + name, True) for name in folders)
        found.update((prefix + name, False) for name in names)
    found.pop(MARKER, None)
    return found


def expected_listing(files: Iterable[str]) -> set[str]:
    """Every file and folder that holding ``files`` (site paths) takes, as relative paths."""
    expected: set[str] = set()
    for relative in files:
        expected.add(relative)
        while "/" in relative:
            relative = relative.rsplit("/", 1)[0]
            expected.add(relative)
    return expected


def _stage(
    files: Mapping[str, bytes],
    reusable: Mapping[str, FileState],
    output: Path,
    staging: Path,
    spooled: set[str],
) -> dict[str, FileState]:
    """Make ``staging`` hold exactly ``files``, linking the reusable ones from ``output``.

    ``spooled`` are the files ``staging`` already holds, and all it holds.
    """
    if spooled:
        kept_folders = expected_listing(spooled) - spooled
    else:
        kept_folders = _remove_unwanted(staging, set(files), expected_listing(files) - set(files))
    states = {}
    made = {os.path.join(staging, folder) for folder in kept_folders}  # a folder per page: skip mkdir
    for relative in sorted(files):
        destination = os.path.join(staging, relative)
        folder = os.path.dirname(destination)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        state = reusable.get(relative)
        if state is not None and _is_same_file(destination, state):
            states[relative] = state
            continue
        if relative in spooled:
            states[relative] = FileState.of(destination)
            continue
        # A staged file may be a link to a file of the live output: replace it, never write into it.
        _unlink(destination)
        if state is not None and _link(os.path.join(output, relative), destination):
            states[relative] = state
            continue
        if isinstance(files, OutputFiles) and files.spool is not None and relative in files.new:
            os.replace(files.spool.path(relative), destination)
        else:
            write_file(destination, files[relative])
        states[relative] = FileState.of(destination)
    return states


def _remove_unwanted(staging: Path, files: set[str], folders: set[str]) -> set[str]:
    """Delete what ``staging`` holds beyond ``files`` and ``folders``, deepest first; return the folders kept."""
    kept = set()
    for relative, is_folder in sorted(_entries(staging).items(), reverse=True):
        path = os.path.join(staging, relative)
        if is_folder and relative not in folders:
            shutil.rmtree(path)
        elif not is_folder and relative not in files:
            os.unlink(path)
        elif is_folder:
            kept.add(relative)
    return kept


def _is_same_file(path: str, state: FileState) -> bool:
    try:
        found = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and found.st_ino == state.inode


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _mark(staging: Path, output: Path) -> None:
    """Add the marker file, reusing the current one when it says the same."""
    current, marker = output / MARKER, staging / MARKER
    unchanged = current.is_file() and current.read_text() == _MARKER_TEXT
    if unchanged and marker.exists() and os.path.samefile(current, marker):
        return
    _unlink(str(marker))
    if not (unchanged and _link(current, marker)):
        write_file(str(marker), _MARKER_TEXT.encode())


def _link(source: str | Path, destination: str | Path) -> bool:
    """Hard-link ``source`` as ``destination``; ``False`` where the file system cannot."""
    try:
        os.link(source, destination)
    except OSError:
        return False
    return True


def _swap_into_place(staging: Path, output: Path) -> None:
    """Put ``staging`` where ``output`` is; the replaced output is kept as the previous one."""
    if not output.exists():
        os.replace(staging, output)
        return
    spare = previous_output(output)
    if exchange(staging, output):  # one step: ``output`` is the new build, ``staging`` the old one
        if staging != spare:
            _keep_or_remove(staging, spare)
        return
    _swap_in_two_steps(staging, output, spare)


def _keep_or_remove(old: Path, spare: Path) -> None:
    """Keep the replaced output as the previous one if that place is free; otherwise remove it."""
    try:
        if not spare.exists():  # free unless a folder we do not own has the name
            os.replace(old, spare)
            return
    except OSError:
        pass  # the new output is in place; keeping the old one is only an optimisation
    shutil.rmtree(old, ignore_errors=True)


def _swap_in_two_steps(staging: Path, output: Path, spare: Path) -> None:
    """Where paths cannot be exchanged: move the old output aside, then the new one in."""
    holder = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    try:
        os.replace(output, holder / "site")
        os.replace(staging, output)
    except BaseException:  # even Ctrl-C between the two moves: the old output goes back
        if not output.exists() and (holder / "site").exists():
            os.replace(holder / "site", output)
        shutil.rmtree(holder, ignore_errors=True)
        raise
    _keep_or_remove(holder / "site", spare)
    shutil.rmtree(holder, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    """The C library's ``renameat2``, where there is one (Linux, glibc 2.28 and later)."""
    try:
        function: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; ``False`` where the system or file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))
