"""The Jinja environment: project templates first, then the defaults shipped in the package.

A project overrides any template or the stylesheet by putting a file of the
same name in its ``templates/`` folder. An override can extend the default
it replaces with ``{% extends "default/issue.html" %}`` instead of copying it.

Templates write every fixed word as ``{{ _("English text") }}``, looked up in
the newsletter language's catalog (see :mod:`newsletter.content.i18n`), and
every date through the ``long_date`` filter.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from newsletter.content.i18n import date_text, language_label, translations
from newsletter.model import Authority, Entry, EntryDate, Lifecycle
from newsletter.render.fragments import EachOnce, link_mark
from newsletter.render.text import display_width, wrap

DEFAULTS = resources.files("newsletter") / "templates"


def default_templates_dir() -> Path:
    """The folder of templates shipped with the package."""
    return Path(str(DEFAULTS))


def make_environment(
    project_templates: Path | None, language: str = "en", project_locales: Path | None = None
) -> jinja2.Environment:
    """Build the environment used by every renderer, in ``language`` (with the project's own catalogs)."""
    defaults = jinja2.FileSystemLoader(default_templates_dir())
    loaders: list[jinja2.BaseLoader] = []
    if project_templates is not None:
        loaders.append(jinja2.FileSystemLoader(project_templates))
    loaders += [defaults, jinja2.PrefixLoader({"default": defaults})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    messages = translations(language, project_locales)
    env.install_gettext_translations(messages, newstyle=True)  # type: ignore[attr-defined]
    dates = functools.partial(date_text, language=language)
    env.globals["url"] = page_url
    env.globals["each_once"] = EachOnce(link_from)
    env.globals["key_dates"] = functools.partial(key_dates, Words(messages.gettext, dates, language))
    env.globals["status_line"] = functools.partial(status_line, Words(messages.gettext, dates, language))
    env.globals["authority_label"] = functools.partial(authority_label, language)
    env.globals["language_label"] = functools.partial(language_label, language)
    env.filters["long_date"] = dates
    env.filters["local_images"] = local_images
    env.filters["wrap"] = wrap
    env.filters["underline"] = underline
    return env


@dataclass(frozen=True)
class Words:
    """How the interface's language writes a message and a date."""

    gettext: Callable[[str], str]
    date: Callable[[date | EntryDate], str]
    language: str = "en"


def key_dates(words: Words, life: Lifecycle) -> str:
    """``Comments due 7 July 2022 · Effective 1 September 2022`` in the language, or empty."""
    parts = []
    if life.comment_deadline:
        parts.append(words.gettext("Comments due %(date)s") % {"date": words.date(life.comment_deadline)})
    if life.effective_date:
        parts.append(words.gettext("Effective %(date)s") % {"date": words.date(life.effective_date)})
    return " · ".join(parts)


def status_line(words: Words, entry: Entry) -> str:
    """Where space is short (email, text, feeds): ``Issued · Effective 1 September 2022 · No. 12 · PIPL``."""
    life = entry.lifecycle
    status = words.gettext(life.status_label) if life.status_label else ""
    instruments = ", ".join(instrument.short_in(words.language) for instrument in entry.instruments)
    parts = (status, key_dates(words, life), life.document_number, instruments)
    return " · ".join(part for part in parts if part)


def authority_label(language: str, authority: Authority) -> str:
    """An authority as a page in ``language`` names it (see :meth:`Authority.label_in`)."""
    return authority.label_in(language)


_SOURCE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)"')


@jinja2.pass_context
def local_images(context: Any, fragment: str) -> str:
    """Point the site's own images (bundled with an issue) at them relatively from the page.

    Entries hold every address absolute, as the email and the feeds need;
    on a page, an image of the site itself then shows from disk and in the
    preview too, before the site is published at ``base_url``.
    """
    base = context["site"].base_url

    def relative(found: re.Match[str]) -> str:
        source = found[2]
        if not source.startswith(base):
            return found.group()
        return f'{found[1]}{relative_url(context, source[len(base):])}"'

    return _SOURCE.sub(relative, fragment)


@jinja2.pass_context
def relative_url(context: Any, target: str) -> str:
    """Link from the page being rendered (``page_path``) to a site path, relatively.

    Relative links keep the site working under any base path and from disk.
    """
    return link_from(target, context["page_path"])


@jinja2.pass_context
def page_url(context: Any, target: str) -> str:
    """``url()`` in templates: :func:`relative_url`, or a stand-in while ``each_once`` renders an item for every page.

    See :class:`newsletter.render.fragments.EachOnce`.
    """
    mark = link_mark(target)
    return link_from(target, context["page_path"]) if mark is None else mark


@functools.lru_cache(maxsize=1 << 14)
def link_from(target: str, page_path: str) -> str:
    """A link to the site path ``target`` from the page at ``page_path``: what ``url()`` gives.

    Memoised: a page links to the same places again and again (its tags, sections, issue).
    """
    path, hash_mark, fragment = target.partition("#")
    link = relative_path(path, posixpath.dirname(page_path))
    if path == "" or path.endswith("/"):
        link = "./" if link == "." else link + "/"
    if hash_mark and link == "./":
        link = ""
    return link + hash_mark + fragment


def relative_path(path: str, here: str) -> str:
    """``posixpath.relpath`` for site paths (no ``.`` or ``..`` parts), without its system calls.

    Pages hold thousands of links, and ``relpath`` asks for the working directory twice per link.
    """
    target_parts = [part for part in path.split("/") if part]
    here_parts = [part for part in here.split("/") if part]
    common = 0
    for target_part, here_part in zip(target_parts, here_parts, strict=False):
        if target_part != here_part:
            break
        common += 1
    return "/".join([".."] * (len(here_parts) - common) + target_parts[common:]) or "."


def underline(heading: str, mark: str = "=") -> str:
    """A plain-text heading: the text, then a rule of the same width."""
    return f"{heading}\n{mark * display_width(heading)}"
