"""Up-to-date checks: a build or check with nothing changed is answered at once, from its stamp.

After a successful build, a *stamp* is kept in the build cache for its
output folder: a digest of every input of the build (:class:`Inputs`) and of
its options, what the build reported (its problems and counts), and a
snapshot of the output it left (:class:`~newsletter.output.Snapshot`). A
later build with the same digest that finds the output exactly as recorded
would load everything, render nothing and write nothing, so it returns the
recorded report instead, without reading the content or loading any of the
libraries that read and render it. Any doubt (no stamp, a damaged one,
another digest, a file or folder of the output touched since) and the full
build runs.

``newsletter check`` is stamped the same way, once per project, by a check
or by a build whose templates all compile (a check compiles every template,
used or not).

The inputs are digested before any of them is read, so a file edited while
a build reads it leaves a stamp that the next build does not match. Options
are digested by name (:meth:`newsletter.options.Options.key`): a build given
an option that the command line does not name gets a digest that the
command line never matches.

This module, like those it imports, uses only the standard library.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsletter.content.layout import issue_folders
from newsletter.incremental.cache import digest, file_digest, tool_fingerprint
from newsletter.incremental.scan import IssueFolder, StatCache, folder_fingerprint
from newsletter.options import BuildReport, CheckReport, Options
from newsletter.output import MARKER, FileState, expected_listing
from newsletter.project import Project


@dataclass(frozen=True)
class Snapshot:
    """An output folder as a build left it: each file, the marker and every folder, with its state.

    Folders are recorded because adding, removing or renaming anything in a
    folder changes the folder's modification time: a file dropped into the
    output by hand shows without listing every folder. States are plain
    tuples, ``(size, mtime_ns, inode)`` as in :class:`FileState`, which load
    several times faster than objects: a large site has tens of thousands.
    """

    files: tuple[str, ...]
    folders: tuple[str, ...]
    states: tuple[tuple[int, int, int], ...]
    """Of each of ``files``, then of the marker, then of each of ``folders``."""

    @classmethod
    def take(cls, output: Path, files: Mapping[str, FileState]) -> Snapshot:
        """Record ``files`` as the build recorded them, and the marker and folders as they are now."""
        folders = ("", *sorted(expected_listing(files) - set(files)))
        states = [(state.size, state.mtime_ns, state.inode) for state in files.values()]
        states += [_state(os.path.join(output, path)) for path in (MARKER, *folders)]
        return cls(tuple(files), folders, tuple(states))

    def matches(self, output: Path) -> bool:
        """Whether every file and folder recorded is still exactly as it was, and the marker there."""
        paths = [*self.files, MARKER, *self.folders]
        if len(paths) != len(self.states):
            return False
        root = os.path.join(output, "")  # site paths are joined to it as strings: tens of thousands
        try:
            for path, (size, mtime_ns, inode) in zip(paths, self.states, strict=True):
                found = os.stat(root + path)
                if found.st_mtime_ns != mtime_ns or found.st_size != size or found.st_ino != inode:
                    return False
        except OSError:
            return False
        return True


def _state(path: str) -> tuple[int, int, int]:
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns, found.st_ino


@dataclass(frozen=True)
class Inputs:
    """Every file a build or check reads, digested, and the issue folders as they were scanned."""

    folders: list[IssueFolder]
    digest: str

    @classmethod
    def scan(cls, project: Project) -> Inputs:
        """Digest every input of ``project``; do it before reading any, so that later edits show."""
        scans = StatCache(project.cache, project.content_dir)
        folders = [scans.scan(path) for path in issue_folders(project.content_dir)]
        scans.save()
        return cls.of(project, folders)

    @classmethod
    def of(cls, project: Project, folders: list[IssueFolder]) -> Inputs:
        """The inputs of ``project`` whose issue folders were scanned as ``folders``; the rest digested now."""
        parts: list[str | bytes] = [
            tool_fingerprint(),
            str(project.root.resolve()),
            str(project.content_dir.resolve()),
            folder_fingerprint(project.templates_dir),
            folder_fingerprint(project.assets_dir),
            folder_fingerprint(project.locales_dir),
        ]
        for path in project.settings_files:
            parts += [str(path.resolve()), _file_digest_or_why_not(path)]
        parts.append(repr([(folder.path.name, folder.files) for folder in folders]))  # unambiguous, and fast
        return cls(folders, digest(*parts))


def _file_digest_or_why_not(path: Path) -> str:
    """The digest of a file, or why it has none: a missing or unreadable file is an input too."""
    try:
        return file_digest(str(path))
    except FileNotFoundError:
        return "absent"
    except OSError as error:
        return f"unreadable: {error.strerror}"


@dataclass(frozen=True)
class _BuildStamp:
    inputs: str
    report: BuildReport
    output: Snapshot


@dataclass(frozen=True)
class _CheckStamp:
    inputs: str
    report: CheckReport


def unchanged_build(project: Project, options: Options) -> BuildReport | None:
    """The report of the last build into the project's output if a build now would do nothing; else ``None``.

    Raises OutputError, as the build does, for an output folder it must not replace.
    """
    started = time.perf_counter()
    project.check_output_dir()
    stamp = project.cache.get("stamps", _build_key(project), _BuildStamp)
    if stamp is None:
        return None
    try:
        inputs = Inputs.scan(project)
    except OSError:  # an unreadable file: the build says which
        return None
    # The inputs first: after an edit they differ, and checking them costs half as many stat calls.
    if stamp.inputs != _build_digest(project, inputs, options) or not stamp.output.matches(project.output_dir):
        return None
    return dataclasses.replace(stamp.report, seconds=time.perf_counter() - started)


def unchanged_check(project: Project, options: Options) -> CheckReport | None:
    """What the last check (or build) of the project found if nothing it read changed since; else ``None``."""
    stamp = project.cache.get("stamps", _check_key(project), _CheckStamp)
    if stamp is None:
        return None
    try:
        inputs = Inputs.scan(project)
    except OSError:
        return None
    return stamp.report if stamp.inputs == _check_digest(inputs, options) else None


def record_build(
    project: Project, inputs: Inputs, options: Options, report: BuildReport,
    output: Snapshot,
) -> None:
    """Stamp a successful build of ``inputs`` that left ``output``."""
    stamp = _BuildStamp(_build_digest(project, inputs, options), report, output)
    project.cache.put("stamps", _build_key(project), stamp)
    project.cache.prune("stamps", {_build_key(project), _check_key(project)})


def record_check(
    project: Project, inputs: Inputs, options: Options, report: CheckReport
) -> None:
    """Stamp a successful check of ``inputs``."""
    project.cache.put("stamps", _check_key(project), _CheckStamp(_check_digest(inputs, options), report))
    project.cache.prune("stamps", {_build_key(project), _check_key(project)})


# Stamps are filed under the tool's fingerprint too, so that no version of the tool reads
# a stamp another version wrote, whose classes it might not know.


def _build_key(project: Project) -> str:
    return digest("build stamp", tool_fingerprint(), str(project.output_dir.resolve()))


def _check_key(project: Project) -> str:
    return digest("check stamp", tool_fingerprint(), str(project.config_path.resolve()),
                  str(project.content_dir.resolve()))


def _build_digest(project: Project, inputs: Inputs, options: Options) -> str:
    return digest("build", inputs.digest, options.key(), str(project.output_dir.resolve()))


def _check_digest(inputs: Inputs, options: Options) -> str:
    return digest("check", inputs.digest, options.key())
