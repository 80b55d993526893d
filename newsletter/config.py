"""``newsletter.yaml`` -> a frozen :class:`~newsletter.model.Config`.

Every option, in one place (unknown keys are errors with a suggestion):

``title``          required; the newsletter's name.
``base_url``       required; absolute http(s) URL the site is published at.
                   Every link in the feeds and the email is made absolute under it.
``description``    one sentence about the newsletter (feeds, home page).
``language``       BCP 47 tag for ``<html lang>`` and the feeds; default ``en``.
``timezone``       IANA zone name used for dates in the email and feeds; default ``UTC``.
``email``          ``from``, ``reply_to`` (addresses) and ``unsubscribe_url`` (a URL
                   or a mailing service's merge tag, passed through verbatim).
``sections``       ordered list of ``{id, title, numbered}``; defaults to views,
                   regulatory, enforcement and industry.
``authorities``    map of short name to full name, e.g. ``CBIRC: China Banking ...``.
``registry``       authorities and instruments keyed by id, with Chinese names
                   (see ``registry.py``); may instead live in ``registry.yaml``.
``feed_limit``     how many of the newest items each feed carries (the archive feeds and
                   every section, authority and tag feed); default 50.
"""

from __future__ import annotations

import zoneinfo

from newsletter.errors import Problem
from newsletter.fields import SLUG, WEB_SCHEMES, Fields
from newsletter.loading import RawDocument
from newsletter.model import DEFAULT_SECTIONS, Config, EmailConfig, Registry, SectionConfig
from newsletter.registry import REGISTRY_FIELDS, flat_authorities, read_registry

CONFIG_FIELDS = (
    "title", "base_url", "description", "language", "timezone",
    "email", "sections", "authorities", "registry", "feed_limit",
)
EMAIL_FIELDS = ("from", "reply_to", "unsubscribe_url")
SECTION_FIELDS = ("id", "title", "numbered")


def read_config(
    doc: RawDocument, registry_doc: RawDocument | None = None, base_url: str | None = None
) -> tuple[Config | None, list[Problem]]:
    """Validate the config (and ``registry.yaml``); ``base_url`` overrides the file's."""
    problems = list(doc.problems)
    if not doc.ok:
        return None, problems
    fields = Fields(doc, CONFIG_FIELDS, problems)
    registry = _registry(fields, registry_doc)
    title = fields.text("title", required=True)
    if base_url is None:
        base_url = fields.url("base_url", required=True, schemes=WEB_SCHEMES)
    language = fields.text("language") or "en"
    timezone = _timezone(fields)
    feed_limit = fields.integer("feed_limit")
    if feed_limit is not None and feed_limit < 1:
        fields.error("feed_limit", "'feed_limit' must be at least 1")
    config = Config(
        title=title or "",
        base_url=_with_slash(base_url or ""),
        description=fields.text("description") or "",
        language=language,
        timezone=timezone,
        email=_email(fields),
        sections=_sections(fields),
        registry=registry,
        feed_limit=feed_limit or 50,
    )
    return (None if any(p.severity == "error" for p in problems) else config), problems


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _timezone(fields: Fields) -> str:
    name = fields.text("timezone") or "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        fields.error("timezone", f"unknown time zone '{name}'; expected an IANA name like Asia/Shanghai")
        return "UTC"
    return name


def _email(fields: Fields) -> EmailConfig:
    email = fields.mapping("email", EMAIL_FIELDS)
    if email is None:
        return EmailConfig()
    unsubscribe = email.text("unsubscribe_url")
    return EmailConfig(
        from_address=email.text("from"),
        reply_to=email.text("reply_to"),
        unsubscribe_url=unsubscribe.strip() if unsubscribe else None,
    )


def _sections(fields: Fields) -> tuple[SectionConfig, ...]:
    if not fields.has("sections"):
        return DEFAULT_SECTIONS
    sections: list[SectionConfig] = []
    for section in fields.mappings("sections", SECTION_FIELDS):
        section_id = section.text("id", required=True)
        title = section.text("title", required=True)
        numbered = section.boolean("numbered") if section.has("numbered") else True
        if section_id is None or title is None:
            continue
        if not SLUG.fullmatch(section_id):
            section.error("id", f"section id '{section_id}' must use lowercase letters, digits and hyphens")
        elif any(s.id == section_id for s in sections):
            section.error("id", f"section id '{section_id}' is used twice")
        else:
            sections.append(SectionConfig(section_id, title, numbered))
    if not sections:
        fields.error("sections", "'sections' must list at least one section")
    return tuple(sections)


def _registry(fields: Fields, registry_doc: RawDocument | None) -> Registry:
    places = [name for name in ("authorities", "registry") if fields.has(name)]
    if registry_doc is not None:
        places.append(registry_doc.path)
    if len(places) > 1:
        fields.error(places[0], f"authorities are defined both in '{places[0]}' and in {places[1]}: keep one")
    if registry_doc is not None:
        fields.problems.extend(registry_doc.problems)
        if not registry_doc.ok:
            return Registry()
        return read_registry(Fields(registry_doc, REGISTRY_FIELDS, fields.problems))
    nested = fields.mapping("registry", REGISTRY_FIELDS)
    return read_registry(nested) if nested is not None else flat_authorities(fields)
