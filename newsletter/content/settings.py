"""``newsletter.yaml`` -> a frozen :class:`~newsletter.model.Config`.

Every option, in one place (unknown keys are errors with a suggestion):

``title``          required; the newsletter's name.
``base_url``       required; absolute http(s) URL the site is published at.
                   Every link in the feeds and the email is made absolute under it.
``description``    one sentence about the newsletter (feeds, home page).
``language``       BCP 47 tag for ``<html lang>`` and the feeds; default ``en``.
``timezone``       IANA zone name used for dates in the email and feeds; default ``UTC``.
``email``          ``from``, ``reply_to`` (one address each, ``Name <user@host>``) and
                   ``unsubscribe_url``: an http(s) or mailto: URL, or a mailing
                   service's merge tag such as ``*|UNSUB|*``, passed through verbatim.
``sections``       ordered list of ``{id, title, numbered}``; defaults to views,
                   regulatory, enforcement and industry.
``authorities``    map of short name to full name, e.g. ``CBIRC: China Banking ...``.
``registry``       authorities and instruments keyed by id, with Chinese names
                   (see ``registry.py``); may instead live in ``registry.yaml``.
``feed_limit``     how many of the newest items each feed carries (the archive feeds and
                   every section, authority and tag feed); default 50.
``page_size``      how many developments each page of a section, authority or tag list
                   shows; default 50.
``footer``         Markdown (a disclaimer, an address) shown on every page and in both
                   parts of every email.
``authors``        map of id to ``{name, title, email, url, name_zh}``: the writers entries
                   name in their ``authors`` field, by id (an unknown id is an error).
                   Without it, entries write the names themselves.
``languages``      the other languages' editions, by code: ``zh: {language: zh-Hans, title, ...}``
                   (see ``editions.py``).
``bylines``        where a development's ``authors`` are named, "By Jane Doe and John Roe": any of
                   ``pages`` (the development's own page), ``issue`` (the issue's web page) and
                   ``email`` (both parts of the email); default ``[pages]``. ``[]`` names them
                   only in the feeds, which always do.
``logo``           an https URL, or a file of the project's ``assets/`` folder (which is
                   copied to ``output/assets/``); shown with the newsletter's title as its
                   text on every page and in the email's masthead.
"""

from __future__ import annotations

import dataclasses
import zoneinfo
from collections.abc import Collection
from email import policy
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from newsletter.content.editions import read_editions
from newsletter.content.fields import SLUG, Fields, did_you_mean
from newsletter.content.i18n import has_catalog, language_name, language_problem, locale_name, translations
from newsletter.content.layout import ASSETS_FOLDER
from newsletter.content.loading import KeyPath, RawDocument
from newsletter.content.markdown import render_markdown
from newsletter.content.merge_tags import MERGE_TAG, has_merge_tag, is_merge_tag
from newsletter.content.registry import REGISTRY_FIELDS, flat_authorities, read_registry, records
from newsletter.content.urls import LINK_SCHEMES, WEB_SCHEMES, url_problem
from newsletter.errors import Problem, errors_in
from newsletter.model import DEFAULT_SECTIONS, Author, Config, EmailConfig, Registry, SectionConfig
from newsletter.options import Options

CONFIG_FIELDS = (
    "title", "base_url", "description", "language", "timezone",
    "email", "sections", "authorities", "registry", "feed_limit", "page_size", "footer", "logo",
    "authors", "languages", "bylines",
)
BYLINE_PLACES = ("pages", "issue", "email")
"""Where a byline can be shown, for the ``bylines`` setting."""
AUTHOR_FIELDS = ("name", "title", "email", "url", "name_zh")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
EMAIL_LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif")
"""Image kinds that every common mail client shows (Gmail and Outlook show no SVG, Outlook no WebP)."""
EMAIL_FIELDS = ("from", "reply_to", "unsubscribe_url")
READER_PLACEHOLDERS = ("{email}", "{token}")
"""What ``newsletter send`` fills in per reader in the ``unsubscribe_url``: the address and its signature."""
MAX_UNSUBSCRIBE_CHARS = 900
"""Keeps ``List-Unsubscribe: <...>`` on one header line under RFC 5322's 998 bytes."""
SECTION_FIELDS = ("id", "title", "numbered")
STAND_IN_URL = "https://example.invalid/"
"""The base URL entries are checked against when the settings give none that works."""


def read_settings(
    doc: RawDocument, registry: RawDocument | None, options: Options, assets: Collection[str] = (),
    catalogs: Collection[str] = (),
) -> tuple[Config, list[Problem]]:
    """Validate the settings and the registry; with errors, entries are still checked against what was read.

    What a mistake makes unreadable falls back to its default, the rest
    (the registry, the editions) stands: a typo in one setting must not
    turn every development that names an authority into an error too.
    """
    config, problems = _read_config(doc, registry, options.base_url, assets)
    if config is None:
        return Config(title="", base_url=STAND_IN_URL), problems
    return config, problems + _catalog_warnings(doc, config, catalogs)


def _catalog_warnings(doc: RawDocument, config: Config, catalogs: Collection[str]) -> list[Problem]:
    """A language the interface has no words for is written in English: say so, at its line."""
    places: list[tuple[KeyPath, str]] = [(("language",), config.language)]
    places += [(("languages", edition.code, "language"), edition.language) for edition in config.editions]
    return [
        doc.problem(keypath, f"the tool has no catalog for '{language}': the words of the interface (headings, "
                             f"labels, the email's lines) will be in English; add them in locales/"
                             f"{locale_name(language)}/messages.po (see docs/languages.md)", "warning")
        for keypath, language in places
        if not language_problem(language) and not has_catalog(language, catalogs)
    ]


def read_config(
    doc: RawDocument, registry_doc: RawDocument | None = None, base_url: str | None = None,
    assets: Collection[str] = (),
) -> tuple[Config | None, list[Problem]]:
    """Validate the config (and ``registry.yaml``); ``base_url`` overrides the file's; ``None`` if it has errors.

    ``assets`` are the site paths of the files in the project's ``assets/``, which ``logo`` may name.
    """
    config, problems = _read_config(doc, registry_doc, base_url, assets)
    return (None if any(p.severity == "error" for p in problems) else config), problems


def _read_config(
    doc: RawDocument, registry_doc: RawDocument | None, base_url: str | None, assets: Collection[str],
) -> tuple[Config | None, list[Problem]]:
    """The config as far as it could be read, and its problems; ``None`` only if the file is not YAML."""
    problems = list(doc.problems)
    if not doc.ok:
        return None, problems
    fields = Fields(doc, CONFIG_FIELDS, problems)
    before = len(problems)
    registry = _registry(fields, registry_doc)
    if errors_in(problems[before:]):
        # Records left out would make every entry naming them an error too: check entries against none.
        registry = Registry()
    title = fields.line("title", required=True)
    if base_url is None:
        base_url = fields.url("base_url", required=True, schemes=WEB_SCHEMES)
        if base_url is not None and (urlsplit(base_url).query or urlsplit(base_url).fragment):
            fields.error("base_url", f"'base_url' {base_url} has a query or fragment; every page's address "
                                     "is made by adding to it, so it must end with a path")
            base_url = None
    language = _language(fields)
    timezone = _timezone(fields)
    feed_limit, page_size = _at_least_one(fields, "feed_limit"), _at_least_one(fields, "page_size")
    config = Config(
        title=title or "",
        base_url=_with_slash(base_url) if base_url else STAND_IN_URL,
        description=fields.text("description") or "",
        language=language,
        timezone=timezone,
        email=_email(fields),
        sections=_sections(fields, language),
        registry=registry,
        feed_limit=feed_limit or 50,
        page_size=page_size or 50,
        footer_html=_footer(fields, _with_slash(base_url) if base_url else STAND_IN_URL),
        logo=_logo(fields, assets),
        authors=_authors(fields),
        language_name=language_name(language),
        bylines=_bylines(fields),
    )
    config = dataclasses.replace(config, editions=read_editions(fields, config, _email))
    return config, problems


def _authors(fields: Fields) -> tuple[Author, ...]:
    """The ``authors`` map: each writer by id, with a name and optionally title, email, URL, Chinese name."""
    authors = []
    for author_id, author in records(fields, "authors", AUTHOR_FIELDS):
        name = author.line("name", required=True)
        email = author.line("email")
        if email is not None and address_problem(email):
            author.error("email", f"'email' {address_problem(email)}")
            email = None
        if name is not None:
            authors.append(Author(name.strip(), author_id, author.line("title"), email,
                                  author.url("url", schemes=WEB_SCHEMES), author.line("name_zh")))
    return tuple(authors)


def _bylines(fields: Fields) -> tuple[str, ...]:
    """The places of ``bylines``, each once, in the order of ``BYLINE_PLACES``; ``pages`` if not given."""
    if not fields.has("bylines"):
        return ("pages",)
    places = set()
    for index, place in fields.indexed_texts("bylines"):
        if place in BYLINE_PLACES:
            places.add(place)
        else:
            fields.item_problem("bylines", index, f"unknown place '{place}' in 'bylines'"
                                f"{did_you_mean(place, BYLINE_PLACES)} (places: {', '.join(BYLINE_PLACES)})")
    return tuple(place for place in BYLINE_PLACES if place in places)


def _footer(fields: Fields, base_url: str) -> str:
    footer = fields.markdown("footer")
    return render_markdown(footer, base_url, "footer") if footer else ""


def _logo(fields: Fields, assets: Collection[str]) -> str | None:
    logo = fields.line("logo")
    if logo is None:
        return None
    if "://" in logo:
        return fields.url("logo", schemes=("https",))
    path = PurePosixPath(logo)
    if path.suffix.lower() not in LOGO_SUFFIXES:
        fields.error("logo", f"logo '{logo}' is not an image: use {', '.join(LOGO_SUFFIXES)}")
        return None
    if logo not in assets:
        fields.error("logo", f"there is no file {logo}: put the logo in the project's {ASSETS_FOLDER}/ folder "
                             f"and write its path, like {ASSETS_FOLDER}/logo.png, or give an https URL")
        return None
    if path.suffix.lower() not in EMAIL_LOGO_SUFFIXES:
        fields.problems.append(fields.doc.problem(
            ("logo",), f"many mail clients show no {path.suffix} image: use a PNG for the email's logo", "warning"))
    return logo


def _at_least_one(fields: Fields, key: str) -> int | None:
    """A positive whole number, if given."""
    number = fields.integer(key)
    if number is not None and number < 1:
        fields.error(key, f"'{key}' must be at least 1")
    return number


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _language(fields: Fields) -> str:
    language = fields.line("language") or "en"
    problem = language_problem(language)
    if problem:
        fields.error("language", problem)
        return "en"
    return language


def _timezone(fields: Fields) -> str:
    name = fields.line("timezone") or "UTC"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" names a folder of zones
        fields.error("timezone", f"unknown time zone '{name}'; expected an IANA name like Asia/Shanghai")
        return "UTC"
    return name


def _email(fields: Fields) -> EmailConfig:
    email = fields.mapping("email", EMAIL_FIELDS)
    if email is None:
        return EmailConfig()
    return EmailConfig(
        from_address=_address(email, "from"),
        reply_to=_address(email, "reply_to"),
        unsubscribe_url=_unsubscribe_url(email),
    )


def _address(email: Fields, key: str) -> str | None:
    value = email.text(key)
    if value is None:
        return None
    problem = address_problem(value)
    if problem:
        email.error(key, f"'{key}' {problem}")
        return None
    return value.strip()


def address_problem(value: str) -> str | None:
    """Explain why ``value`` is not one email address such as ``Team <team@example.org>``."""
    header = policy.default.header_factory("To", value)
    addresses = header.addresses
    if header.defects or len(addresses) != 1 or not addresses[0].domain:
        return f"'{value}' is not one email address like 'Team <team@example.org>'"
    return None


def _unsubscribe_url(email: Fields) -> str | None:
    value = email.text("unsubscribe_url")
    if value is None:
        return None
    value = value.strip()
    problem = unsubscribe_problem(value)
    if problem:
        email.error(
            "unsubscribe_url",
            f"'unsubscribe_url': {problem}; use an http(s) or mailto: URL, or a mailing "
            "service's merge tag such as *|UNSUB|* or {{ UnsubscribeURL }}",
        )
        return None
    if is_fixed_https_link(value):
        email.problems.append(email.doc.problem(
            (*email.prefix, "unsubscribe_url"),
            f"'unsubscribe_url' {value} is the same for every reader, so the email leaves out the "
            "one-click unsubscribe header (List-Unsubscribe-Post, RFC 8058): one click needs a link that "
            "names the reader, with {email} or {token} for newsletter send, or your mailing service's "
            "merge tag, as in https://example.org/leave?id=*|UNIQID|*",
            "warning",
        ))
    return value


def is_fixed_https_link(url: str) -> bool:
    """Whether ``url`` is an https link that is the same for every reader: no reader placeholder, no merge tag."""
    personal = any(placeholder in url for placeholder in READER_PLACEHOLDERS) or has_merge_tag(url)
    return url.lower().startswith("https://") and not personal


def unsubscribe_problem(value: str) -> str | None:
    """Explain why ``value`` cannot be the unsubscribe link, or ``None`` if it can."""
    if is_merge_tag(value):
        return None
    if not value.isascii():
        return f"'{value}' contains non-ASCII characters (percent-encode them)"
    if len(value) > MAX_UNSUBSCRIBE_CHARS:
        return f"the URL is longer than {MAX_UNSUBSCRIBE_CHARS} characters"
    # A URL may carry merge tags of its own (...?id=*|UNIQID|*): check it with them filled in.
    filled = MERGE_TAG.sub("tag", value)
    if any(char in filled for char in '<>"'):
        return f"'{value}' contains <, > or \" (percent-encode them)"
    try:
        scheme = urlsplit(filled).scheme.lower()
    except ValueError:  # a malformed [IPv6] host
        return f"'{value}' is not a valid URL"
    if not scheme:
        return f"'{value}' is neither an absolute URL nor a merge tag"
    if scheme not in LINK_SCHEMES:
        return f"'{value}' uses the '{scheme}:' scheme"
    problem = url_problem(filled, LINK_SCHEMES)
    return problem.replace(f"'{filled}'", f"'{value}'") if problem else None


def _sections(fields: Fields, language: str) -> tuple[SectionConfig, ...]:
    if not fields.has("sections"):  # the default titles, in the newsletter's language
        words = translations(language)
        return tuple(dataclasses.replace(section, title=words.gettext(section.title)) for section in DEFAULT_SECTIONS)
    sections: list[SectionConfig] = []
    for section in fields.mappings("sections", SECTION_FIELDS):
        section_id = section.line("id", required=True)
        title = section.line("title", required=True)
        numbered = section.boolean("numbered") if section.has("numbered") else True
        if section_id is None or title is None:
            continue
        if not SLUG.fullmatch(section_id):
            section.error("id", f"section id '{section_id}' must use lowercase letters, digits and hyphens")
        elif any(s.id == section_id for s in sections):
            section.error("id", f"section id '{section_id}' is used twice")
        else:
            sections.append(SectionConfig(section_id, title, numbered))
    written = fields.data.get("sections")
    if not sections and isinstance(written, list) and not written:  # other mistakes have their own message
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
