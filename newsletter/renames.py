"""``newsletter mv``: rename a development or move it to another issue, keeping its old address working.

The file is renamed (or moved to the other issue's folder), its old address
is added to its ``aliases:`` (so that a page there sends readers on and feeds
keep knowing it by its first address), and every ``supersedes`` or
``related`` reference to it in other files is rewritten. Files are edited as
text at the positions the loader recorded, so everything else in them, the
editor's comments included, stays as written. Nothing is changed unless all
of it can be.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from newsletter.content.fields import SLUG
from newsletter.content.layout import ENTRY_SUFFIXES, ISSUE_FILE, is_hidden, issue_folders
from newsletter.content.lifecycle import ALIASES, REFERENCE_FIELDS
from newsletter.content.loading import RawDocument, load_entry_file
from newsletter.errors import AuthoringError
from newsletter.model import EntryRef
from newsletter.project import Project

_FLOW_LIST = re.compile(r"\[(?P<items>[^\]]*)\](?P<rest>\s*(?:#.*)?)$")


@dataclass(frozen=True)
class Move:
    """What ``newsletter mv`` did: the file's old and new paths, and the files whose references it rewrote."""

    old_path: Path
    new_path: Path
    rewritten: tuple[Path, ...]
    translations: tuple[tuple[Path, Path], ...] = ()
    """Its translations, moved with it: old and new path."""
    unpublished: tuple[str, ...] = ()
    """The codes of the editions the new issue is not in (it has no ``issue.<code>.yaml``) but a translation is for."""


def parse_address(text: str, default_issue: str | None = None) -> EntryRef:
    """``2022-05/slug`` (or ``slug`` where a default issue is given) as a reference; AuthoringError if neither."""
    issue_id, _, slug = text.strip().rpartition("/")
    issue_id = issue_id or default_issue or ""
    if not (SLUG.fullmatch(issue_id) and SLUG.fullmatch(slug)):
        shape = "ISSUE/SLUG or SLUG" if default_issue else "ISSUE/SLUG"
        raise AuthoringError(f"'{text}' is not an address written {shape}, like 2022-05/cac-draft-rules")
    return EntryRef(issue_id, slug)


def move_entry(project: Project, old: EntryRef, new: EntryRef) -> Move:
    """Rename or move the development at ``old`` to ``new``, keeping ``old`` as an alias; see the module."""
    old_path = _entry_file(project, old)
    if old == new:
        raise AuthoringError(f"{old} is already where it is")
    new_folder = project.content_dir / new.issue_id
    if not (new_folder / ISSUE_FILE).is_file():
        raise AuthoringError(f"there is no issue {new.issue_id}: create it first with `newsletter new issue "
                             f"{new.issue_id}`")
    translations = {path: new_folder / f"{new.slug}{path.name[len(old.slug):]}"
                    for path in _translations_of(old_path, old.slug)}
    taken = [new_folder / f"{new.slug}{suffix}" for suffix in ENTRY_SUFFIXES] + list(translations.values())
    if any(path.exists() for path in taken):
        raise AuthoringError(f"{new} is taken: {next(p for p in taken if p.exists())} exists")
    doc = _loaded(old_path, project)
    if new in _aliases_of(doc, old.issue_id):
        raise AuthoringError(f"{new} is a former address of this development: remove it from its aliases first")
    edits = {old_path: _with_alias(old_path.read_text(encoding="utf-8"), doc, old)}
    for path in _entry_files(project):
        if path != old_path:
            text = _with_references_to(path, project, old, new)
            if text is not None:
                edits[path] = text
    new_path = new_folder / f"{new.slug}{old_path.suffix}"
    _write(new_path, edits.pop(old_path), _line_end(old_path))
    for path, text in edits.items():
        _write(path, text, _line_end(path))
    for path, moved in translations.items():  # a translation follows its original: it takes its facts from it
        os.replace(path, moved)
    old_path.unlink()
    codes = [moved.name.split(".")[-2] for moved in translations.values()]
    unpublished = tuple(code for code in codes if not (new_folder / f"issue.{code}.yaml").is_file())
    return Move(old_path, new_path, tuple(edits), tuple(translations.items()), unpublished)


def _translations_of(path: Path, slug: str) -> list[Path]:
    """The translations beside a development's file: ``<slug>.<code>.md`` and the like."""
    return sorted(
        other for other in path.parent.iterdir()
        if other.name.startswith(f"{slug}.") and other.suffix in ENTRY_SUFFIXES and other != path
        and other.name[len(slug) + 1:].count(".") == 1
    )


def _entry_file(project: Project, ref: EntryRef) -> Path:
    for suffix in ENTRY_SUFFIXES:
        path = project.content_dir / ref.issue_id / f"{ref.slug}{suffix}"
        if path.is_file():
            return path
    raise AuthoringError(f"there is no development {ref}: no {project.content_dir / ref.issue_id / ref.slug}"
                         f".{{{'|'.join(s.lstrip('.') for s in ENTRY_SUFFIXES)}}}")


def _entry_files(project: Project) -> list[Path]:
    return [path for folder in issue_folders(project.content_dir) for path in sorted(folder.iterdir())
            if path.suffix in ENTRY_SUFFIXES and path.name != ISSUE_FILE and path.is_file()
            and not is_hidden(path.name)]


def _loaded(path: Path, project: Project) -> RawDocument:
    doc = load_entry_file(path, project.root)
    if not doc.ok:
        raise AuthoringError(f"{path} has errors ({doc.problems[0]}); fix them before moving it")
    return doc


def _aliases_of(doc: RawDocument, issue_id: str) -> list[EntryRef]:
    value = doc.data.get(ALIASES)
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [ref for text in texts if isinstance(text, str) and (ref := _quietly(text, issue_id))]


def _quietly(text: str, issue_id: str) -> EntryRef | None:
    try:
        return parse_address(text, issue_id)
    except AuthoringError:
        return None


def _with_alias(text: str, doc: RawDocument, alias: EntryRef) -> str:
    """``text`` with ``alias`` added to its ``aliases:``, which is made if there is none."""
    lines = text.split("\n")
    written = f"{alias.issue_id}/{alias.slug}"
    value = doc.data.get(ALIASES)
    if value is None:
        at = 1 if doc.body is not None else 0  # just inside the front matter, or at the top of a YAML file
        lines.insert(at, f"{ALIASES}: [{written}]")
        return "\n".join(lines)
    if isinstance(value, list) and value and (ALIASES, len(value) - 1) in doc.values:
        last, column = doc.values[(ALIASES, len(value) - 1)]
        line = lines[last - 1]
        if line.lstrip().startswith("- "):  # a block list: one more item, indented alike
            lines.insert(last, line[: len(line) - len(line.lstrip())] + f"- {written}")
            return "\n".join(lines)
    line_number, column = doc.values[(ALIASES,)]
    line = lines[line_number - 1]
    head, rest = line[: column - 1], line[column - 1:]
    listed = _FLOW_LIST.match(rest)
    if listed:
        items = [item.strip() for item in listed["items"].split(",") if item.strip()]
        lines[line_number - 1] = f"{head}[{', '.join([*items, written])}]{listed['rest']}"
    else:  # a single former address, perhaps with a comment after it
        single, hash_, comment = rest.partition(" #")
        lines[line_number - 1] = f"{head}[{single.strip()}, {written}]" + (f"  #{comment}" if hash_ else "")
    return "\n".join(lines)


def _with_references_to(path: Path, project: Project, old: EntryRef, new: EntryRef) -> str | None:
    """The text of ``path`` with its references to ``old`` made references to ``new``; ``None`` if it has none."""
    doc = load_entry_file(path, project.root)
    if not doc.ok:
        return None
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    target, replacement = f"{old.issue_id}/{old.slug}", f"{new.issue_id}/{new.slug}"
    changed = False
    for key in REFERENCE_FIELDS:
        value = doc.data.get(key)
        places = [(key,)] if isinstance(value, str) else [(key, index) for index in range(len(value))] \
            if isinstance(value, list) else []
        for place in places:
            item = doc.data[key] if len(place) == 1 else doc.data[key][place[1]]
            if not isinstance(item, str) or item.strip() != target or place not in doc.values:
                continue
            line_number, column = doc.values[place]
            line = lines[line_number - 1]
            start = line.index(target, column - 1)
            lines[line_number - 1] = line[:start] + replacement + line[start + len(target):]
            changed = True
    return "\n".join(lines) if changed else None


def _line_end(path: Path) -> str:
    r"""The line ending the file at ``path`` uses: an editor on Windows keeps its ``\r\n``."""
    return "\r\n" if b"\r\n" in path.read_bytes() else "\n"


def _write(path: Path, text: str, line_end: str) -> None:
    """Write ``text`` to ``path`` whole, with ``line_end``: into a temporary file beside it, then renamed into place."""
    handle, temporary = tempfile.mkstemp(prefix=".mv-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline=line_end) as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
