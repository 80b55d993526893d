"""Digests of the files a build reads, taken without reading what did not change.

A build or check reads nothing but the settings file, ``registry.yaml``
beside it, the files of the issue folders and the project's templates (and
the tool itself, see :func:`newsletter.incremental.cache.tool_fingerprint`).
Digests of these decide which earlier work is reused, so a rebuild digests
every file of every issue folder; :class:`StatCache` spares listing folders
and reading files whose status shows they did not change.

Standard library only, like everything a build answered from its stamp loads.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from newsletter.incremental.cache import Cache, digest, file_digest, tool_fingerprint

RACY_SECONDS = 3.0
"""How old a file's status must be before a digest is remembered with it.

A file changed again within the same tick of the file system's clock (up to
two seconds on FAT) could keep the status it was recorded with; a file whose
times were this old when recorded gets new times from any later change.
"""


@dataclass(frozen=True)
class IssueFolder:
    """An issue folder and the digest of each file directly in it."""

    path: Path
    files: tuple[tuple[str, str], ...]

    @classmethod
    def scan(cls, path: Path) -> IssueFolder:
        """Digest every file in ``path``: a superset of what loading reads, so nothing is missed."""
        with os.scandir(path) as found:
            names = sorted((item.name, item.path) for item in found if item.is_file())
        return cls(path, tuple((name, file_digest(full)) for name, full in names))

    def key(self, base: str) -> str:
        """The cache key of this folder's issue under the settings digest ``base``."""
        return digest(base, self.path.name, *(part for pair in self.files for part in pair))


Status = tuple[int, int, int, int]
"""A file's or folder's size, modification and change times (ns) and inode."""


@dataclass(frozen=True)
class _Listing:
    """A folder as last scanned: its status and each file's name, status and digest.

    A status is ``None`` where it was too recent to be trusted (see ``RACY_SECONDS``).
    """

    status: Status | None
    names: tuple[str, ...]
    statuses: tuple[Status | None, ...]
    digests: tuple[str, ...]


class StatCache:
    """Scan issue folders, reusing what the last scan found where the status of folders and files shows no change.

    A folder whose status is as recorded holds the same names (adding,
    removing or renaming a file changes the folder's modification time),
    and a file whose size, inode and modification and change times are as
    recorded holds the same bytes. The change time cannot be set back by
    hand (setting the modification time changes it), and a status is only
    recorded once ``RACY_SECONDS`` old, so that any later change shows in
    it. (git distrusts its "racily clean" index entries likewise.)
    """

    def __init__(self, cache: Cache, content_dir: Path):
        """Use what ``cache`` recorded of the folders under ``content_dir``."""
        self.cache = cache
        # Under the tool's fingerprint, like the stamps (see newsletter.incremental.stamps).
        self.key = digest("issue folders", tool_fingerprint(), str(content_dir.resolve()))
        self.known: dict[str, _Listing] = cache.get("scans", self.key, dict) or {}
        self.seen: dict[str, _Listing] = {}
        self.trusted_before = time.time_ns() - int(RACY_SECONDS * 1e9)

    def scan(self, path: Path) -> IssueFolder:
        """The folder at ``path`` and the digest of each file in it (see :meth:`IssueFolder.scan`)."""
        where = os.path.join(path, "")
        status = self._trusted(os.stat(where))
        known = self.known.get(where)
        if status is None or known is None or known.status != status or not self._unchanged(where, known):
            known = self._listed(where, status, known)
        self.seen[where] = known
        return IssueFolder(path, tuple(zip(known.names, known.digests, strict=True)))

    def again(self) -> None:
        """Start another scan from what the last one found: for a process that scans again and again."""
        if self.seen:
            self.known, self.seen = self.seen, {}
        self.trusted_before = time.time_ns() - int(RACY_SECONDS * 1e9)

    def save(self) -> None:
        """Record what the scans since loading found, and only that."""
        if self.seen != self.known:
            self.cache.put("scans", self.key, self.seen)
            self.cache.prune("scans", {self.key})

    def _unchanged(self, where: str, known: _Listing) -> bool:
        """Whether each file recorded in the folder ``where`` is still as recorded, and was recorded in full."""
        if None in known.statuses:
            return False
        try:
            return list(known.statuses) == [self._trusted(os.stat(where + name)) for name in known.names]
        except OSError:
            return False

    def _listed(self, where: str, status: Status | None, known: _Listing | None) -> _Listing:
        """List and digest the folder ``where``, reading only the files known to have changed."""
        recorded = {} if known is None else {
            name: (found, value) for name, found, value in zip(known.names, known.statuses, known.digests, strict=True)
        }
        with os.scandir(where) as listed:
            names = sorted(item.name for item in listed if item.is_file())
        # Statuses are taken before the bytes are read: if the bytes change meanwhile, so does the status.
        statuses = [self._trusted(os.stat(where + name)) for name in names]
        values = []
        for name, found in zip(names, statuses, strict=True):
            before = recorded.get(name)
            if found is not None and before is not None and before[0] == found:
                values.append(before[1])
            else:
                values.append(file_digest(where + name))
        return _Listing(status, tuple(names), tuple(statuses), tuple(values))

    def _trusted(self, found: os.stat_result) -> Status | None:
        """A status to record, or ``None`` if it is too recent to tell later changes from it."""
        if max(found.st_mtime_ns, found.st_ctime_ns) >= self.trusted_before:
            return None
        return found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino


def folder_fingerprint(folder: Path | None) -> str:
    """A digest of every file in a folder of the project (its templates, its assets), or of its absence."""
    if folder is None:
        return digest("no such folder")
    parts: list[str | bytes] = []
    for path in sorted(path for path in folder.rglob("*") if path.is_file()):
        parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)
