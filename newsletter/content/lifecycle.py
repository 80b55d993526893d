"""Lifecycle fields of an entry (status, deadlines, references) and their checks.

References between entries (``supersedes``, ``related``) are written
``<issue-id>/<slug>`` and must name an entry file that exists, whether or not
it is a draft; they are checked once every issue folder has been read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newsletter.content.fields import SLUG, Fields, did_you_mean
from newsletter.content.layout import ENTRY_SUFFIXES
from newsletter.content.loading import RawDocument, RawIssue
from newsletter.errors import Problem
from newsletter.model import STATUSES, EntryRef, Lifecycle

LIFECYCLE_FIELDS = (
    "status", "comment_deadline", "effective_date", "document_number", "supersedes", "related",
)
REFERENCE_FIELDS = ("supersedes", "related")
ALIASES = "aliases"
"""The field that lists a development's former addresses: ``old-slug`` or ``2022-05/old-slug``."""


def read_aliases(fields: Fields, issue_id: str, slug: str) -> tuple[EntryRef, ...]:
    """The former addresses of an entry, each of which gets a page that sends the reader on."""
    aliases: list[EntryRef] = []
    for index, text in fields.indexed_texts(ALIASES, one_allowed=True):
        alias = _alias(text, issue_id)
        if alias is None:
            fields.item_problem(ALIASES, index, f"'{text}' in '{ALIASES}' must be a former address written "
                                                "<slug> or <issue-id>/<slug>, like 2022-05/cac-draft-rules")
        elif alias == EntryRef(issue_id, slug):
            fields.item_problem(ALIASES, index, f"'{text}' is this development's own address, not a former one")
        elif alias not in aliases:
            aliases.append(alias)
    return tuple(aliases)


def _alias(text: str, issue_id: str) -> EntryRef | None:
    """``old-slug`` (in the entry's own issue) or ``2022-05/old-slug``; ``None`` if neither."""
    written = text.strip()
    if "/" not in written:
        written = f"{issue_id}/{written}"
    return EntryRef(*written.split("/", 1)) if _well_formed(written) else None


def read_lifecycle(fields: Fields) -> Lifecycle:
    """Read the optional lifecycle fields of one entry."""
    status = fields.line("status")
    if status is not None and status not in STATUSES:
        fields.error(
            "status",
            f"unknown status '{status}'{did_you_mean(status, STATUSES)} (statuses: {', '.join(STATUSES)})",
        )
        status = None
    return Lifecycle(
        status=status,
        comment_deadline=fields.date("comment_deadline", allow_month=True),
        effective_date=fields.date("effective_date", allow_month=True),
        document_number=fields.line("document_number"),
        supersedes=_references(fields, "supersedes"),
        related=_references(fields, "related"),
    )


def _references(fields: Fields, key: str) -> tuple[EntryRef, ...]:
    refs = []
    for index, text in fields.indexed_texts(key, one_allowed=True):
        if _well_formed(text):
            issue_id, _, slug = text.strip().partition("/")
            refs.append(EntryRef(issue_id, slug))
        else:
            fields.item_problem(
                key, index, f"'{text}' in '{key}' must be written <issue-id>/<slug>, like 2022-05/cac-draft-rules"
            )
    return tuple(refs)


@dataclass(frozen=True)
class Reference:
    """One ``supersedes``/``related`` value as written, and where it is written."""

    key: str
    text: str
    path: str
    line: int
    column: int


@dataclass(frozen=True)
class FolderReferences:
    """What one issue folder offers other folders and asks of them: its entry names, its references.

    A pure function of the folder's files, so it is kept in the build cache
    beside the folder's issue while references are checked across all folders.
    """

    names: tuple[str, ...]
    references: tuple[Reference, ...]


def folder_references(issue: RawIssue) -> FolderReferences:
    """The entry names (``<issue-id>/<slug>``) of ``issue``, the references its entries make, their aliases."""
    issue_id = issue.folder.rsplit("/", 1)[-1]
    names = tuple(f"{issue_id}/{doc.path.rsplit('/', 1)[-1].rsplit('.', 1)[0]}" for doc in issue.entries)
    references = tuple(
        reference for doc in issue.entries if doc.ok
        for key in (*REFERENCE_FIELDS, ALIASES) for reference in _written(doc, key, issue_id)
    )
    return FolderReferences(names, references)


def _written(doc: RawDocument, key: str, issue_id: str) -> list[Reference]:
    value = doc.data.get(key)
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    found = []
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            continue
        ref = _alias(text, issue_id) if key == ALIASES else (text.strip() if _well_formed(text) else None)
        if ref is not None:
            line, column = doc.at((key, index) if isinstance(value, list) else (key,))
            found.append(Reference(key, str(ref), doc.path, line, column))
    return found


def _well_formed(text: str) -> bool:
    issue_id, _, slug = text.strip().partition("/")
    return bool(SLUG.fullmatch(issue_id) and SLUG.fullmatch(slug))


def dangling(folders: Iterable[FolderReferences]) -> list[Problem]:
    """Report references to entries that no folder has, and former addresses that are taken, naming both files.

    A reference may name an entry by a former address (one of its aliases).
    """
    folders = list(folders)
    existing = {name for folder in folders for name in folder.names}
    aliases = [ref for folder in folders for ref in folder.references if ref.key == ALIASES]
    former = {ref.text for ref in aliases}
    suffixes = "|".join(s.lstrip(".") for s in ENTRY_SUFFIXES)
    problems = [
        Problem(
            ref.path, ref.line, ref.column,
            f"'{ref.key}' refers to {ref.text}, but there is no {ref.path.rsplit('/', 2)[0]}/{ref.text}.{{{suffixes}}}"
            f"{did_you_mean(ref.text, existing)}",
        )
        for folder in folders
        for ref in folder.references
        if ref.key != ALIASES and ref.text not in existing and ref.text not in former
    ]
    return problems + _taken(aliases, existing)


def _taken(aliases: list[Reference], existing: set[str]) -> list[Problem]:
    """Former addresses that are some development's current address, or claimed twice."""
    problems = []
    claimed: dict[str, Reference] = {}
    for ref in sorted(aliases, key=lambda ref: (ref.path, ref.line)):
        if ref.text in existing:
            problems.append(Problem(ref.path, ref.line, ref.column, f"{ref.text} is the address of a development "
                                    "now: a former address can only be one no development has"))
        elif ref.text in claimed:
            problems.append(Problem(ref.path, ref.line, ref.column, f"{ref.text} is also a former address of "
                                    f"{claimed[ref.text].path}: it can lead to one development only"))
        else:
            claimed[ref.text] = ref
    return problems
