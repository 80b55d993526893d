"""Where a project keeps its content: the names of its files and which ones are left out.

Standard library only: the up-to-date checks (:mod:`newsletter.incremental.stamps`)
list the same folders as loading does, without loading what reads them.
"""

from __future__ import annotations

from pathlib import Path

REGISTRY_FILE = "registry.yaml"
"""The optional registry of authorities and instruments, beside the settings file."""

ISSUE_FILE = "issue.yaml"
"""The settings of one issue, in its folder."""

ENTRY_SUFFIXES = (".md", ".yaml", ".yml")
"""The files of an issue folder that hold developments (``issue.yaml`` aside)."""


def is_hidden(name: str) -> bool:
    """Whether a file or folder is left out of the content (``.draft``, ``_notes``)."""
    return name.startswith((".", "_"))


def issue_folders(content_dir: Path) -> list[Path]:
    """The issue folders under ``content_dir`` in name order, leaving out hidden ones."""
    if not content_dir.is_dir():
        return []
    return sorted(p for p in content_dir.iterdir() if p.is_dir() and not is_hidden(p.name))
