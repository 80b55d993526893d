"""Feeds of the archive, in RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Two kinds of content: the archive feed has one item per issue (the whole
issue as HTML), and each section, authority and tag has a feed of its
individual developments. Both are first described as a format-neutral
:class:`Feed`, which one small writer per format turns into bytes.

Stability rules, which feed readers rely on:

* an item's id is the absolute URL of its page (issue or development), so
  editing an entry's text or title never makes it look like a new item; a
  development that was renamed or moved keeps the URL of its first address
  (which sends readers on to the new one);
* every date comes from the content (the issue date, at 08:00 in the
  configured time zone), never from the clock, so unchanged content
  rebuilds to identical bytes; a feed's own updated date is its newest item's;
* each feed carries the newest ``feed_limit`` items (default 50).

Every item names its authors (RSS ``dc:creator``, Atom ``author``, JSON Feed
``authors``) and is filed under its sections, authorities and tags (RSS and
Atom ``category``, with the URL of the kind's pages as its domain or scheme;
JSON Feed ``tags``). An issue's item has those of all its developments.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jinja2
from feedgen.feed import FeedGenerator

from newsletter import __version__
from newsletter.model import Author, Config, Entry, Newsletter
from newsletter.render.jobs import Files, Job, run_jobs
from newsletter.render.taxonomy import Browsing, Placed, Term

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""The updated date of a feed with no items: still derived from content, not the clock."""



@dataclass(frozen=True)
class Category:
    """A section, authority or tag an item is filed under: its slug, its name, and the URL of its kind."""

    term: str
    label: str
    scheme: str


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, whatever the format."""

    id: str
    url: str
    title: str
    published: dt.datetime
    summary: str
    content_html: str
    categories: tuple[Category, ...] = ()
    authors: tuple[Author, ...] = ()
    external_url: str | None = None


@dataclass(frozen=True)
class Feed:
    """A feed's content: written to ``folder`` (``""`` or ``tags/pipl/``) in one or more formats."""

    folder: str
    title: str
    description: str
    page_url: str
    items: tuple[FeedItem, ...]

    @property
    def updated(self) -> dt.datetime:
        """The newest item's date."""
        return max((item.published for item in self.items), default=EPOCH)


Writer = Callable[[Feed, str, Config], bytes]


def render_feeds(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """Render the archive feed in every format and a feed per section, authority and tag."""
    return run_jobs(feed_jobs(newsletter, Browsing.of(newsletter)), {"": env})


def feed_jobs(newsletter: Newsletter, browsing: Browsing) -> list[Job]:
    """A job per feed, given only what the feed lists: an edit re-renders only the feeds that show it."""
    config = newsletter.config
    jobs = [Job(render_archive_feed, (Newsletter(config, newsletter.issues[: config.feed_limit]),))]
    for listing in browsing.listings:
        newest = sorted(listing.placed, key=lambda p: p.issue.date, reverse=True)[: config.feed_limit]
        jobs.append(Job(render_term_feed, (listing.term, tuple(newest), config)))
    return jobs


def render_archive_feed(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """The archive feed, in every format."""
    return write_feed(archive_feed(newsletter, env), newsletter.config, ARCHIVE_FORMATS)


def render_term_feed(term: Term, placed: tuple[Placed, ...], config: Config, env: jinja2.Environment) -> Files:
    """The feed of one section, authority or tag, listing ``placed``."""
    return write_feed(term_feed(term, placed, config, env), config, TERM_FORMATS)


def archive_feed(newsletter: Newsletter, env: jinja2.Environment) -> Feed:
    """One item per issue, newest first, with the whole issue as content."""
    config = newsletter.config
    template = env.get_template("feed_content.html")
    items = tuple(
        FeedItem(
            id=url,
            url=url,
            title=issue.title,
            published=issue.published_at(config.timezone),
            summary=issue.summary or issue.title,
            content_html=_anchored(template.render(site=config, issue=issue, web_url=url), url),
            categories=_categories(config, [(s.id, s.title) for s in issue.sections], issue.entries),
            authors=_authors(issue.entries),
        )
        for issue in newsletter.issues[: config.feed_limit]
        for url in [config.base_url + issue.path]
    )
    return Feed("", config.title, config.description or config.title, config.base_url, items)


def term_feed(term: Term, placed: tuple[Placed, ...], config: Config, env: jinja2.Environment) -> Feed:
    """One item per development of a section, authority or tag, as listed in ``placed``."""
    template = env.get_template("feed_entry.html")
    items = tuple(_development(p, config, template) for p in placed)
    return Feed(
        term.path,
        _words(env, "{% autoescape false %}{{ _('%(title)s: %(term)s', title=title, term=term) }}{% endautoescape %}",
               title=config.title, term=term.title),
        _words(env, "{% autoescape false %}{{ _('Developments filed under %(term)s in %(title)s.', term=term, "
                    "title=title) }}{% endautoescape %}", title=config.title, term=term.title),
        config.base_url + term.path,
        items,
    )


@functools.lru_cache(maxsize=16)
def _sentence(env: jinja2.Environment, source: str) -> jinja2.Template:
    """A feed sentence compiled once per environment, not once per feed (there is a feed per tag)."""
    return env.from_string(source)


def _words(env: jinja2.Environment, source: str, **values: str) -> str:
    """A sentence of the feed's fixed words in the newsletter's language, as plain text."""
    return _sentence(env, source).render(**values)


def _development(placed: Placed, config: Config, template: jinja2.Template) -> FeedItem:
    entry = placed.entry
    url = config.base_url + entry.permalink
    content = _anchored(template.render(site=config, placed=placed, entry=entry, issue=placed.issue), url)
    return FeedItem(
        id=config.base_url + entry.first_permalink,  # kept when the development moves: not a new item
        url=url,
        title=entry.title,
        published=placed.issue.published_at(config.timezone),
        summary=entry.summary or entry.title,
        content_html=content,
        categories=_categories(config, [(placed.section.id, placed.section.title)], [entry]),
        authors=entry.authors,
        external_url=entry.url,
    )


def _categories(config: Config, sections: list[tuple[str, str]], entries: Iterable[Entry]) -> tuple[Category, ...]:
    """The sections (id, title) given, then the authorities, then the tags of ``entries``, each once."""
    entries = list(entries)
    found = [Category(section_id, title, config.base_url + "sections/") for section_id, title in sections]
    found += [Category(a.slug, a.label_in(config.language), config.base_url + "authorities/")
              for e in entries for a in e.authorities]
    found += [Category(tag, tag, config.base_url + "tags/") for e in entries for tag in e.tags]
    return tuple(dict.fromkeys(found))


def _authors(entries: Iterable[Entry]) -> tuple[Author, ...]:
    """Everyone who wrote one of ``entries``, each once, in reading order."""
    return tuple(dict.fromkeys(author for entry in entries for author in entry.authors))


_IN_PAGE_LINK = re.compile(r'href="#')


def _anchored(content: str, page_url: str) -> str:
    """Make links within the content (footnotes) point at the item's page, where the same ids are.

    A feed reader shows an item apart from its page, and feeds are read
    with every link absolute.
    """
    return _IN_PAGE_LINK.sub(f'href="{page_url}#', content)


def write_feed(feed: Feed, config: Config, formats: Iterable[str]) -> Files:
    """Write ``feed`` in each format, named by file (``feed.xml``, ``atom.xml``, ``feed.json``)."""
    return {
        feed.folder + name: WRITERS[name](feed, config.base_url + feed.folder + name, config)
        for name in formats
    }


def rss(feed: Feed, self_url: str, config: Config) -> bytes:
    """RSS 2.0 with the full HTML in ``content:encoded``.

    Readers show an RSS ``description`` as HTML, so the plain-text summaries
    and the channel description are HTML-escaped before feedgen escapes them
    for XML; titles are plain text, with ``<`` and ``&`` written as the RSS
    Best Practices Profile asks, so that every reader shows them literally.
    """
    generator = _generator(feed, self_url, "application/rss+xml", config, escape_descriptions=True)
    xml: bytes = generator.rss_str(pretty=True)
    return _TITLE.sub(_literal_title, xml)


def atom(feed: Feed, self_url: str, config: Config) -> bytes:
    """Atom 1.0 with the full HTML as escaped ``html`` content (summaries and subtitle are ``text``)."""
    xml: bytes = _generator(feed, self_url, "application/atom+xml", config).atom_str(pretty=True)
    return xml


_TITLE = re.compile(rb"<title>([^<]*)</title>")


def _literal_title(found: re.Match[bytes]) -> bytes:
    text = found.group(1).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
    return b"<title>" + text + b"</title>"


def _generator(
    feed: Feed, self_url: str, media_type: str, config: Config, escape_descriptions: bool = False
) -> FeedGenerator:
    """Fill a feedgen generator; every date is set so feedgen never falls back to now()."""
    def as_description(text: str) -> str:
        return html.escape(text, quote=False) if escape_descriptions else text

    generator = FeedGenerator()
    generator.id(feed.page_url)
    generator.title(feed.title)
    generator.description(as_description(feed.description))
    generator.author({"name": config.title})
    generator.link(href=self_url, rel="self", type=media_type)
    generator.link(href=feed.page_url, rel="alternate", type="text/html")
    generator.language(config.language)
    generator.generator("newsletter", __version__)
    generator.updated(feed.updated)
    if any(item.authors for item in feed.items):  # only then: the dc namespace on the root otherwise
        generator.load_extension("dc", atom=False, rss=True)
    for item in feed.items:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.guid(item.id, permalink=True)
        entry.title(item.title)
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(item.published)
        entry.updated(item.published)
        entry.summary(item.summary)  # Atom's summary: plain text
        entry.description(as_description(item.summary))  # RSS only: the content below replaces Atom's
        entry.content(item.content_html, type="html")
        for category in item.categories:
            entry.category(term=category.term, label=category.label, scheme=category.scheme)
        for author in item.authors:
            name = author.name_in(config.language)
            entry.author({"name": name, "uri": author.url} if author.url else {"name": name})  # Atom only
            entry.dc.dc_creator(name)  # RSS: its <author> must be an email address, which feeds do not publish
    return generator


def json_feed(feed: Feed, self_url: str, config: Config) -> bytes:
    """JSON Feed 1.1."""
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.page_url,
        "feed_url": self_url,
        "description": feed.description,
        "language": config.language,
        "authors": [{"name": config.title, "url": config.base_url}],
        "items": [_json_item(item, config) for item in feed.items],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def _json_item(item: FeedItem, config: Config) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": item.id,
        "url": item.url,
        "title": item.title,
        "summary": item.summary,
        "content_html": item.content_html,
        "date_published": item.published.isoformat(),
    }
    if item.external_url:
        fields["external_url"] = item.external_url
    if item.categories:
        fields["tags"] = list(dict.fromkeys(category.label for category in item.categories))
    if item.authors:
        fields["authors"] = [
            {"name": author.name_in(config.language), **({"url": author.url} if author.url else {})}
            for author in item.authors
        ]
    return fields


WRITERS: dict[str, Writer] = {"feed.xml": rss, "atom.xml": atom, "feed.json": json_feed}
ARCHIVE_FORMATS = ("feed.xml", "atom.xml", "feed.json")
TERM_FORMATS = ("feed.xml",)
