"""The web edition: home page with the archive, one page per issue, the stylesheet."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jinja2

from newsletter.model import Newsletter

Files = dict[str, bytes]


@dataclass(frozen=True)
class Page:
    """One HTML page to render: where it goes, with which template and values."""

    path: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def url_path(self) -> str:
        """The path a reader sees: ``issues/2022-05/`` for ``issues/2022-05/index.html``."""
        return self.path.removesuffix("index.html")


def render_site(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """Render every page of the web edition and the stylesheet."""
    files = {page.path: render_page(page, newsletter, env) for page in site_pages(newsletter)}
    files["style.css"] = env.get_template("style.css").render().encode()
    return files


def site_pages(newsletter: Newsletter) -> Iterator[Page]:
    """List the pages of the site."""
    yield Page("index.html", "index.html", {"latest": newsletter.latest})
    for issue in newsletter.issues:
        yield Page(f"{issue.path}index.html", "issue.html", {"issue": issue})


def render_page(page: Page, newsletter: Newsletter, env: jinja2.Environment) -> bytes:
    """Render one page with the values every template can use."""
    config = newsletter.config
    html = env.get_template(page.template).render(
        site=config,
        issues=newsletter.issues,
        page_path=page.path,
        canonical=config.base_url + page.url_path,
        **page.values,
    )
    return html.encode()
