"""The web edition: home page, issues, a page per development, browsing pages and site files.

Pages link to each other relatively (see ``url()`` in the templates), so the
site works under any base path and from disk; only ``canonical``, the
social-media tags, the sitemap and the 404 page use absolute URLs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import quote

import jinja2

from newsletter.model import Entry, EntryRef, Newsletter
from newsletter.render.editions import Editions, Language, alternates
from newsletter.render.fragments import shift_headings
from newsletter.render.jobs import Files, Job, TemplateNames, run_jobs
from newsletter.render.search import SearchIndex, search_index
from newsletter.render.sitemap import render_sitemap
from newsletter.render.taxonomy import AUTHORITIES, Browsing, Placed, pages

ASSETS = ("style.css", "favicon.svg", "search/search.js")
"""Files rendered from the template of the same name, without page values."""


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, with which template and values."""

    path: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True
    draft: bool = False
    """Whether the page shows a draft: it is marked as one, and kept from search engines."""

    @property
    def url_path(self) -> str:
        """The path a reader sees: ``issues/2022-05/`` for ``issues/2022-05/index.html``."""
        return _url_path(self.path)


@dataclass(frozen=True)
class EntryPage:
    """A development's own page, holding only what its template values are derived from.

    There is one per development, and each is fingerprinted on every build
    (see :mod:`newsletter.incremental`): five values digest several times
    faster than the ten the template gets.
    """

    placed: Placed
    previous_entry: Entry | None
    next_entry: Entry | None
    superseded_by: tuple[Entry, ...]
    linked: tuple[tuple[EntryRef, Entry | None], ...]

    template: ClassVar[str] = "entry.html"
    in_sitemap: ClassVar[bool] = True

    @property
    def path(self) -> str:
        """``entries/<permalink>/index.html``."""
        return f"{self.placed.entry.permalink}index.html"

    @property
    def url_path(self) -> str:
        """The path a reader sees."""
        return _url_path(self.path)

    @property
    def draft(self) -> bool:
        """Whether the development, or the issue it is in, is a draft."""
        return self.placed.entry.draft or self.placed.issue.draft

    @property
    def values(self) -> dict[str, Any]:
        """The template values: the entry, where it appeared, its neighbours and the entries it names."""
        entry = self.placed.entry
        return {
            "placed": self.placed, "entry": entry, "issue": self.placed.issue, "section": self.placed.section,
            "description": entry.summary or entry.title,
            "previous_entry": self.previous_entry, "next_entry": self.next_entry,
            "superseded_by": list(self.superseded_by), "linked": dict(self.linked),
        }


AnyPage = Page | EntryPage


def _url_path(path: str) -> str:
    return path.removesuffix("index.html")


def render_site(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """Render every page of the web edition, its assets, sitemap and search index."""
    site = WebSite.of(newsletter, Browsing.of(newsletter))
    editions = Editions([(newsletter.config, site.url_paths)])
    jobs = [*site.jobs(env, editions), site.sitemap_job(editions, [site])]
    return run_jobs(jobs, {"": env})


ARCHIVE_WIDE = frozenset({"issues", "newsletter"})
"""Context variables of every page that carry the whole archive (see ``render_page``)."""


@dataclass(frozen=True)
class WebSite:
    """The pages of one edition's web site, listed, and what search and the sitemap show of them."""

    newsletter: Newsletter
    pages: list[AnyPage]
    public_pages: list[AnyPage]
    """The pages a build without drafts makes: what the sitemap lists."""
    search: SearchIndex
    published: Newsletter
    """What a build without drafts makes: what leaves the site (feeds, calendars) shows."""
    published_browsing: Browsing

    @classmethod
    def of(cls, newsletter: Newsletter, browsing: Browsing) -> WebSite:
        """List the pages of ``newsletter``, browsed as ``browsing``."""
        # Search and the sitemap list what a build without drafts publishes, whatever this build shows.
        published, published_browsing = published_archive(newsletter, browsing)
        search = search_index(published_browsing.placed, newsletter.config.language)
        pages = list(site_pages(newsletter, browsing, search.page_values))
        public = pages if published is newsletter else list(site_pages(published, published_browsing, {}))
        return cls(newsletter, pages, public, search, published, published_browsing)

    @property
    def url_paths(self) -> list[str]:
        """The paths readers see of every listed page: what another edition's pages may link to.

        A development shown untranslated is not its original's counterpart: it is the original again.
        """
        return [page.url_path for page in self.pages
                if page.in_sitemap and not (isinstance(page, EntryPage) and page.placed.entry.language)]

    def jobs(self, env: jinja2.Environment, editions: Editions, names: TemplateNames | None = None) -> list[Job]:
        """A job per page, given the archive only if its templates read it; assets, search index."""
        names = names or TemplateNames(env)
        newsletter, config = self.newsletter, self.newsletter.config
        settings_only = Newsletter(config, ())  # one value for all such pages: fingerprinted once
        # Pages out of the sitemap (the 404 page, redirects) are no one's counterpart and link to none.
        jobs = [Job(_page_file, (page, _as_seen(page, newsletter, settings_only, names),
                                 editions.links(config, page.url_path) if page.in_sitemap else ()))
                for page in self.pages]
        jobs += [Job(_asset, (asset,)) for asset in ASSETS]
        return jobs + self.search.jobs

    def sitemap_job(self, editions: Editions, sites: Sequence[WebSite]) -> Job:
        """The sitemap of every edition's public pages, each with its counterparts, and ``robots.txt``."""
        listed = tuple(
            (site.newsletter.config.base_url + quote(page.url_path),
             editions.alternates(site.newsletter.config, page.url_path))
            for site in sites for page in site.public_pages if page.in_sitemap
        )
        return Job(render_sitemap, (self.newsletter.config, listed))


def published_archive(newsletter: Newsletter, browsing: Browsing) -> tuple[Newsletter, Browsing]:
    """The newsletter without drafts and its browsing: the same values when this build has no drafts."""
    published = newsletter.published()
    return (newsletter, browsing) if published is newsletter else (published, Browsing.of(published))


def _as_seen(page: AnyPage, newsletter: Newsletter, settings_only: Newsletter, names: TemplateNames) -> Newsletter:
    """The newsletter as ``page`` can see it: ``settings_only`` if it reads nothing archive-wide.

    A page that depends on the whole archive is rendered again after every
    edit, so this is what keeps an edit from re-rendering every page.
    """
    used = names.used_by(page.template)
    if used is None or used & ARCHIVE_WIDE:
        return newsletter
    return settings_only


def _page_file(
    page: AnyPage, newsletter: Newsletter, languages: tuple[Language, ...], env: jinja2.Environment
) -> Files:
    return {page.path: render_page(page, newsletter, env, languages)}


def _asset(name: str, env: jinja2.Environment) -> Files:
    return {name: env.get_template(name).render().encode()}


def site_pages(newsletter: Newsletter, browsing: Browsing, search_values: dict[str, Any]) -> Iterator[AnyPage]:
    """List the pages of the site; the search page gets ``search_values`` (see :mod:`.search`)."""
    yield Page("index.html", "index.html", {"latest": newsletter.latest, "taxonomies": browsing.taxonomies})
    for issue in newsletter.issues:
        yield Page(f"{issue.path}index.html", "issue.html", {"issue": issue}, draft=issue.has_drafts)
    neighbours = _neighbours(newsletter)
    for placed in browsing.placed:
        entry = placed.entry
        previous, following = neighbours[entry.ref]
        named = (*entry.lifecycle.supersedes, *entry.lifecycle.related)
        # Looked up here, not in the template, so the page depends on these entries alone.
        yield EntryPage(
            placed,
            previous_entry=previous,
            next_entry=following,
            superseded_by=tuple(newsletter.superseded_by(entry)),
            linked=tuple((ref, newsletter.find(ref)) for ref in named),
        )
        for alias in entry.aliases:  # a former address sends the reader on; listed nowhere
            yield Page(f"issues/{alias.issue_id}/{alias.slug}/index.html", "redirect.html", {"entry": entry},
                       in_sitemap=False)
    registry = {authority.slug: authority for authority in newsletter.config.registry.authorities}
    with_deadlines = {a.slug for deadline in newsletter.deadlines for a in deadline.entry.authorities}
    for taxonomy in browsing.taxonomies:
        yield Page(f"{taxonomy.kind.path}index.html", "taxonomy.html", {"taxonomy": taxonomy})
        for listing in browsing.listings_of(taxonomy.kind):
            term = listing.term
            is_authority = term.kind == AUTHORITIES
            for pagination, placed_on_page in pages(listing, newsletter.config.page_size):
                yield Page(f"{pagination.path}index.html", "term.html", {
                    "term": term,
                    "placed": placed_on_page,
                    "pagination": pagination,
                    "authority": registry.get(term.slug) if is_authority else None,
                    "has_calendar": is_authority and term.slug in with_deadlines,
                })
    yield Page("instruments/index.html", "instruments.html", {"timelines": browsing.timelines})
    for timeline in browsing.timelines:
        yield Page(f"{timeline.path}index.html", "instrument.html", {"timeline": timeline})
    yield Page("upcoming/index.html", "upcoming.html")
    yield Page("search/index.html", "search.html", search_values)
    # A 404 page is served at whatever address was not found, so relative links would break.
    yield Page("404.html", "404.html", {"url": AbsoluteUrl(newsletter.config.base_url)}, in_sitemap=False)


def _neighbours(newsletter: Newsletter) -> dict[EntryRef, tuple[Entry | None, Entry | None]]:
    """The entries before and after each entry in the same section of the same issue."""
    found: dict[EntryRef, tuple[Entry | None, Entry | None]] = {}
    for issue in newsletter.issues:
        for section in issue.sections:
            entries = [item.entry for item in section.items]
            for index, entry in enumerate(entries):
                before = entries[index - 1] if index > 0 else None
                after = entries[index + 1] if index + 1 < len(entries) else None
                found[entry.ref] = (before, after)
    return found


@dataclass(frozen=True)
class AbsoluteUrl:
    """A ``url()`` for templates that links to site paths absolutely, under ``base_url``.

    A value rather than a closure, so that the page it is given to can be fingerprinted.
    """

    base_url: str

    def __call__(self, target: str) -> str:
        """The absolute URL of the site path ``target``."""
        return self.base_url + target


def render_page(
    page: AnyPage, newsletter: Newsletter, env: jinja2.Environment, languages: tuple[Language, ...] = ()
) -> bytes:
    """Render one page with the values every template can use.

    ``languages`` are the page's links to the other editions (see :mod:`.editions`).
    """
    config = newsletter.config
    html = env.get_template(page.template).render(
        site=config,
        newsletter=newsletter,
        issues=newsletter.issues,
        page_path=page.path,
        canonical=config.base_url + page.url_path,
        draft=page.draft,
        languages=languages,
        alternates=alternates(languages),
        shift_headings=shift_headings,
        **page.values,
    )
    return html.encode()
