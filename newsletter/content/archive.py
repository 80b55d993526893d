"""Validated issues -> the whole archive: what spans issues, in one place.

Pure: no file access. Issues come validated one by one (or from the build
cache); everything here reads every issue, so it runs on each build:
references between entries are checked, issues put newest first, and
deadlines (comment periods and effective dates) collected.

Deadlines are relative to a given day, never to the clock: the archive's
"upcoming" list is as of ``--as-of`` (default: the newest issue's date), and
each issue's "Coming up" box is as of that issue's date and knows only what
had been published by then, so an old issue never changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from newsletter.content.issues import IssueResult, without_draft_entries
from newsletter.content.lifecycle import FolderReferences, dangling
from newsletter.content.translations import edition_config, issues_in_edition
from newsletter.errors import Problem, errors_in
from newsletter.model import Config, Deadline, Entry, Issue, Newsletter, newest_first, soonest_first
from newsletter.options import Options

COMING_UP_LIMIT = 5
"""How many deadlines an issue's "Coming up" box shows."""


def deadlines_of(entries: Iterable[Entry]) -> list[Deadline]:
    """Every comment deadline and effective date of ``entries``, soonest first."""
    found = [
        Deadline(date, kind, entry)
        for entry in entries
        for kind, date in (
            ("comment_deadline", entry.lifecycle.comment_deadline),
            ("effective_date", entry.lifecycle.effective_date),
        )
        if date is not None
    ]
    return soonest_first(found)


def ahead(deadlines: Iterable[Deadline], as_of: dt.date) -> list[Deadline]:
    """The deadlines that have not passed on ``as_of`` (a month-only date lasts all month)."""
    return [deadline for deadline in deadlines if deadline.last_day >= as_of]


def with_coming_up(archive: Newsletter) -> list[Issue]:
    """Give each issue that shows a "Coming up" box the next deadlines known on its date.

    Known on its date: the entry was published by then, and no entry that
    supersedes it had been (a final standard ends its draft's comment period).
    """
    # Sorted once for the whole archive; each issue keeps the order when filtering.
    everything = deadlines_of(entry for issue in archive.issues for entry in issue.entries)
    result = []
    for issue in archive.issues:
        if not issue.show_coming_up:
            result.append(issue)
            continue
        known = [d for d in everything if archive.issue_of(d.entry).date <= issue.date
                 and not _superseded_by(archive, d.entry, issue.date)]
        coming = ahead(known, issue.date)[:COMING_UP_LIMIT]
        result.append(dataclasses.replace(issue, coming_up=tuple(coming)))
    return result


def _superseded_by(archive: Newsletter, entry: Entry, day: dt.date) -> bool:
    """Whether an entry published by ``day`` supersedes ``entry``."""
    return any(archive.issue_of(later).date <= day for later in archive.superseded_by(entry))


def collect(
    config: Config,
    results: Sequence[IssueResult],
    references: Iterable[FolderReferences],
    problems: list[Problem],
    options: Options,
) -> tuple[Newsletter | None, list[Problem]]:
    """Check what spans issues and put the archive together; ``None`` if any problem is an error.

    Everything here reads every issue, so it runs on each build, after the
    issues themselves are validated (or found in the build cache).
    """
    problems = problems + [problem for _, found in results for problem in found] + dangling(references)
    if errors_in(problems):
        return None, sorted(problems)
    issues = [issue for issue, _ in results if issue]
    problems += filed_twice(issues)
    newsletter = _with_editions(config, issues, options.as_of)
    if options.drafts:  # the same archive as a build without drafts makes, for what is published from it
        published = [without_draft_entries(issue) for issue in issues if not issue.draft]
        newsletter = dataclasses.replace(newsletter, without_drafts=_with_editions(config, published, options.as_of))
    return newsletter, sorted(problems)


def _with_editions(config: Config, issues: Sequence[Issue], as_of: dt.date | None) -> Newsletter:
    """The archive of ``issues``, and of their translations each other language's edition."""
    archive = _assembled(config, issues, as_of)
    # As of the same day as the archive: an edition's newest issue may be older than the archive's.
    editions = tuple(_assembled(edition_config(config, edition), issues_in_edition(issues, edition), archive.as_of)
                     for edition in config.editions)
    return dataclasses.replace(archive, editions=editions)


def filed_twice(issues: Iterable[Issue]) -> list[Problem]:
    """Warn where one development seems filed in two issues: the same source, or the same title.

    Within one issue a source cited twice is warned about when the issue is read.
    """
    problems = []
    first: dict[tuple[str, str], Entry] = {}
    for entry in sorted((entry for issue in issues for entry in issue.entries), key=lambda e: e.source_path):
        seen = [("source", source.url) for source in entry.sources] + [("title", entry.title.casefold())]
        for key in seen:
            earlier = first.setdefault(key, entry)
            if earlier is not entry and earlier.issue_id != entry.issue_id and not _linked(earlier, entry):
                what = f"source {key[1]}" if key[0] == "source" else "title"
                problems.append(Problem(entry.source_path, 1, 1, f"the same {what} is filed in issue "
                                        f"{earlier.issue_id} ({earlier.source_path}): is this the same development "
                                        "filed twice?", "warning"))
                break
    return problems


def _linked(first: Entry, second: Entry) -> bool:
    """Whether one entry says it supersedes or relates to the other: a follow-up, not a duplicate."""
    return any(a.ref in (*b.lifecycle.supersedes, *b.lifecycle.related, *b.aliases)
               for a, b in ((first, second), (second, first)))


def _assembled(config: Config, issues: Iterable[Issue], as_of: dt.date | None) -> Newsletter:
    """The archive of ``issues``: newest first, with their Coming up boxes, deadlines and upcoming list."""
    archive = Newsletter(config, tuple(newest_first(issues)))
    dated = with_coming_up(archive)
    # The archive's deadlines (the upcoming page, the calendars) leave out every superseded entry's.
    deadlines = [d for d in deadlines_of(archive.entries) if not archive.superseded_by(d.entry)]
    as_of = as_of or (dated[0].date if dated else None)
    upcoming = ahead(deadlines, as_of) if as_of else []
    return Newsletter(config, tuple(dated), as_of, tuple(upcoming), tuple(deadlines))
