"""The model -> output files: one module per output kind, each returning ``{site path: bytes}``.

Owns: the template environment and the project's overrides (``templates``,
``theme``), the web edition (``site``, ``taxonomy``, ``fragments``,
``search``, ``sitemap``), the email edition (``email``, ``text``), feeds and
calendars, and the split of all of it into jobs (``jobs``). Rendering never
reads the project's files: everything comes in the model or the templates.

May import: the standard library, Jinja and the output libraries,
:mod:`newsletter.model`, :mod:`newsletter.errors` and the pure helpers of
:mod:`newsletter.content` (``markdown``, ``urls``, ``merge_tags``, ``i18n``); never its loading, nor
:mod:`newsletter.incremental` or :mod:`newsletter.cli`.

For rebuilds, every kind is also split into jobs (see ``jobs.py``) that are
given only what their files depend on, so an edit re-renders only the files
that show it; ``output_jobs`` lists every file of a build. A kind whose files
for one issue depend on that issue alone belongs in ``PER_ISSUE``; a kind
whose files may show any issue belongs in ``WHOLE_ARCHIVE`` (it is
re-rendered whenever anything changes). Pages of the web edition and feeds
are jobs of their own: add a page to ``site.site_pages`` and it is built.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import jinja2

from newsletter.errors import Problem
from newsletter.model import Newsletter
from newsletter.render.calendar import render_calendars
from newsletter.render.editions import Editions
from newsletter.render.email import email_problems, render_email
from newsletter.render.feeds import feed_jobs
from newsletter.render.jobs import Environments, Files, Job, TemplateNames
from newsletter.render.site import WebSite
from newsletter.render.taxonomy import Browsing

Renderer = Callable[[Newsletter, jinja2.Environment], Files]


def calendars(newsletter: Newsletter, env: jinja2.Environment) -> Files:
    """The deadline calendars, as a renderer like the others (they use no templates)."""
    return render_calendars(newsletter)


PER_ISSUE: tuple[Renderer, ...] = (render_email,)
"""Kinds rendered once per issue, from a newsletter holding only that issue."""

WHOLE_ARCHIVE: tuple[Renderer, ...] = (calendars,)
"""Kinds rendered from the whole newsletter."""


def output_jobs(
    newsletter: Newsletter, envs: Environments, names: Mapping[str, TemplateNames] | None = None
) -> list[Job]:
    """Every output file of a build, as jobs that each see only what they depend on.

    The newsletter's own edition is at the root of the output; each other
    language's edition (``newsletter.editions``) mirrors it in its folder,
    rendered with its own environment (``envs`` by edition code).
    """
    editions = (newsletter, *newsletter.editions)
    sites = [WebSite.of(edition, Browsing.of(edition)) for edition in editions]
    links = Editions([(site.newsletter.config, site.url_paths) for site in sites])
    jobs = [sites[0].sitemap_job(links, sites)]
    for site in sites:
        code = site.newsletter.config.edition
        made = site.jobs(envs[code], links, names[code] if names else None) + _edition_files(site)
        jobs += [dataclasses.replace(job, edition=code) for job in made] if code else made
    return jobs


def _edition_files(site: WebSite) -> list[Job]:
    """Everything of one edition but its web pages: feeds, emails, calendars, copied files."""
    # Feeds and calendars leave the site: they show what a build without drafts shows.
    newsletter, published = site.newsletter, site.published
    jobs = feed_jobs(published, site.published_browsing)
    jobs += [
        Job(render, (Newsletter(newsletter.config, (issue,)),))
        for render in PER_ISSUE
        for issue in newsletter.issues
    ]
    jobs += [Job(render, (published,)) for render in WHOLE_ARCHIVE]
    jobs += [Job(copy_asset, (path, data)) for path, data in newsletter.assets]
    jobs += [Job(copy_asset, (issue.path + name, data)) for issue in newsletter.issues for name, data in issue.files]
    return jobs


def copy_asset(path: str, data: bytes, env: jinja2.Environment) -> Files:
    """A file of the project's ``assets/`` or an image or attachment of an issue, published as it is."""
    return {path: data}


def output_problems(newsletter: Newsletter, files: Mapping[str, bytes]) -> list[Problem]:
    """Problems found in the rendered output (only read from ``files``)."""
    return email_problems(newsletter, files)
