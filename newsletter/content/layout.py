"""Where a project keeps its content: the names of its files, which ones are left out, which are refused.

Standard library only: the up-to-date checks (:mod:`newsletter.incremental.stamps`)
list the same folders as loading does, without loading what reads them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsletter.errors import Problem

REGISTRY_FILE = "registry.yaml"
"""The optional registry of authorities and instruments, beside the settings file."""

ISSUE_FILE = "issue.yaml"
"""The settings of one issue, in its folder."""

ENTRY_SUFFIXES = (".md", ".yaml", ".yml")
"""The files of an issue folder that hold developments (``issue.yaml`` aside)."""

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
BUNDLED_SUFFIXES = (*IMAGE_SUFFIXES, ".pdf", ".docx", ".doc", ".xlsx", ".xls", ".pptx", ".csv", ".zip")
"""Files an issue folder may hold beside its entries, for them to show (images) or link to (attachments)."""

EDITION_CODE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*")
"""An edition's code: its folder on the site and the suffix of its files (``zh`` in ``slug.zh.md``)."""

LOCALES_FOLDER = "locales"
"""A project's own message catalogs: ``locales/<locale>/messages.po`` (see :mod:`newsletter.content.i18n`)."""

ASSETS_FOLDER = "assets"
"""Files of the project copied as they are to ``output/assets/``: a logo, a PDF linked from the footer."""


def is_hidden(name: str) -> bool:
    """Whether a file or folder is left out of the content (``.draft``, ``_notes``)."""
    return name.startswith((".", "_"))


def issue_folders(content_dir: Path) -> list[Path]:
    """The issue folders under ``content_dir`` in name order, leaving out hidden ones."""
    if not content_dir.is_dir():
        return []
    return sorted(p for p in content_dir.iterdir() if p.is_dir() and not is_hidden(p.name))


def place_problems(root: Path, content_dir: Path, others: Iterable[Path]) -> list[Problem]:
    """What in the project's content, settings and templates cannot be read as a file of the project.

    A link that leads outside the project would publish whatever it points
    at (``robots.txt -> /etc/passwd``), so it is an error, as is a link to
    nothing. So are special files (FIFOs, sockets, devices), which reading
    would block on or make no sense of, and a folder named like an entry
    (``rules.md/``), which an editor would expect to be read. Hidden names
    in the content are left out, as loading leaves them out.
    """
    inside = (root.resolve(), content_dir.resolve())  # --content may name a folder elsewhere
    problems = []
    for entry, in_issue in [*_content_places(content_dir), *_walked(others)]:
        message = _place_problem(entry, in_issue, inside, content_dir)
        if message:
            problems.append(Problem(_shown(Path(entry.path), root), 1, 1, message))
    return problems


Place = tuple[os.DirEntry[str], bool]
"""A file or folder as listed, and whether it sits in an issue folder."""


def _content_places(content_dir: Path) -> Iterator[Place]:
    """Issue folders and what is in them, hidden names left out.

    Listed with ``os.scandir``, whose entries know their kind without a
    ``stat`` per file: this runs on every build, over every file of the archive.
    """
    for folder in _listed(str(content_dir)):
        yield folder, False
        if folder.is_dir(follow_symlinks=False):
            yield from ((item, True) for item in _listed(folder.path))


def _listed(folder: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return sorted((item for item in found if not is_hidden(item.name)), key=lambda item: item.name)
    except (NotADirectoryError, FileNotFoundError):
        return []


def _walked(places: Iterable[Path]) -> Iterator[Place]:
    """Each of ``places`` that exists, and everything under those that are folders."""
    for place in places:
        parent = place.parent
        found = [item for item in _listed(str(parent)) if item.name == place.name] if os.path.lexists(place) else []
        if not found:
            continue
        yield found[0], False
        if found[0].is_dir(follow_symlinks=False):
            yield from _walked_under(found[0].path)


def _walked_under(folder: str) -> Iterator[Place]:
    for item in _listed_all(folder):
        yield item, False
        if item.is_dir(follow_symlinks=False):
            yield from _walked_under(item.path)


def _listed_all(folder: str) -> list[os.DirEntry[str]]:
    with os.scandir(folder) as found:
        return sorted(found, key=lambda item: item.name)


def _place_problem(entry: os.DirEntry[str], in_issue: bool, inside: tuple[Path, ...], content_dir: Path) -> str | None:
    is_dir = entry.is_dir(follow_symlinks=False)
    if entry.is_symlink():
        target = Path(os.path.realpath(entry.path))
        if not target.exists():
            return f"this is a link to {target}, which does not exist"
        if not any(target == folder or folder in target.parents for folder in inside):
            return f"this is a link to {target}, outside the project: copy what it holds into the project instead"
        is_dir = target.is_dir()
        if not is_dir and not target.is_file():
            return "this is not a regular file (a pipe, socket or device): remove it"
    elif not is_dir and not entry.is_file(follow_symlinks=False):
        return "this is not a regular file (a pipe, socket or device): remove it"
    if is_dir and in_issue and os.path.splitext(entry.name)[1] in ENTRY_SUFFIXES:
        return ("this is a folder, but its name is that of an entry file: "
                f"rename it or move it out of {content_dir.name}")
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
