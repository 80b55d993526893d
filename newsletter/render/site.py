"""The web edition: home page, issues, a page per development, browsing pages and site files.

Pages link to each other relatively (see ``url()`` in the templates), so the
site works under any base path and from disk; only ``canonical``, the
social-media tags, the sitemap and the 404 page use absolute URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jinja2

from newsletter.model import Config, Newsletter
from newsletter.render.fragments import entry_summary, shift_headings
from newsletter.render.search import render_search
from newsletter.render.sitemap import render_sitemap
from newsletter.render.taxonomy import placed_entries, taxonomies

Files = dict[str, bytes]

ASSETS = ("style.css", "favicon.svg", "search/search.js")
"""Files rendered from the template of the same name, without page values."""


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, with which template and values."""

    path: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    in_sitemap: bool = True

    @property
    def url_path(self) -> str:
        """The path a reader sees: ``issues/2022-05/`` for ``issues/2022-05/index.html``."""
        return self.path.removesuffix("index.html")


def render_site(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """Render every page of the web edition, its assets, sitemap and search index."""
    pages = list(site_pages(newsletter))
    files = {page.path: render_page(page, newsletter, env) for page in pages}
    files.update({asset: env.get_template(asset).render().encode() for asset in ASSETS})
    listed = [page.url_path for page in pages if page.in_sitemap]
    files.update(render_sitemap(newsletter.config, listed, env))
    files.update(render_search(newsletter))
    return files


def site_pages(newsletter: Newsletter) -> Iterator[Page]:
    """List the pages of the site."""
    archive = taxonomies(newsletter)
    yield Page("index.html", "index.html", {"latest": newsletter.latest, "taxonomies": archive})
    for issue in newsletter.issues:
        yield Page(f"{issue.path}index.html", "issue.html", {"issue": issue})
    for placed in placed_entries(newsletter):
        entry = placed.entry
        description = entry_summary(entry) or entry.title
        yield Page(
            f"{entry.permalink}index.html", "entry.html",
            {"placed": placed, "entry": entry, "issue": placed.issue, "description": description},
        )
    for taxonomy in archive:
        yield Page(f"{taxonomy.path}index.html", "taxonomy.html", {"taxonomy": taxonomy})
        for term in taxonomy.terms:
            yield Page(f"{term.path}index.html", "term.html", {"taxonomy": taxonomy, "term": term})
    yield Page("search/index.html", "search.html")
    # A 404 page is served at whatever address was not found, so relative links would break.
    yield Page("404.html", "404.html", {"url": absolute_url(newsletter.config)}, in_sitemap=False)


def absolute_url(config: Config) -> Callable[[str], str]:
    """A ``url()`` for templates that links to site paths absolutely, under ``base_url``."""

    def url(target: str) -> str:
        return config.base_url + target

    return url


def render_page(page: Page, newsletter: Newsletter, env: jinja2.Environment) -> bytes:
    """Render one page with the values every template can use."""
    config = newsletter.config
    html = env.get_template(page.template).render(
        site=config,
        issues=newsletter.issues,
        page_path=page.path,
        canonical=config.base_url + page.url_path,
        entry_summary=entry_summary,
        shift_headings=shift_headings,
        **page.values,
    )
    return html.encode()
