"""Where a project keeps its content: the names of its files, which ones are left out, which are refused.

Standard library only: the up-to-date checks (:mod:`newsletter.incremental.stamps`)
list the same folders as loading does, without loading what reads them.
"""

from __future__ import annotations

import os
import stat
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
    for path in [*_content_places(content_dir), *_walked(others)]:
        message = _place_problem(path, inside, content_dir)
        if message:
            problems.append(Problem(_shown(path, root), 1, 1, message))
    return problems


def _content_places(content_dir: Path) -> Iterator[Path]:
    """Issue folders and what is in them, hidden names left out."""
    for folder in _listed(content_dir):
        yield folder
        if folder.is_dir() and not folder.is_symlink():
            yield from _listed(folder)


def _listed(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as found:
            return sorted(Path(item.path) for item in found if not is_hidden(item.name))
    except (NotADirectoryError, FileNotFoundError):
        return []


def _walked(places: Iterable[Path]) -> Iterator[Path]:
    """Each of ``places`` that exists, and everything under those that are folders."""
    for place in places:
        if not os.path.lexists(place):
            continue
        yield place
        if place.is_dir() and not place.is_symlink():
            for parent, folders, names in os.walk(place):
                yield from (Path(parent, name) for name in sorted([*folders, *names]))


def _place_problem(path: Path, inside: tuple[Path, ...], content_dir: Path) -> str | None:
    found = os.lstat(path)
    if stat.S_ISLNK(found.st_mode):
        target = Path(os.path.realpath(path))
        if not target.exists():
            return f"this is a link to {target}, which does not exist"
        if not any(target == folder or folder in target.parents for folder in inside):
            return f"this is a link to {target}, outside the project: copy what it holds into the project instead"
        found = os.stat(path)
    if stat.S_ISDIR(found.st_mode):
        in_issue = path.parent.parent == content_dir
        if in_issue and path.suffix in ENTRY_SUFFIXES:
            return ("this is a folder, but its name is that of an entry file: "
                    f"rename it or move it out of {content_dir.name}")
        return None
    if not stat.S_ISREG(found.st_mode):
        return "this is not a regular file (a pipe, socket or device): remove it"
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
