"""``sitemap.xml`` listing every page, and ``robots.txt`` pointing crawlers to it."""

from __future__ import annotations

import jinja2

from newsletter.model import Config
from newsletter.render.jobs import Files

Listed = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
"""Each page's absolute URL, with its counterparts in the other editions as ``(hreflang, URL)``."""


def render_sitemap(config: Config, listed: Listed, env: jinja2.Environment) -> Files:
    """Render the sitemap of the pages ``listed`` (alternates for the other editions included) and robots.txt."""
    values = {"site": config, "urls": listed, "sitemap_url": config.base_url + "sitemap.xml",
              "has_alternates": any(alternates for _, alternates in listed)}
    return {
        "sitemap.xml": env.get_template("sitemap.xml").render(values).encode(),
        "robots.txt": env.get_template("robots.txt").render(values).encode(),
    }
