"""Lifecycle fields of an entry (status, deadlines, references) and their checks.

References between entries (``supersedes``, ``related``) are written
``<issue-id>/<slug>`` and must name an entry file that exists, whether or not
it is a draft; they are checked once every issue folder has been read.
"""

from __future__ import annotations

from collections.abc import Iterable

from newsletter.errors import Problem
from newsletter.fields import SLUG, Fields, did_you_mean
from newsletter.loading import ENTRY_SUFFIXES, RawDocument, RawIssue
from newsletter.model import STATUSES, EntryRef, Lifecycle

LIFECYCLE_FIELDS = (
    "status", "comment_deadline", "effective_date", "document_number", "supersedes", "related",
)
REFERENCE_FIELDS = ("supersedes", "related")


def read_lifecycle(fields: Fields) -> Lifecycle:
    """Read the optional lifecycle fields of one entry."""
    status = fields.text("status")
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
        document_number=fields.text("document_number"),
        supersedes=_references(fields, "supersedes"),
        related=_references(fields, "related"),
    )


def _references(fields: Fields, key: str) -> tuple[EntryRef, ...]:
    refs = []
    for index, text in enumerate(fields.text_list(key, one_allowed=True)):
        issue_id, _, slug = text.strip().partition("/")
        if SLUG.fullmatch(issue_id) and SLUG.fullmatch(slug):
            refs.append(EntryRef(issue_id, slug))
        else:
            fields.item_problem(
                key, index, f"'{text}' in '{key}' must be written <issue-id>/<slug>, like 2022-05/cac-draft-rules"
            )
    return tuple(refs)


def dangling_references(issues: Iterable[RawIssue]) -> list[Problem]:
    """Report references to entries that have no file, naming both files."""
    issues = list(issues)
    existing = {
        f"{issue.folder.rsplit('/', 1)[-1]}/{doc.path.rsplit('/', 1)[-1].rsplit('.', 1)[0]}"
        for issue in issues
        for doc in issue.entries
    }
    problems = []
    for doc in (doc for issue in issues for doc in issue.entries if doc.ok):
        for key in REFERENCE_FIELDS:
            problems.extend(_missing_targets(doc, key, existing))
    return problems


def _missing_targets(doc: RawDocument, key: str, existing: set[str]) -> list[Problem]:
    value = doc.data.get(key)
    texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    problems = []
    for index, text in enumerate(texts):
        if not isinstance(text, str) or "/" not in text or text.strip() in existing:
            continue
        expected = f"{doc.path.rsplit('/', 2)[0]}/{text.strip()}"
        suffixes = "|".join(s.lstrip(".") for s in ENTRY_SUFFIXES)
        keypath = (key, index) if isinstance(value, list) else (key,)
        problems.append(
            doc.problem(
                keypath,
                f"'{key}' refers to {text.strip()}, but there is no {expected}.{{{suffixes}}}"
                f"{did_you_mean(text.strip(), existing)}",
            )
        )
    return problems
