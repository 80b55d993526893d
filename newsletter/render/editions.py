"""How the editions of a bilingual newsletter link to each other, page by page.

Every edition mirrors the newsletter's site under its own folder (``zh/``),
so a page's counterpart in another edition is the page at the same path
there, if that edition has it (an issue is in an edition only if it was
translated). A page with a counterpart names each one in its head
(``<link rel="alternate" hreflang>``, reciprocal and absolute, with
``x-default`` for the newsletter's own language, as search engines want)
and in its language switcher, which goes to the counterpart or, where there
is none, to that edition's home page. The sitemap lists the same alternates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newsletter.model import Config
from newsletter.render.templates import link_from


@dataclass(frozen=True)
class Language:
    """One edition as a page links to it."""

    language: str
    """Its BCP 47 tag, for ``hreflang`` and ``lang``."""
    name: str
    """The language's name for itself: the switcher's label."""
    url: str
    """The absolute URL of the page's counterpart there, or of that edition's home page."""
    href: str
    """The same, as a link relative to the page (the site also works from disk)."""
    counterpart: bool
    """Whether ``url`` is the same page in that language (else the edition's home page)."""
    current: bool
    """Whether this is the page's own edition."""


class Editions:
    """The editions of a build and the pages each has: what every page's language links are made from."""

    def __init__(self, sites: Sequence[tuple[Config, Iterable[str]]]):
        """``sites``: each edition's settings and the paths (``issues/2022-05/``) of its pages."""
        self.sites = [(config, frozenset(paths)) for config, paths in sites]

    def links(self, config: Config, url_path: str) -> tuple[Language, ...]:
        """The language links of the page at ``url_path`` of the edition ``config``; none with one edition."""
        if len(self.sites) < 2:
            return ()
        here = _folder(config) + url_path
        links = []
        for other, paths in self.sites:
            counterpart = url_path in paths
            target = url_path if counterpart else ""
            links.append(Language(
                language=other.language,
                name=other.language_name,
                url=other.base_url + target,
                href=link_from(_folder(other) + target, here if here.endswith(".html") else here + "index.html"),
                counterpart=counterpart,
                current=other.edition == config.edition,
            ))
        return tuple(links)

    def alternates(self, config: Config, url_path: str) -> tuple[tuple[str, str], ...]:
        """``(hreflang, absolute URL)`` of the page at ``url_path`` and its counterparts (see :func:`alternates`)."""
        return alternates(self.links(config, url_path))


def alternates(links: Iterable[Language]) -> tuple[tuple[str, str], ...]:
    """``(hreflang, absolute URL)`` of a page and its counterparts, ``x-default`` last; none if it has none."""
    found = [(link.language, link.url) for link in links if link.counterpart]
    if len(found) < 2:
        return ()
    return (*found, ("x-default", found[0][1]))


def _folder(config: Config) -> str:
    return f"{config.edition}/" if config.edition else ""
