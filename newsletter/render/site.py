"""The web edition: home page with the archive, one page per issue, the stylesheet."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jinja2

from newsletter.model import Newsletter
from newsletter.render.jobs import Files, Job, TemplateNames


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
    files: Files = {}
    for job in site_jobs(newsletter, env):
        files.update(job.run(env))
    return files


ARCHIVE_WIDE = frozenset({"issues"})
"""Context variables of every page that carry the whole archive (see ``render_page``)."""


def site_jobs(
    newsletter: Newsletter, env: jinja2.Environment, names: TemplateNames | None = None
) -> list[Job]:
    """A job per page, given the archive only if its templates read it; the stylesheet."""
    names = names or TemplateNames(env)
    jobs = [
        Job(_page_file, (page, _as_seen(page, newsletter, names)))
        for page in site_pages(newsletter)
    ]
    jobs.append(Job(_stylesheet, ()))
    return jobs


def _as_seen(page: Page, newsletter: Newsletter, names: TemplateNames) -> Newsletter:
    """The newsletter as ``page`` can see it: only the settings if it reads nothing archive-wide.

    A page that depends on the whole archive is rendered again after every
    edit, so this is what keeps an edit from re-rendering every page.
    """
    used = names.used_by(page.template)
    if used is None or used & ARCHIVE_WIDE:
        return newsletter
    return Newsletter(newsletter.config, ())


def _page_file(page: Page, newsletter: Newsletter, env: jinja2.Environment) -> Files:
    return {page.path: render_page(page, newsletter, env)}


def _stylesheet(env: jinja2.Environment) -> Files:
    return {"style.css": env.get_template("style.css").render().encode()}


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
