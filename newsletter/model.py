"""The newsletter as plain, frozen values: no I/O, no templates.

``Config`` describes the project; ``Entry`` is one development; ``Issue``
groups entries into ordered, numbered ``Section`` values; ``Newsletter`` is
the whole archive, newest issue first. URLs are paths relative to the site
root (``issues/2022-05/``); renderers make them absolute where needed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

_NOT_SLUG = re.compile(r"[\W_]+")

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@dataclass(frozen=True, order=True)
class EntryDate:
    """A date known to the day, or only to the month (``day`` is ``None``)."""

    year: int
    month: int
    day: int | None = None

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
        month_year = f"{MONTHS[self.month - 1]} {self.year}"
        return month_year if self.day is None else f"{self.day} {month_year}"


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
class Config:
    """``newsletter.yaml``, validated."""

    title: str
    base_url: str
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    email: EmailConfig = field(default_factory=EmailConfig)
    sections: tuple[SectionConfig, ...] = DEFAULT_SECTIONS
    authorities: tuple[tuple[str, str], ...] = ()
    feed_limit: int = 50

    def authority_name(self, short: str) -> str:
        """Full name of an authority where configured, else the short name itself."""
        return dict(self.authorities).get(short, short)


@dataclass(frozen=True)
class Source:
    """A link to the primary document behind a development."""

    title: str
    url: str


@dataclass(frozen=True)
class Authority:
    """An issuing body: short name as written in entries, full name from the config."""

    short: str
    name: str

    @property
    def label(self) -> str:
        """``China Banking ... Commission (CBIRC)``, or just ``CBIRC`` if not configured."""
        return self.short if self.name == self.short else f"{self.name} ({self.short})"

    @property
    def slug(self) -> str:
        """The authority's folder name under ``authorities/``: ``CBIRC`` -> ``cbirc``.

        Derived from the short name alone, so renaming the full name in the
        config keeps every link and feed address.
        """
        slug = _NOT_SLUG.sub("-", self.short.lower()).strip("-")
        # A short name of punctuation only still needs a stable, distinct folder.
        return slug or "authority-" + hashlib.sha256(self.short.encode()).hexdigest()[:8]


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

    @property
    def path(self) -> str:
        """Site path of the issue page anchor: ``issues/2022-05/#slug``."""
        return f"issues/{self.issue_id}/#{self.slug}"

    @property
    def permalink(self) -> str:
        """Site path of the entry's own page: ``issues/2022-05/slug/``."""
        return f"issues/{self.issue_id}/{self.slug}/"


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
class Issue:
    """One edition of the newsletter."""

    id: str
    source_path: str
    date: dt.date
    title: str
    summary: str
    intro_html: str
    sections: tuple[Section, ...]
    draft: bool = False

    @property
    def path(self) -> str:
        """Site path of the web edition: ``issues/2022-05/``."""
        return f"issues/{self.id}/"

    @property
    def highlights(self) -> tuple[Item, ...]:
        """Items with a highlight, in the order they appear in the issue."""
        return tuple(
            item for section in self.sections for item in section.items
            if item.entry.highlight_html
        )

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry of the issue in reading order."""
        return tuple(item.entry for section in self.sections for item in section.items)


@dataclass(frozen=True)
class Newsletter:
    """The whole archive: configuration and issues, newest first."""

    config: Config
    issues: tuple[Issue, ...]

    @property
    def latest(self) -> Issue | None:
        """The newest issue, if there is one."""
        return self.issues[0] if self.issues else None
