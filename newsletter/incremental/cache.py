"""The build cache: results of earlier builds, kept to skip work whose inputs did not change.

Everything is keyed by a digest of *all* the inputs that decide the result:
the bytes of the content files involved, the settings, and the tool itself
(its version, the source of every module and default template, and the
versions of the libraries that shape the output). A value is only reused
under exactly the key it was stored with, so nothing is ever invalidated by
hand: a changed input simply asks for a different key.

The cache is a folder beside ``newsletter.yaml`` (``.newsletter-cache/``)
that is safe to delete at any time. It is never trusted blindly: each file
holds a checksum of its contents and the key it was written for, and a file
that is unreadable, truncated, corrupt, from another key or holding a value
of the wrong kind is treated as missing and recomputed.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import importlib.util
import os
import pickle
import re
import sys
import tempfile
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import newsletter
from newsletter import __version__

CACHE_DIR = ".newsletter-cache"
_MAGIC = b"newsletter-cache 1\n"
_CHECKSUM_BYTES = 32
_LIBRARIES = {
    "markdown": "markdown", "nh3": "nh3", "jinja2": "jinja2", "yaml": "pyyaml", "css_inline": "css_inline",
    "feedgen": "feedgen", "lxml": "lxml", "markupsafe": "markupsafe",
}
"""Libraries whose code can change the bytes of the output: module -> distribution, normalized."""

T = TypeVar("T")


def digest(*parts: str | bytes) -> str:
    """A hex digest of ``parts``, each length-prefixed so that no two sequences collide."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        # File names that are not UTF-8 reach here as surrogates: digest their original bytes.
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: str) -> str:
    """A hex digest of a file's bytes, read with plain system calls (thousands per build)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        hasher = hashlib.blake2b(digest_size=20)
        while chunk := os.read(descriptor, 1 << 20):
            hasher.update(chunk)
    finally:
        os.close(descriptor)
    return hasher.hexdigest()


PACKAGE = Path(newsletter.__file__).parent
"""The whole package: every module and default template in it shapes the output."""


def packaged_files() -> list[Path]:
    """Every file of the package that the tool's fingerprint covers: sources, templates, scaffolds."""
    return sorted(
        path for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix != ".pyc" and "__pycache__" not in path.parts
    )


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """Identify this exact tool: version, Python, library versions and every packaged file."""
    package = PACKAGE
    files = packaged_files()
    parts: list[str | bytes] = [__version__, sys.version]
    parts += [_installed(module, distribution) for module, distribution in _LIBRARIES.items()]
    for path in files:
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


def _installed(module: str, distribution: str) -> str:
    """Where a library is installed and which version it is, without importing it.

    The version is read from the name of the distribution's metadata folder
    (``PyYAML-6.0.1.dist-info``). Not from any file's time: pip stamps files
    with the time of installation, so a CI runner that installs afresh would
    never find what it cached. Without such a folder, the entry file's size
    and time stand for the version.
    """
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return f"{module} absent"
    entry = Path(spec.origin)
    site = entry.parent.parent if spec.submodule_search_locations else entry.parent
    with contextlib.suppress(OSError):
        for name in sorted(os.listdir(site)):
            stem, dot, kind = name.rpartition(".")
            if kind in ("dist-info", "egg-info") and dot and _normalized(stem.split("-")[0]) == distribution:
                return f"{module} {site} {name}"
    found = os.stat(entry)
    return f"{module} {entry} {found.st_size} {found.st_mtime_ns}"


def _normalized(name: str) -> str:
    """A distribution name however a metadata folder spells it: ``PyYAML`` -> ``pyyaml``."""
    return re.sub(r"[-_.]+", "_", name).lower()


class Cache:
    """Pickled values in a folder, one file per key, grouped by kind."""

    def __init__(self, folder: Path | None):
        """Use ``folder`` (created on first write); ``None`` disables caching."""
        self.folder = folder

    def path(self, kind: str, key: str) -> Path | None:
        """Where the value of ``kind`` stored under ``key`` lives."""
        return None if self.folder is None else self.folder / kind / key[:2] / key

    def get(self, kind: str, key: str, expected: type[T]) -> T | None:
        """The value stored under ``key`` if it is intact and an ``expected``; else ``None``."""
        path = self.path(kind, key)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return _decode(data, key, expected)

    def get_many(self, kind: str, keys: Iterable[str], expected: type[T]) -> list[T | None]:
        """``get`` for each of ``keys``."""
        # Unpickling creates many objects at once, which sets off the cycle collector again
        # and again for nothing: cached values hold no cycles and live as long as the build.
        # So the collector is paused, then told to leave what was loaded alone for good.
        # Garbage already waiting is collected first, or freezing would keep it forever
        # (it matters in a process that builds many times).
        collecting = gc.isenabled()
        gc.collect()
        gc.disable()
        try:
            return [self.get(kind, key, expected) for key in keys]
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

    def prune(self, kind: str, keep: Collection[str]) -> None:
        """Delete values of ``kind`` not under ``keep`` once they outnumber those kept.

        Other settings (drafts, a preview URL) use other keys, so values are
        only dropped when stale ones have piled up, not after every build.
        """
        if self.folder is None:
            return
        stored = [path for path in (self.folder / kind).glob("*/*") if path.name[0] != "."]
        if len(stored) > 2 * len(keep):
            for path in stored:
                if path.name not in keep:
                    with contextlib.suppress(OSError):  # a read-only cache stays as it is
                        path.unlink()

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store ``value`` under ``key``; a cache that cannot be written is only slower."""
        path = self.path(kind, key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, encode(key, value))
        except OSError:
            pass


def encode(key: str, value: Any) -> bytes:
    """The bytes of a cache file: magic, checksum, then the pickled key and value."""
    payload = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
    return _MAGIC + hashlib.blake2b(payload, digest_size=_CHECKSUM_BYTES).digest() + payload


def _decode(data: bytes, key: str, expected: type[T]) -> T | None:
    header = len(_MAGIC) + _CHECKSUM_BYTES
    if not data.startswith(_MAGIC) or len(data) < header:
        return None
    payload = data[header:]
    if hashlib.blake2b(payload, digest_size=_CHECKSUM_BYTES).digest() != data[len(_MAGIC):header]:
        return None
    try:
        stored_key, value = pickle.loads(payload)
    except Exception:  # a checksum-valid file from an incompatible build: recompute, never fail
        return None
    return value if stored_key == key and isinstance(value, expected) else None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write via a temporary file and a rename, so readers never see half a file."""
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
