"""Start a project, an issue or an entry from the starter files shipped in the package.

Nothing here ever overwrites a file: a new project needs an empty folder, a
new issue a new id, and a new entry gets a file name no other entry uses.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from importlib import resources
from pathlib import Path
from string import Template

import yaml

from newsletter.content.fields import SLUG, did_you_mean
from newsletter.content.layout import ISSUE_FILE, REGISTRY_FILE
from newsletter.content.loading import load_yaml_file
from newsletter.content.settings import read_config
from newsletter.content.slugs import unique_slug
from newsletter.errors import AuthoringError, ContentError
from newsletter.model import MONTHS, EntryDate
from newsletter.project import Project

SCAFFOLD = resources.files("newsletter") / "scaffold"
RENAMED = {"gitignore": ".gitignore"}
"""Starter files shipped under another name, because packaging tools skip dot-files."""


def init_project(target: Path) -> list[Path]:
    """Copy the starter project into ``target``, which must be empty or not exist yet."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AuthoringError(
            f"{target} is not an empty folder; choose a new folder name for the newsletter"
        )
    starter = Path(str(SCAFFOLD / "project"))
    written = []
    for source in sorted(starter.rglob("*")):
        if source.is_file():
            relative = source.relative_to(starter)
            destination = target / relative.with_name(RENAMED.get(relative.name, relative.name))
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
            written.append(destination)
    return written


def month_id(date: dt.date) -> str:
    """The usual id of the issue of ``date``'s month: ``2026-12``."""
    return f"{date.year:04d}-{date.month:02d}"


def new_issue(project: Project, issue_id: str, date: dt.date) -> Path:
    """Create ``content/<issue_id>/issue.yaml`` dated ``date``."""
    if not SLUG.fullmatch(issue_id):
        raise AuthoringError(
            f"'{issue_id}' is not a valid issue id: use lowercase letters, digits and "
            "hyphens, like 2026-12"
        )
    path = project.content_dir / issue_id / ISSUE_FILE
    text = _starter_text(
        "issue.yaml", issue_id=issue_id, date=date.isoformat(),
        month_title=f"{MONTHS[date.month - 1]} {date.year}",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    _create(path, text)
    return path


def new_entry(project: Project, issue_id: str, section: str, title: str, date: EntryDate) -> Path:
    """Create ``content/<issue_id>/<slug>.md`` for a development titled ``title``."""
    section_ids = configured_sections(project)
    if section not in section_ids:
        raise AuthoringError(
            f"unknown section '{section}'{did_you_mean(section, section_ids)} "
            f"(sections: {', '.join(section_ids)})"
        )
    issue_dir = project.content_dir / issue_id
    if not (issue_dir / ISSUE_FILE).is_file():
        known = ", ".join(existing_issues(project)) or "none yet"
        raise AuthoringError(
            f"no issue '{issue_id}' (issues: {known}); "
            f"start it with: newsletter new issue {issue_id}"
        )
    text = _starter_text("entry.md", title=_yaml_text(title.strip()), section=section, date=date.iso)
    taken = {path.stem for path in issue_dir.iterdir()}
    path = issue_dir / f"{unique_slug(title, taken)}.md"
    _create(path, text)
    return path


def configured_sections(project: Project) -> list[str]:
    """The section ids in ``newsletter.yaml``; ContentError if the settings have errors."""
    registry_path = project.root / REGISTRY_FILE
    registry = load_yaml_file(registry_path, project.root) if registry_path.is_file() else None
    config, problems = read_config(load_yaml_file(project.config_path, project.root), registry)
    if config is None:
        raise ContentError(problems)
    return [section.id for section in config.sections]


def existing_issues(project: Project) -> list[str]:
    """Ids of the issue folders that have an ``issue.yaml``."""
    if not project.content_dir.is_dir():
        return []
    return sorted(p.name for p in project.content_dir.iterdir() if (p / ISSUE_FILE).is_file())


def _starter_text(name: str, **values: str) -> str:
    return Template((SCAFFOLD / "new" / name).read_text(encoding="utf-8")).substitute(values)


def _yaml_text(value: str) -> str:
    """``value`` as a double-quoted YAML scalar: safe whatever quotes or colons it holds."""
    return yaml.safe_dump(value, allow_unicode=True, default_style='"', width=math.inf).rstrip("\n")


def _create(path: Path, text: str) -> None:
    """Write a new file; exclusive creation means an existing one is never replaced."""
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise AuthoringError(f"{path} already exists; it was left as it is") from None
