"""The newsletter as plain, frozen values: no I/O, no templates.

``Config`` describes the project; ``Entry`` is one development; ``Issue``
groups entries into ordered, numbered ``Section`` values; ``Newsletter`` is
the whole archive, newest issue first. URLs are paths relative to the site
root (``issues/2022-05/``); renderers make them absolute where needed.

Dates come in one pair: an issue is published on a ``datetime.date`` (its
moment is :meth:`Issue.published_at`), and a development happened on an
:class:`EntryDate`, known to the day or only to the month. Both are written
out by :func:`format_date` alone, and ordered by the functions at the end of
this module alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

_NOT_SLUG = re.compile(r"[\W_]+")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

PUBLISHING_TIME = dt.time(8, 0)
"""The local time an issue, and every development in it, counts as published (email and feeds)."""

def format_date(year: int, month: int, day: int | None) -> str:
    """``12 May 2022``, or ``May 2022`` without a day: the one way dates are written, on pages and in emails."""
    month_year = f"{MONTHS[month - 1]} {year}"
    return month_year if day is None else f"{day} {month_year}"


def is_chinese(language: str) -> bool:
    """Whether ``language`` (a BCP 47 tag) is Chinese, whose readers know authorities by their Chinese names."""
    return language.split("-")[0].lower() == "zh"


def published_at(date: dt.date, timezone: str) -> dt.datetime:
    """The moment an issue of ``date`` counts as published: ``PUBLISHING_TIME`` in ``timezone``."""
    return dt.datetime.combine(date, PUBLISHING_TIME, tzinfo=ZoneInfo(timezone))


def long_date(date: dt.date) -> str:
    """``8 June 2022``."""
    return format_date(date.year, date.month, date.day)


def month_year(date: dt.date) -> str:
    """``June 2022``."""
    return format_date(date.year, date.month, None)


@functools.total_ordering
@dataclass(frozen=True)
class EntryDate:
    """A date known to the day, or only to the month (``day`` is ``None``).

    Ordered as listings order it: by its first day, a month before its days.
    """

    year: int
    month: int
    day: int | None = None

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, EntryDate):
            return NotImplemented
        return (self.sort_date, self.day is not None) < (other.sort_date, other.day is not None)

    @property
    def sort_date(self) -> dt.date:
        """The first day of the period: month-only dates sort before the month's days."""
        return dt.date(self.year, self.month, self.day or 1)

    @property
    def iso(self) -> str:
        """``2022-05-12`` or ``2022-05``."""
        base = f"{self.year:04d}-{self.month:02d}"
        return base if self.day is None else f"{base}-{self.day:02d}"

    @property
    def display(self) -> str:
        """``12 May 2022`` or ``May 2022``."""
        return format_date(self.year, self.month, self.day)



@dataclass(frozen=True)
class SectionConfig:
    """A configured section: its id in entries, heading, and whether items are numbered."""

    id: str
    title: str
    numbered: bool = True


DEFAULT_SECTIONS = (
    SectionConfig("views", "Our Views", numbered=False),
    SectionConfig("regulatory", "Regulatory Developments"),
    SectionConfig("enforcement", "Enforcement Developments"),
    SectionConfig("industry", "Industry Developments"),
)


@dataclass(frozen=True)
class EmailConfig:
    """Headers and links of the email edition."""

    from_address: str | None = None
    reply_to: str | None = None
    unsubscribe_url: str | None = None


@dataclass(frozen=True)
class Author:
    """A writer of developments: from the ``authors`` map in ``newsletter.yaml`` (with an ``id``), or as written."""

    name: str
    id: str = ""
    title: str | None = None
    email: str | None = None
    url: str | None = None
    name_zh: str | None = None

    def name_in(self, language: str) -> str:
        """The name readers of ``language`` know: the Chinese one on a Chinese site, where there is one."""
        return self.name_zh if self.name_zh and is_chinese(language) else self.name


@dataclass(frozen=True)
class Edition:
    """Another language's edition of the newsletter, from ``languages:`` in ``newsletter.yaml``.

    Its pages mirror the newsletter's under ``<code>/``; its issues are those
    with an ``issue.<code>.yaml``, its developments the ``<slug>.<code>.md``
    beside each original (or the original itself, marked, where there is none).
    """

    code: str
    """The edition's folder on the site and the suffix of its files: ``zh``."""
    language: str
    """Its BCP 47 tag: ``zh-Hans``."""
    name: str
    """The language's own name for itself, for the language switcher: ``中文``."""
    title: str
    description: str
    sections: tuple[SectionConfig, ...]
    email: EmailConfig
    footer_html: str = ""


@dataclass(frozen=True)
class Config:
    """``newsletter.yaml``, validated."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    email: EmailConfig = field(default_factory=EmailConfig)
    sections: tuple[SectionConfig, ...] = DEFAULT_SECTIONS
    registry: Registry = field(default_factory=lambda: Registry())
    feed_limit: int = 50
    page_size: int = 50
    footer_html: str = ""
    """The editor's footer (a disclaimer, an address), on every page and in both parts of every email."""
    logo: str | None = None
    """An absolute https URL, or the site path of a file under ``assets/``."""
    authors: tuple[Author, ...] = ()
    """The ``authors`` map: with it, entries name their authors by id; without it, by name as written."""
    editions: tuple[Edition, ...] = ()
    """The other languages' editions (``languages:``); every edition's settings list them all."""
    edition: str = ""
    """Which edition these settings are of: an edition's code, ``""`` for the newsletter's own language."""
    language_name: str = "English"
    """The newsletter's own language's name for itself, for the language switcher."""
    bylines: tuple[str, ...] = ("pages",)
    """Where developments name their authors: ``pages`` (their own pages), ``issue`` (the issue's page), ``email``."""

    @property
    def logo_url(self) -> str | None:
        """The logo's absolute URL, as the email needs it."""
        if self.logo is None or "://" in self.logo:
            return self.logo
        return self.base_url + self.logo


@dataclass(frozen=True)
class Instrument:
    """A law, regulation or standard that entries can refer to by id."""

    id: str
    name: str
    name_zh: str | None = None
    abbreviation: str | None = None
    url: str | None = None
    kind: str | None = None

    @property
    def short(self) -> str:
        """The abbreviation where there is one, else the English name."""
        return self.abbreviation or self.name

    def short_in(self, language: str) -> str:
        """As a line of ``language`` names it: in Chinese by its Chinese name, where the registry gives one."""
        return f"《{self.name_zh}》" if self.name_zh and is_chinese(language) else self.short


@dataclass(frozen=True)
class Registry:
    """Authorities and instruments known to the newsletter.

    With ``by_id`` (a ``registry.yaml``) entries name authorities by registry id
    and an unknown id is an error; otherwise (the flat ``authorities`` map)
    they use short names and an unknown one is only a warning.
    """

    authorities: tuple[Authority, ...] = ()
    instruments: tuple[Instrument, ...] = ()
    by_id: bool = False

    def authority(self, reference: str) -> Authority | None:
        """The authority an entry's ``authority`` value names, if known; case does not matter (``CAC``, ``cac``)."""
        wanted = reference.casefold()
        for authority in self.authorities:
            if wanted == (authority.id if self.by_id else authority.short).casefold():
                return authority
        return None

    def authority_keys(self) -> list[str]:
        """What entries may write in ``authority``."""
        return [a.id if self.by_id else a.short for a in self.authorities]

    def instrument(self, instrument_id: str) -> Instrument | None:
        """The instrument with this id, if known."""
        return next((i for i in self.instruments if i.id == instrument_id), None)


@dataclass(frozen=True)
class Source:
    """A link to the primary document behind a development."""

    title: str
    url: str


@dataclass(frozen=True)
class Authority:
    """An issuing body: its short name (abbreviation) and full English name.

    From a registry it also has a stable ``id``, a Chinese name, an official
    URL and a jurisdiction; from the flat ``authorities`` map, only the names.
    """

    short: str
    name: str
    id: str = ""
    name_zh: str | None = None
    url: str | None = None
    jurisdiction: str | None = None

    @property
    def label(self) -> str:
        """``China Banking ... Commission (CBIRC)``, or just ``CBIRC`` if not configured."""
        return self.short if self.name == self.short else f"{self.name} ({self.short})"

    def label_in(self, language: str) -> str:
        """The label readers of ``language`` know: ``国家互联网信息办公室（CAC）`` in Chinese, where there is one."""
        if self.name_zh and is_chinese(language):
            return f"{self.name_zh}（{self.short}）"
        return self.label

    @property
    def slug(self) -> str:
        """The authority's folder name under ``authorities/``: ``CBIRC`` -> ``cbirc``.

        The registry id where there is one; otherwise derived from the short
        name alone, so renaming the full name keeps every link and feed address.
        """
        if self.id:
            return self.id
        slug = _NOT_SLUG.sub("-", self.short.lower()).strip("-")
        # A short name of punctuation only still needs a stable, distinct folder.
        return slug or "authority-" + hashlib.sha256(self.short.encode()).hexdigest()[:8]


STATUSES = {
    "draft-for-comment": "Draft for comment",
    "issued": "Issued",
    "in-force": "In force",
    "amended": "Amended",
    "repealed": "Repealed",
    "enforcement-action": "Enforcement action",
    "judgment": "Judgment",
    "other": "Other",
}
"""Lifecycle status ids an entry may carry, with their labels."""


@dataclass(frozen=True, order=True)
class EntryRef:
    """A reference from one entry to another: ``2022-05/cac-draft-rules``."""

    issue_id: str
    slug: str

    def __str__(self) -> str:
        return f"{self.issue_id}/{self.slug}"


@dataclass(frozen=True)
class Lifecycle:
    """Where a rule stands: status, key dates, document number, links to other entries."""

    status: str | None = None
    comment_deadline: EntryDate | None = None
    effective_date: EntryDate | None = None
    document_number: str | None = None
    supersedes: tuple[EntryRef, ...] = ()
    related: tuple[EntryRef, ...] = ()

    @property
    def status_label(self) -> str | None:
        """``Draft for comment`` for ``draft-for-comment``; none for ``other``, which says nothing to a reader."""
        return STATUSES[self.status] if self.status and self.status != "other" else None



@dataclass(frozen=True)
class Entry:
    """One development, validated, with its Markdown already rendered to safe HTML."""

    issue_id: str
    slug: str
    source_path: str
    title: str
    section_id: str
    date: EntryDate
    body_html: str
    authorities: tuple[Authority, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    url: str | None = None
    highlight_html: str | None = None
    order: int | None = None
    draft: bool = False
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    instruments: tuple[Instrument, ...] = ()
    summary: str = ""
    """The start of its text (or of its highlight, if it has no body) for lists and feeds; may be empty."""
    search_words: str = ""
    """Every word of its title, text, highlight and sources once, space-separated: what search matches."""
    aliases: tuple[EntryRef, ...] = ()
    """Its former addresses, first the first: each gets a page that sends the reader on."""
    authors: tuple[Author, ...] = ()
    """Who wrote it, in the order of its byline."""
    language: str = ""
    """In another language's edition, the language an untranslated development is shown in; else empty."""

    @property
    def ref(self) -> EntryRef:
        """How other entries refer to this one."""
        return EntryRef(self.issue_id, self.slug)

    @property
    def path(self) -> str:
        """Site path of the issue page anchor: ``issues/2022-05/#slug``."""
        return f"issues/{self.issue_id}/#{self.slug}"

    @property
    def permalink(self) -> str:
        """Site path of the entry's own page: ``issues/2022-05/slug/``."""
        return f"issues/{self.issue_id}/{self.slug}/"

    @property
    def first_permalink(self) -> str:
        """Site path of the entry's first address: what feeds know it by, however often it moved."""
        first = self.aliases[0] if self.aliases else self.ref
        return f"issues/{first.issue_id}/{first.slug}/"


@dataclass(frozen=True)
class Deadline:
    """A date a reader must act on or prepare for: a comment deadline or an effective date."""

    date: EntryDate
    kind: str
    entry: Entry

    @property
    def label(self) -> str:
        """``Comments due`` or ``Takes effect``."""
        return "Comments due" if self.kind == "comment_deadline" else "Takes effect"

    @property
    def last_day(self) -> dt.date:
        """The last day the deadline may fall on: the month's end for month-only dates."""
        if self.date.day is not None:
            return self.date.sort_date
        next_month = dt.date(self.date.year + self.date.month // 12, self.date.month % 12 + 1, 1)
        return next_month - dt.timedelta(days=1)


@dataclass(frozen=True)
class Item:
    """An entry placed in an issue's section, with its number if the section is numbered."""

    entry: Entry
    number: int | None


@dataclass(frozen=True)
class Section:
    """A section of one issue with its items in reading order; never empty."""

    id: str
    title: str
    numbered: bool
    items: tuple[Item, ...]


@dataclass(frozen=True)
class IssueTranslation:
    """An issue's words in another language's edition (``issue.<code>.yaml``), and its developments there."""

    code: str
    source_path: str
    title: str
    summary: str
    intro_html: str
    entries: tuple[Entry, ...]
    """Every development of the issue as that edition shows it: translated, or the original marked with its language."""


@dataclass(frozen=True)
class Issue:
    """One issue of the newsletter."""

    id: str
    source_path: str
    date: dt.date
    title: str
    summary: str
    intro_html: str
    sections: tuple[Section, ...]
    draft: bool = False
    show_coming_up: bool = True
    coming_up: tuple[Deadline, ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()
    """The images and attachments of the issue's folder, by file name, published beside its page."""
    translations: tuple[IssueTranslation, ...] = ()
    """The issue in the other languages' editions it is part of."""

    @property
    def path(self) -> str:
        """Site path of the web edition: ``issues/2022-05/``."""
        return f"issues/{self.id}/"

    def published_at(self, timezone: str) -> dt.datetime:
        """The moment the issue, and every development in it, counts as published: 08:00 local time."""
        return published_at(self.date, timezone)

    @property
    def highlights(self) -> tuple[Item, ...]:
        """Items with a highlight, in the order they appear in the issue."""
        return tuple(
            item for section in self.sections for item in section.items
            if item.entry.highlight_html
        )

    @property
    def has_drafts(self) -> bool:
        """Whether the issue, or any entry of it, is a draft (shown only in a build with drafts)."""
        return self.draft or any(entry.draft for entry in self.entries)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry of the issue in reading order."""
        return tuple(item.entry for section in self.sections for item in section.items)


@dataclass(frozen=True)
class Newsletter:
    """The whole archive: configuration and issues, newest first."""

    config: Config
    issues: tuple[Issue, ...]
    as_of: dt.date | None = None
    upcoming: tuple[Deadline, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    assets: tuple[tuple[str, bytes], ...] = ()
    """The files of the project's ``assets/`` folder by site path, published as they are."""
    without_drafts: Newsletter | None = None
    """In a build that includes drafts, the newsletter a build without them makes (see ``published``)."""
    editions: tuple[Newsletter, ...] = ()
    """The other languages' editions, each a newsletter of its own issues (see :class:`Edition`)."""

    def published(self) -> Newsletter:
        """What may leave the building: the newsletter without drafts, for feeds, calendars, sitemap and search."""
        return self.without_drafts or self

    @property
    def latest(self) -> Issue | None:
        """The newest issue, if there is one."""
        return self.issues[0] if self.issues else None

    @cached_property
    def _issues(self) -> dict[str, Issue]:
        return {issue.id: issue for issue in self.issues}

    def issue_of(self, entry: Entry) -> Issue:
        """The issue ``entry`` was published in."""
        return self._issues[entry.issue_id]

    @property
    def entries(self) -> list[Entry]:
        """Every published entry, newest issue first, each issue in reading order."""
        return [entry for issue in self.issues for entry in issue.entries]

    @cached_property
    def _entries(self) -> dict[EntryRef, Entry]:
        by_alias = {alias: entry for entry in self.entries for alias in entry.aliases}
        return {**by_alias, **{entry.ref: entry for entry in self.entries}}

    def find(self, ref: EntryRef) -> Entry | None:
        """The published entry ``ref`` names; ``None`` if it is a draft left out of this build."""
        return self._entries.get(ref)

    @cached_property
    def _superseders(self) -> dict[EntryRef, list[Entry]]:
        # Built once: asked for every entry, a scan of the archive each time grows with its square.
        found: dict[EntryRef, list[Entry]] = {}
        for other in self.entries:
            # A reference may name the superseded entry by a former address.
            named = {(target.ref if (target := self.find(ref)) else ref): None for ref in other.lifecycle.supersedes}
            for ref in named:
                found.setdefault(ref, []).append(other)
        return found

    def superseded_by(self, entry: Entry) -> list[Entry]:
        """The published entries that say they supersede ``entry``."""
        return list(self._superseders.get(entry.ref, ()))


# Ordering, in one place.


def newest_first(issues: Iterable[Issue]) -> list[Issue]:
    """Issues newest first by date, then by id."""
    return sorted(issues, key=lambda issue: (issue.date, issue.id), reverse=True)


def reading_order(entries: Iterable[Entry]) -> list[Entry]:
    """A section's entries: those with ``order`` first, ascending, then by date (month-only first), then title."""
    return sorted(
        entries,
        key=lambda e: (e.order is None, e.order or 0, e.date.sort_date, e.date.day is not None, e.title),
    )


def soonest_first(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Deadlines by date, then kind, then the entry's title and slug."""
    return sorted(deadlines, key=lambda d: (d.date.sort_date, d.kind, d.entry.title, d.entry.slug))
