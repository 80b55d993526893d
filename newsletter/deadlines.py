"""Deadlines: comment periods and effective dates, and which of them are still ahead.

Everything is relative to a given day, never to the clock: the archive's
"upcoming" list is as of ``--as-of`` (default: the newest issue's date), and
each issue's "Coming up" box is as of that issue's date and knows only what
had been published by then, so an old issue never changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from newsletter.model import Deadline, Entry, Issue

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
    return sorted(found, key=lambda d: (d.date.sort_date, d.kind, d.entry.title, d.entry.slug))


def ahead(deadlines: Iterable[Deadline], as_of: dt.date) -> list[Deadline]:
    """The deadlines that have not passed on ``as_of`` (a month-only date lasts all month)."""
    return [deadline for deadline in deadlines if deadline.last_day >= as_of]


def with_coming_up(issues: list[Issue]) -> list[Issue]:
    """Give each issue that shows a "Coming up" box the next deadlines known on its date."""
    published = {issue.id: issue.date for issue in issues}
    # Sorted once for the whole archive; each issue keeps the order when filtering.
    everything = deadlines_of(entry for issue in issues for entry in issue.entries)
    result = []
    for issue in issues:
        if not issue.show_coming_up:
            result.append(issue)
            continue
        known = [d for d in everything if published[d.entry.issue_id] <= issue.date]
        coming = ahead(known, issue.date)[:COMING_UP_LIMIT]
        result.append(dataclasses.replace(issue, coming_up=tuple(coming)))
    return result
