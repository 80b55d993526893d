"""Start a project, an issue or an entry from the starter files shipped in the package.

Nothing here ever overwrites a file: a new project needs an empty folder, a
new issue a new id, and a new entry gets a file name no other entry uses.
A new entry is a draft that ``newsletter check`` accepts as written: the
values asked for are checked before anything is written, and its text is
read back through the entry validation of ``check`` before it is saved.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml

from newsletter.content.entries import MOST_PER_ENTRY, PLACEHOLDER, VIEWS_PLACEHOLDER, read_entries
from newsletter.content.fields import SLUG, did_you_mean, xml_invalid_character
from newsletter.content.layout import ISSUE_FILE
from newsletter.content.loading import load_entry_file, load_settings
from newsletter.content.settings import read_config
from newsletter.content.slugs import FALLBACK_SLUG, slugify, unique_slug
from newsletter.content.urls import LINK_SCHEMES, url_problem
from newsletter.errors import AuthoringError, ContentError, Problem
from newsletter.model import MONTHS, STATUSES, Config, EntryDate, Registry
from newsletter.project import Project

SCAFFOLD = resources.files("newsletter") / "scaffold"
RENAMED = {"gitignore": ".gitignore"}
"""Starter files shipped under another name, because packaging tools skip dot-files."""
VIEWS = "views"
"""The section whose entries link to an article and need no text of their own (as in ``check``)."""


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


@dataclass(frozen=True)
class EntryRequest:
    """What ``newsletter new entry`` is asked to write, before any of it is checked."""

    issue_id: str
    section: str
    title: str
    date: EntryDate
    authorities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    url: str | None = None

    def cleaned(self) -> EntryRequest:
        """The same request with its values stripped and repeats dropped, in the order given."""
        def unique(values: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(value.strip() for value in values))

        return dataclasses.replace(
            self, section=self.section.strip(), title=self.title.strip(), authorities=unique(self.authorities),
            sources=unique(self.sources), tags=unique(self.tags),
            url=self.url.strip() if self.url is not None else None,
        )


def new_entry(project: Project, request: EntryRequest) -> Path:
    """Create ``content/<issue>/<slug>.md``, a draft that ``newsletter check`` accepts as written.

    Every value asked for is checked first, and the text made from them is
    then read back through the same validation as ``check``: any problem
    refuses the whole entry (AuthoringError), and nothing is written.
    """
    config = project_config(project)
    request = request.cleaned()
    refusals = _request_problems(project, request, config)
    if refusals:
        raise AuthoringError(_refusal_message(refusals))
    text = entry_text(request, config)
    refusals = _problems_in_text(text, request.issue_id, config)  # the title's problems, and any other left
    if refusals:
        raise AuthoringError(_refusal_message(refusals))
    issue_dir = project.content_dir / request.issue_id
    taken = {path.stem for path in issue_dir.iterdir()}
    path = issue_dir / f"{unique_slug(request.title, taken)}.md"
    _create(path, text)
    return path


def needs_body(section: str) -> bool:
    """Whether entries of ``section`` must have a text (all but the article links of 'views')."""
    return section != VIEWS


def project_config(project: Project) -> Config:
    """The project's validated settings (and registry); ContentError if they have errors."""
    config, problems = read_config(*load_settings(project.root, project.config_path))
    if config is None:
        raise ContentError(problems)
    return config


def _request_problems(project: Project, request: EntryRequest, config: Config) -> list[str]:
    """Why the values asked for cannot make an entry, each said in terms of the command's options."""
    problems = [*_issue_problems(project, request.issue_id), *_section_problems(request.section, config)]
    problems += _authority_problems(request.authorities, config.registry)
    problems += [problem for tag in request.tags if (problem := _tag_problem(tag))]
    urls = [("--source", url) for url in request.sources]
    urls += [("--url", request.url)] if request.url is not None else []
    problems += [f"{option}: {problem}" for option, url in urls if (problem := _url_problem(url))]
    if request.url is None and not needs_body(request.section):
        problems.append(f"entries in '{VIEWS}' link to an article: give its address with --url URL")
    for option, values, field in (("--authority", request.authorities, "authority"), ("--tag", request.tags, "tags")):
        if len(values) > MOST_PER_ENTRY[field]:
            problems.append(f"{len(values)} {option} values; an entry may name at most {MOST_PER_ENTRY[field]}")
    return problems


def _issue_problems(project: Project, issue_id: str) -> list[str]:
    if not SLUG.fullmatch(issue_id):
        return [f"'{issue_id}' is not a valid issue id: use lowercase letters, digits and hyphens, like 2026-12"]
    if not (project.content_dir / issue_id / ISSUE_FILE).is_file():
        known = ", ".join(existing_issues(project)) or "none yet"
        return [f"no issue '{issue_id}' (issues: {known}); start it with: newsletter new issue {issue_id}"]
    return []


def _section_problems(section: str, config: Config) -> list[str]:
    section_ids = [known.id for known in config.sections]
    if section in section_ids:
        return []
    return [f"unknown section '{section}'{did_you_mean(section, section_ids)} (sections: {', '.join(section_ids)})"]


def _authority_problems(authorities: tuple[str, ...], registry: Registry) -> list[str]:
    """Refuse authorities the settings do not list (``check`` would call them errors, or typos)."""
    keys = registry.authority_keys()
    if "" in authorities:
        return ["--authority is empty: name the authority"]
    if not registry.by_id and not keys:
        return []  # no list to compare with: ``check`` accepts any name, and so does this
    if registry.by_id:
        kind, listed = "authority id", f"authorities in the registry: {', '.join(keys) or 'none'}"
    else:
        kind, listed = "authority", f"authorities in newsletter.yaml: {', '.join(keys)}"
    return [
        f"unknown {kind} '{authority}'{did_you_mean(authority, keys)} ({listed})"
        for authority in authorities if authority not in keys
    ]


def _tag_problem(tag: str) -> str | None:
    if SLUG.fullmatch(tag):
        return None
    suggestion = slugify(tag)
    hint = f"; did you mean '{suggestion}'?" if suggestion != FALLBACK_SLUG else ""
    return f"--tag '{tag}' is not a valid tag: use lowercase letters, digits and hyphens{hint}"


def _url_problem(url: str) -> str | None:
    bad = xml_invalid_character(url)
    if bad:
        return f"URL '{url}' contains the control character {bad}"
    return url_problem(url, LINK_SCHEMES)


def _problems_in_text(text: str, issue_id: str, config: Config) -> list[str]:
    """The errors ``check`` would report in ``text`` (a title on two lines, a control character...)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "new-entry.md"
        path.write_text(text, encoding="utf-8")
        doc = load_entry_file(path, Path(folder))
    problems: list[Problem] = []
    read_entries([doc], config, issue_id, problems)
    return [problem.message for problem in problems if problem.severity == "error"]


def _refusal_message(refusals: list[str]) -> str:
    if len(refusals) == 1:
        return refusals[0]
    return f"{len(refusals)} problems, nothing was written:\n" + "\n".join(f"  - {r}" for r in refusals)


def entry_text(request: EntryRequest, config: Config) -> str:
    """The text of a new draft entry: the values asked for, the other fields as comments, a placeholder text."""
    registry = config.registry
    keys = registry.authority_keys()
    return _starter_text(
        "entry.md",
        title=_field("title", request.title),
        section=_field("section", request.section),
        date=f"date: {request.date.iso}",
        authority_help=("an authority id from the registry" if registry.by_id
                        else "a short name from 'authorities' in newsletter.yaml"),
        authority=(_field("authority", _one_or_list(request.authorities)) if request.authorities
                   else f"# authority: {keys[0] if keys else 'CAC'}"),
        sources=_sources_text(request.sources),
        tags=_field("tags", list(request.tags)) if request.tags else "# tags: [cross-border-data]",
        url=_field("url", request.url) if request.url is not None else "# url: https://",
        statuses=", ".join(STATUSES),
        example_instrument=registry.instruments[0].id if registry.instruments else "pipl",
        body=PLACEHOLDER if needs_body(request.section) else VIEWS_PLACEHOLDER,
    )


def source_title(url: str) -> str:
    """A stand-in title for a source until the editor writes one: its host, ``cac.gov.cn``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # a host urlsplit refuses, such as an unclosed '[' of IPv6
        return "Source"
    if parts.scheme.lower() == "mailto":
        return parts.path or "Source"
    with contextlib.suppress(UnicodeError):  # already Unicode, or not valid punycode: keep it as written
        host = host.encode("ascii").decode("idna")  # xn--fiqs8s -> 中国
    return host.removeprefix("www.") or "Source"


def _sources_text(urls: tuple[str, ...]) -> str:
    if not urls:
        return "# sources:\n#   - title: CAC notice (Chinese)\n#     url: https://"
    items = (
        f"  - {_field('title', source_title(url))}\n    {_field('url', url)}" for url in urls
    )
    return "sources:\n" + "\n".join(items)


def _one_or_list(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def _field(key: str, value: str | list[str]) -> str:
    """One ``key: value`` line of YAML that reads back as exactly ``value``, quoted where need be."""
    for style in (None, '"'):  # PyYAML's own choice, else double quotes, which escape everything
        if isinstance(value, list):  # a list in flow style, ``[a, b]``, which is valid after a key as it is
            text = f"{key}: " + _dump(value, default_flow_style=True, default_style=style)
        else:
            text = _dump({key: value}, default_flow_style=False, default_style=style)
        # With Unicode allowed, PyYAML may leave a NEL or a line separator raw inside quotes, which reads
        # back as a space: only a value that reads back unchanged is written.
        if yaml.safe_load(text) == {key: value}:
            break
    return text


def _dump(value: object, default_flow_style: bool, default_style: str | None) -> str:
    return yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=default_flow_style, default_style=default_style,
        sort_keys=False, width=math.inf,
    ).rstrip("\n")


def existing_issues(project: Project) -> list[str]:
    """Ids of the issue folders that have an ``issue.yaml``."""
    if not project.content_dir.is_dir():
        return []
    return sorted(p.name for p in project.content_dir.iterdir() if (p / ISSUE_FILE).is_file())


def _starter_text(name: str, **values: str) -> str:
    return Template((SCAFFOLD / "new" / name).read_text(encoding="utf-8")).substitute(values)


def _create(path: Path, text: str) -> None:
    """Write a new file; exclusive creation means an existing one is never replaced."""
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise AuthoringError(f"{path} already exists; it was left as it is") from None
