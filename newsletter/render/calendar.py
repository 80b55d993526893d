"""iCalendar files of deadlines: ``calendar.ics`` and one per authority.

One all-day event per comment deadline and effective date; a month-only
date becomes an event spanning that month. UIDs derive from the entry and
the kind of date, and DTSTAMP from the issue's date, so rebuilding gives the
same bytes and calendar apps update events in place. Their words and dates
are in the newsletter's language (see :mod:`newsletter.content.i18n`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

import icalendar

from newsletter import __version__
from newsletter.content.i18n import date_text, translations
from newsletter.model import Config, Deadline, Newsletter
from newsletter.render.jobs import Files


def render_calendars(newsletter: Newsletter) -> Files:
    """Render ``calendar.ics`` and ``authorities/<slug>/calendar.ics`` where there are events."""
    files: Files = {}
    deadlines = newsletter.deadlines
    if deadlines:
        files["calendar.ics"] = calendar(newsletter, newsletter.config.title, deadlines)
    by_authority: dict[str, list[Deadline]] = {}
    names: dict[str, str] = {}
    for deadline in deadlines:
        for authority in deadline.entry.authorities:
            by_authority.setdefault(authority.slug, []).append(deadline)
            names[authority.slug] = authority.name
    for slug, own in sorted(by_authority.items()):
        title = f"{newsletter.config.title}: {names[slug]}"
        files[f"authorities/{slug}/calendar.ics"] = calendar(newsletter, title, own)
    return files


def calendar(newsletter: Newsletter, title: str, deadlines: Iterable[Deadline]) -> bytes:
    """One calendar with an event per deadline."""
    config = newsletter.config
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//newsletter {__version__}//{config.title}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    host = urlsplit(config.base_url).hostname or "localhost"
    words = translations(config.language).gettext
    for deadline in deadlines:
        published = newsletter.issue_of(deadline.entry).date
        cal.add_component(_event(deadline, config, host, published, words))
    cal.validate()  # type: ignore[no-untyped-call]
    ical: bytes = cal.to_ical()
    return ical


def _event(
    deadline: Deadline, config: Config, host: str, published: dt.date, words: Callable[[str], str]
) -> icalendar.Event:
    entry, base_url, label = deadline.entry, config.base_url, words(deadline.label)
    event = icalendar.Event()
    # Each edition's events are its own: a reader subscribed to two calendars sees both, not one.
    edition = f"-{config.edition}" if config.edition else ""
    event.add("uid", f"{entry.issue_id}-{entry.slug}-{deadline.kind.replace('_', '-')}{edition}@{host}")
    event.add("dtstamp", dt.datetime.combine(published, dt.time(0, 0), tzinfo=dt.UTC))
    event.add("dtstart", deadline.date.sort_date)
    event.add("dtend", deadline.last_day + dt.timedelta(days=1))
    event.add("summary", words("%(label)s: %(title)s") % {"label": label, "title": entry.title})
    month = date_text(deadline.date, config.language)
    when = "" if deadline.date.day else words(" (expected in %(month)s; the exact day is not known)") % {"month": month}
    event.add("description", f"{label}{when}. {base_url}{entry.permalink}")
    event.add("url", f"{base_url}{entry.permalink}")
    event.add("transp", "TRANSPARENT")
    return event
