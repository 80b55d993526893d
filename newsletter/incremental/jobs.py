"""Render only the output jobs whose inputs changed since the last build into the same folder.

Each job (see :mod:`newsletter.render.jobs`) is identified by a fingerprint
of everything its files depend on: the renderer, the values it is given,
the project's templates and the tool itself. The manifest of the last build
into an output folder, kept in the build cache, maps each fingerprint to
the files it made and records the state of every file; a job whose
fingerprint is there and whose files are still exactly as recorded is not
rendered again, its files are kept. The rest are rendered across all cores
when there are many (a cold build), in this process otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from newsletter.incremental.cache import Cache, digest, tool_fingerprint
from newsletter.incremental.fingerprints import Fingerprints
from newsletter.incremental.parallel import run_all
from newsletter.output import FileState, OutputFiles, Spool
from newsletter.render.jobs import Environments, Job

ESTIMATED_MS_PER_JOB = 5.0
"""Rendering one page or one issue's email edition, roughly, on one core."""


@dataclass(frozen=True)
class Manifest:
    """What the last build left in an output folder, and which job made which files."""

    files: dict[str, FileState]
    jobs: dict[str, tuple[str, ...]]
    drafts: bool = False
    """Whether that build included drafts, whose pages a build without them leaves out on purpose."""


def load_manifest(cache: Cache, output: Path) -> Manifest:
    """The manifest of the last build into ``output``; empty if missing or unreadable."""
    return cache.get("outputs", _manifest_key(output), Manifest) or Manifest({}, {})


def save_manifest(cache: Cache, output: Path, manifest: Manifest) -> None:
    """Record what was just written into ``output``."""
    cache.put("outputs", _manifest_key(output), manifest)


def _manifest_key(output: Path) -> str:
    return digest("manifest", str(output.resolve()))


def render_changed(
    jobs: Sequence[Job],
    envs: Environments,
    fingerprints: Fingerprints,
    templates: str,
    previous: Manifest,
    output: Path,
    spool: Spool,
    trusted: bool = False,
) -> tuple[OutputFiles, dict[str, tuple[str, ...]]]:
    """Render into ``spool`` the jobs not already in ``output``; return all files and their jobs.

    A job's files are kept if ``previous`` made them and, unless ``trusted``
    (the caller wrote ``output`` itself and nobody else does), they are
    still exactly as it recorded.
    """
    salt = digest(tool_fingerprint(), templates)
    kept: dict[str, FileState] = {}
    made: dict[str, tuple[str, ...]] = {}
    pending: list[tuple[str, Job]] = []
    root = os.path.join(output, "")  # site paths are joined to it as strings: one per output file
    for job in jobs:
        key = digest(salt, job.edition, job.name, fingerprints.of(job.inputs))
        paths = previous.jobs.get(key)
        if paths is not None and (trusted or _intact(paths, previous, root)):
            kept.update((path, previous.files[path]) for path in paths)
            made[key] = paths
        else:
            pending.append((key, job))
    rendered = run_all(
        lambda index: spool.put(pending[index][1].run(envs)),
        len(pending),
        ESTIMATED_MS_PER_JOB * len(pending),
    )
    new: list[str] = []
    for (key, _), paths in zip(pending, rendered, strict=True):
        made[key] = paths
        new += paths
    if len(set(new) | kept.keys()) != len(new) + len(kept):
        raise ValueError("two output jobs write the same file")
    return OutputFiles(output, spool, new, kept), made


def _intact(paths: tuple[str, ...], previous: Manifest, root: str) -> bool:
    files = previous.files
    return all(path in files and files[path].matches(root + path) for path in paths)
