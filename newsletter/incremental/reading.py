"""Read and validate every issue folder, reusing cached results for folders that did not change.

An issue is a pure function of the bytes of its folder's files, the
settings, the command-line options and the tool itself (see
:func:`newsletter.content.issues.read_issue`), so the digest of all of these is a
key under which the validated issue, Markdown already rendered, can be
stored and found again. Folders whose key is not in the cache are parsed,
validated and rendered, across all cores when there are many of them.

The same digests identify the values for the renderers: an issue's key
stands for the whole issue, and an entry is determined by its own file, so
both are handed to the fingerprinting of output jobs as *seeds*, which
spares hashing the values again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsletter.content.issues import IssueResult, read_issue
from newsletter.content.lifecycle import FolderReferences, folder_references
from newsletter.content.loading import load_issue_folder
from newsletter.errors import Problem
from newsletter.incremental.cache import Cache, digest, tool_fingerprint
from newsletter.incremental.parallel import run_all
from newsletter.incremental.scan import IssueFolder
from newsletter.model import Config, Issue
from newsletter.options import Options

ESTIMATED_MS_PER_FILE = 3.0
"""Parsing, validating and rendering one entry file, roughly, on one core."""


@dataclass(frozen=True)
class _CachedIssue:
    issue: Issue | None
    problems: list[Problem]
    references: FolderReferences


KeptIssues = dict[str, "_CachedIssue"]
"""Issues read before, by their cache key (see :func:`read_issues`)."""

Seeds = list[tuple[object, str]]
"""Assembled values paired with fingerprints known from the files they came from."""


@dataclass(frozen=True)
class ReadIssues:
    """Every issue folder validated, with what the cross-issue checks and fingerprinting need."""

    results: list[IssueResult]
    references: list[FolderReferences]
    seeds: Seeds


def read_issues(
    root: Path, content_dir: Path, folders: list[IssueFolder], config: Config, options: Options, cache: Cache,
    kept: KeptIssues | None = None,
) -> ReadIssues:
    """Validate the issue ``folders`` under ``content_dir``, from the cache where possible.

    The caller scans the folders before anything is read (see
    :class:`newsletter.incremental.stamps.Inputs`): a digest taken then never stands for
    bytes newer than those read. A process that reads again and again (the
    preview) passes ``kept``, the issues it read last time: those are not
    loaded from the cache again, and ``kept`` is left holding this read's.
    """
    # Paths in problems are relative to the root, so where the folders are is part of every key.
    where = f"{root.resolve()} {content_dir.resolve()}"
    per_issue = options.per_issue()
    base = digest(tool_fingerprint(), where, repr(config), repr(per_issue))
    keys = [folder.key(base) for folder in folders]
    cached = _kept_or_cached(keys, kept or {}, cache)
    missing = [index for index, found in enumerate(cached) if found is None]

    def compute(position: int) -> _CachedIssue:
        index = missing[position]
        folder = folders[index]
        raw = load_issue_folder(folder.path, root)
        issue, problems = read_issue(raw, config, per_issue)
        result = _CachedIssue(issue, problems, folder_references(raw))
        # A file edited while it was read must not be stored under the older bytes' key.
        if IssueFolder.scan(folder.path) == folder:
            cache.put("issues", keys[index], result)
        return result

    estimate = ESTIMATED_MS_PER_FILE * sum(len(folders[index].files) for index in missing)
    for index, result in zip(missing, run_all(compute, len(missing), estimate), strict=True):
        cached[index] = result
    if kept is None:
        cache.prune("issues", set(keys))
    else:  # the cache is pruned when the preview is idle
        kept.clear()
        kept.update((key, found) for key, found in zip(keys, cached, strict=True) if found is not None)
    read = ReadIssues([], [], [])
    for folder, key, found in zip(folders, keys, cached, strict=True):
        assert found is not None
        read.results.append((found.issue, found.problems))
        read.references.append(found.references)
        if found.issue is not None:
            read.seeds.extend(_seeds(found.issue, key, base, folder))
    return read


def _kept_or_cached(keys: list[str], kept: KeptIssues, cache: Cache) -> list[_CachedIssue | None]:
    """The issue stored under each key: from ``kept``, else from the cache, else ``None``."""
    found = [kept.get(key) for key in keys]
    missing = [index for index, value in enumerate(found) if value is None]
    if missing:
        for index, value in zip(missing, cache.get_many("issues", [keys[i] for i in missing], _CachedIssue),
                                strict=True):
            found[index] = value
    return found


def _seeds(issue: Issue, key: str, base: str, folder: IssueFolder) -> Seeds:
    """An issue is identified by its folder's key; an entry by its own file alone.

    The sections are seeded too: issues given their "Coming up" box across
    issues are new values that share them, and pages list entries with their section.
    """
    files = dict(folder.files)
    seeds: Seeds = [(issue, key), (issue.sections, f"{key} sections")]
    seeds += [(section, f"{key} section {section.id}") for section in issue.sections]
    for section in issue.sections:
        for item in section.items:
            path = item.entry.source_path
            found = files.get(path.rsplit("/", 1)[-1])
            if found is not None:  # else the file appeared mid-build: fingerprint the value
                # Already digests and a path: joining them identifies the entry without hashing.
                seeds.append((item.entry, f"{base} {found} {path}"))
    return seeds
