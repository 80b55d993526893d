"""Renderers: one module per output kind, each returning ``{site path: bytes}``."""

from __future__ import annotations

import jinja2

from newsletter.errors import Problem
from newsletter.model import Newsletter
from newsletter.render.calendar import render_calendars
from newsletter.render.email import email_problems, render_email
from newsletter.render.feeds import render_feeds
from newsletter.render.site import render_site


def render_all(newsletter: Newsletter, env: jinja2.Environment) -> tuple[dict[str, bytes], list[Problem]]:
    """Render every output kind; also return problems found in the rendered output."""
    files: dict[str, bytes] = {}
    files.update(render_site(newsletter, env))
    files.update(render_email(newsletter, env))
    files.update(render_feeds(newsletter, env))
    files.update(render_calendars(newsletter))
    return files, email_problems(newsletter, files)
