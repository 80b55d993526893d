"""The Jinja environment: project templates first, then the defaults shipped in the package.

A project overrides any template or the stylesheet by putting a file of the
same name in its ``templates/`` folder. An override can extend the default
it replaces with ``{% extends "default/issue.html" %}`` instead of copying it.
"""

from __future__ import annotations

import functools
import posixpath
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from newsletter.content.i18n import date_text
from newsletter.render.text import display_width, wrap

DEFAULTS = resources.files("newsletter") / "templates"


def default_templates_dir() -> Path:
    """The folder of templates shipped with the package."""
    return Path(str(DEFAULTS))


def make_environment(project_templates: Path | None, language: str = "en") -> jinja2.Environment:
    """Build the environment used by every renderer, writing dates as ``language`` does."""
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
    )
    env.globals["url"] = relative_url
    env.filters["long_date"] = functools.partial(date_text, language=language)
    env.filters["wrap"] = wrap
    env.filters["underline"] = underline
    return env


@jinja2.pass_context
def relative_url(context: Any, target: str) -> str:
    """Link from the page being rendered (``page_path``) to a site path, relatively.

    Relative links keep the site working under any base path and from disk.
    """
    path, hash_mark, fragment = target.partition("#")
    link = relative_path(path, posixpath.dirname(context["page_path"]))
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
