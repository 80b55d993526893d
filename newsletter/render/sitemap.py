"""``sitemap.xml`` listing every page, and ``robots.txt`` pointing crawlers to it."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import jinja2

from newsletter.model import Config
from newsletter.render.jobs import Files


def render_sitemap(config: Config, url_paths: Iterable[str], env: jinja2.Environment) -> Files:
    """Render the sitemap of the given page paths (``issues/2022-05/``) and robots.txt."""
    urls = [config.base_url + quote(path) for path in url_paths]
    values = {"site": config, "urls": urls, "sitemap_url": config.base_url + "sitemap.xml"}
    return {
        "sitemap.xml": env.get_template("sitemap.xml").render(values).encode(),
        "robots.txt": env.get_template("robots.txt").render(values).encode(),
    }
