"""Developments across the whole archive: where each appeared, and grouped for browsing.

A reader researching a topic wants every development by one authority, on
one tag or in one section, whatever issue it appeared in. This module
places each entry in its issue and section and groups the placed entries
into terms (one section, authority or tag), each listed newest first.
Pure: the model in, plain values out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from newsletter.model import Entry, Instrument, Issue, Newsletter, Section


@dataclass(frozen=True)
class Placed:
    """An entry with the issue and section it appeared in, and its number there."""

    entry: Entry
    issue: Issue
    section: Section
    number: int | None
    position: int
    """Its place in reading order across the archive (newest issue first)."""

    @property
    def previous(self) -> Entry | None:
        """The entry before this one in the same section of the same issue."""
        return self._neighbour(-1)

    @property
    def next(self) -> Entry | None:
        """The entry after this one in the same section of the same issue."""
        return self._neighbour(+1)

    def _neighbour(self, step: int) -> Entry | None:
        entries = [item.entry for item in self.section.items]
        index = entries.index(self.entry) + step
        return entries[index] if 0 <= index < len(entries) else None


@dataclass(frozen=True)
class Term:
    """One section, authority or tag with every development filed under it, newest first."""

    kind: str
    slug: str
    title: str
    placed: tuple[Placed, ...]

    @property
    def path(self) -> str:
        """Site path of the term's page: ``authorities/cbirc/``."""
        return f"{self.kind}/{self.slug}/"

    @property
    def feed_path(self) -> str:
        """Site path of the term's feed of developments."""
        return f"{self.path}feed.xml"


@dataclass(frozen=True)
class Taxonomy:
    """Every term of one kind (``sections``, ``authorities`` or ``tags``)."""

    kind: str
    title: str
    terms: tuple[Term, ...]

    @property
    def path(self) -> str:
        """Site path of the index page of the kind: ``authorities/``."""
        return f"{self.kind}/"


def placed_entries(newsletter: Newsletter) -> tuple[Placed, ...]:
    """Every entry of the archive with its place, in reading order, newest issue first."""
    placed = [
        (issue, section, item)
        for issue in newsletter.issues
        for section in issue.sections
        for item in section.items
    ]
    return tuple(
        Placed(item.entry, issue, section, item.number, position)
        for position, (issue, section, item) in enumerate(placed)
    )


def newest_first(placed: Iterable[Placed]) -> tuple[Placed, ...]:
    """Order by the development's date, then the issue's, newest first; ties in reading order."""
    return tuple(
        sorted(
            placed,
            key=lambda p: (
                -p.entry.date.sort_date.toordinal(), -p.issue.date.toordinal(), p.position
            ),
        )
    )


def taxonomies(newsletter: Newsletter) -> tuple[Taxonomy, ...]:
    """Sections (as configured), authorities and tags (as used), each with its developments."""
    placed = newest_first(placed_entries(newsletter))
    sections = tuple(
        Term("sections", section.id, section.title,
             tuple(p for p in placed if p.entry.section_id == section.id))
        for section in newsletter.config.sections
    )
    authorities = _group(
        "authorities", placed,
        lambda entry: [(a.slug, a.label) for a in entry.authorities],
    )
    tags = _group("tags", placed, lambda entry: [(tag, tag) for tag in entry.tags])
    return (
        Taxonomy("sections", "Sections", sections),
        Taxonomy("authorities", "Authorities", authorities),
        Taxonomy("tags", "Tags", tags),
    )


def _group(
    kind: str, placed: tuple[Placed, ...], terms_of: Callable[[Entry], list[tuple[str, str]]]
) -> tuple[Term, ...]:
    """Group placed entries by slug; a term's title is the one its newest entry uses."""
    titles: dict[str, str] = {}
    members: dict[str, list[Placed]] = {}
    for p in placed:
        for slug, title in dict(terms_of(p.entry)).items():
            titles.setdefault(slug, title)
            members.setdefault(slug, []).append(p)
    return tuple(
        Term(kind, slug, titles[slug], tuple(members[slug]))
        for slug in sorted(members, key=lambda slug: (titles[slug].casefold(), slug))
    )


@dataclass(frozen=True)
class Timeline:
    """An instrument and every development that concerns it, oldest first."""

    instrument: Instrument
    placed: tuple[Placed, ...]

    @property
    def path(self) -> str:
        """Site path of the instrument's page: ``instruments/pipl/``."""
        return f"instruments/{self.instrument.id}/"


def timelines(newsletter: Newsletter) -> tuple[Timeline, ...]:
    """Each registry instrument with the developments that name it, in date order."""
    placed = newest_first(placed_entries(newsletter))[::-1]
    return tuple(
        Timeline(instrument, tuple(p for p in placed if instrument in p.entry.instruments))
        for instrument in sorted(newsletter.config.registry.instruments, key=lambda i: i.name.casefold())
    )
