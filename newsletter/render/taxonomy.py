"""Developments across the whole archive: where each appeared, and grouped for browsing.

A reader researching a topic wants every development by one authority, on
one tag or in one section, whatever issue it appeared in. This module
places each entry in its issue and section and groups the placed entries
into terms (one section, authority or tag), each listed newest first.
Pure: the model in, plain values out.

The values are deliberately slim (an issue is named by its heading, a term
page gets one page of its list): a page is rendered again only when what it
is given changes, so an edit re-renders only the pages that show it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from newsletter.model import Entry, Instrument, Newsletter, SectionConfig, published_at


@dataclass(frozen=True)
class IssueHeading:
    """Enough of an issue to name it and link to it."""

    id: str
    title: str
    date: dt.date
    draft: bool = False

    def published_at(self, timezone: str) -> dt.datetime:
        """When the issue was published (see :meth:`newsletter.model.Issue.published_at`)."""
        return published_at(self.date, timezone)

    @property
    def path(self) -> str:
        """Site path of the issue's web edition: ``issues/2022-05/``."""
        return f"issues/{self.id}/"


@dataclass(frozen=True)
class Placed:
    """An entry with the issue and section it appeared in, and its number there."""

    entry: Entry
    issue: IssueHeading
    section: SectionConfig
    number: int | None


@dataclass(frozen=True)
class Kind:
    """A way of browsing the archive: by ``sections``, ``authorities`` or ``tags``."""

    id: str
    title: str

    @property
    def path(self) -> str:
        """Site path of the index page of the kind: ``authorities/``."""
        return f"{self.id}/"


SECTIONS, AUTHORITIES, TAGS = Kind("sections", "Sections"), Kind("authorities", "Authorities"), Kind("tags", "Tags")
KINDS = (SECTIONS, AUTHORITIES, TAGS)


@dataclass(frozen=True)
class Term:
    """One section, authority or tag, and how many developments are filed under it."""

    kind: Kind
    slug: str
    title: str
    count: int

    @property
    def path(self) -> str:
        """Site path of the term's (first) page: ``authorities/cbirc/``."""
        return f"{self.kind.id}/{self.slug}/"

    @property
    def feed_path(self) -> str:
        """Site path of the term's feed of developments."""
        return f"{self.path}feed.xml"


@dataclass(frozen=True)
class Listing:
    """A term with every development filed under it, newest first."""

    term: Term
    placed: tuple[Placed, ...]


@dataclass(frozen=True)
class Taxonomy:
    """Every term of one kind, for the kind's index page."""

    kind: Kind
    terms: tuple[Term, ...]


@dataclass(frozen=True)
class Pagination:
    """Where one page of a term's list sits among the term's pages."""

    term_path: str
    number: int
    count: int

    @property
    def path(self) -> str:
        """``tags/pipl/`` for the first page, ``tags/pipl/page/2/`` for the others."""
        return self._path(self.number)

    @property
    def previous_path(self) -> str | None:
        """The page of newer developments, if any."""
        return self._path(self.number - 1) if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        """The page of older developments, if any."""
        return self._path(self.number + 1) if self.number < self.count else None

    def _path(self, number: int) -> str:
        return self.term_path if number == 1 else f"{self.term_path}page/{number}/"


@dataclass(frozen=True)
class Timeline:
    """An instrument and every development that concerns it, oldest first."""

    instrument: Instrument
    placed: tuple[Placed, ...]
    superseded_by: tuple[tuple[Entry, ...], ...] = ()
    """For each of ``placed``, the entries that supersede it (its deadlines no longer stand)."""

    @property
    def path(self) -> str:
        """Site path of the instrument's page: ``instruments/pipl/``."""
        return f"instruments/{self.instrument.id}/"


def _timeline(newsletter: Newsletter, instrument: Instrument, placed: tuple[Placed, ...]) -> Timeline:
    later = tuple(tuple(newsletter.superseded_by(p.entry)) for p in placed)
    return Timeline(instrument, placed, later)


@dataclass(frozen=True)
class Browsing:
    """The archive arranged for browsing: computed once per build, shared by pages and feeds."""

    placed: tuple[Placed, ...]
    """Every entry in reading order, newest issue first."""
    listings: tuple[Listing, ...]
    timelines: tuple[Timeline, ...]

    @classmethod
    def of(cls, newsletter: Newsletter) -> Browsing:
        """Place every entry, then group them by section, authority, tag and instrument."""
        placed = placed_entries(newsletter)
        newest = newest_first(placed)
        language = newsletter.config.language
        listings = (
            *_sections(newsletter.config.sections, newest),
            *_group(AUTHORITIES, newest, lambda entry: [(a.slug, a.label_in(language)) for a in entry.authorities]),
            *_group(TAGS, newest, lambda entry: [(tag, tag) for tag in entry.tags]),
        )
        oldest = newest[::-1]
        timelines = tuple(
            _timeline(newsletter, instrument, tuple(p for p in oldest if instrument in p.entry.instruments))
            for instrument in sorted(newsletter.config.registry.instruments, key=lambda i: i.name.casefold())
        )
        return cls(placed, listings, timelines)

    @cached_property
    def taxonomies(self) -> tuple[Taxonomy, ...]:
        """Each kind with its terms and their counts (one value, so that it is fingerprinted once)."""
        return tuple(
            Taxonomy(kind, tuple(listing.term for listing in self.listings_of(kind))) for kind in KINDS
        )

    def listings_of(self, kind: Kind) -> tuple[Listing, ...]:
        """The listings of every term of ``kind``."""
        return tuple(listing for listing in self.listings if listing.term.kind == kind)


def placed_entries(newsletter: Newsletter) -> tuple[Placed, ...]:
    """Every entry of the archive with its place, in reading order, newest issue first."""
    sections = {section.id: section for section in newsletter.config.sections}
    placed = []
    for issue in newsletter.issues:
        heading = IssueHeading(issue.id, issue.title, issue.date, issue.draft)
        for section in issue.sections:
            placed += [Placed(item.entry, heading, sections[section.id], item.number) for item in section.items]
    return tuple(placed)


def newest_first(placed: Iterable[Placed]) -> tuple[Placed, ...]:
    """Order by the development's date, then the issue's, newest first; ties in reading order."""
    ordered = sorted(
        enumerate(placed),
        key=lambda pair: (
            -pair[1].entry.date.sort_date.toordinal(), -pair[1].issue.date.toordinal(), pair[0]
        ),
    )
    return tuple(p for _, p in ordered)


def pages(listing: Listing, size: int) -> Iterable[tuple[Pagination, tuple[Placed, ...]]]:
    """The pages of ``size`` developments of a term's list; a term with none has one empty page."""
    count = max(1, math.ceil(len(listing.placed) / size))
    for number in range(1, count + 1):
        start = (number - 1) * size
        yield Pagination(listing.term.path, number, count), listing.placed[start:start + size]


def _sections(sections: tuple[SectionConfig, ...], placed: tuple[Placed, ...]) -> list[Listing]:
    """Every configured section, in configured order, even those with no development yet."""
    members: dict[str, list[Placed]] = {section.id: [] for section in sections}
    for p in placed:
        members[p.section.id].append(p)
    return [
        Listing(Term(SECTIONS, section.id, section.title, len(members[section.id])), tuple(members[section.id]))
        for section in sections
    ]


def _group(
    kind: Kind, placed: tuple[Placed, ...], terms_of: Callable[[Entry], list[tuple[str, str]]]
) -> list[Listing]:
    """Group placed entries by slug; a term's title is the one its newest entry uses."""
    titles: dict[str, str] = {}
    members: dict[str, list[Placed]] = {}
    for p in placed:
        for slug, title in dict(terms_of(p.entry)).items():
            titles.setdefault(slug, title)
            members.setdefault(slug, []).append(p)
    return [
        Listing(Term(kind, slug, titles[slug], len(members[slug])), tuple(members[slug]))
        for slug in sorted(members, key=lambda slug: (titles[slug].casefold(), slug))
    ]
