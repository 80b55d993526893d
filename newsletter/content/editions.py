"""``languages:`` in ``newsletter.yaml`` -> the other languages' editions (:class:`~newsletter.model.Edition`).

Each edition is named by a short code, its folder on the site and the
suffix of its files, and says what differs in its language::

    languages:
      zh:
        language: zh-Hans          # BCP 47 tag, required
        name: 中文                 # the switcher's label; default: the language's own name
        title: 中国网络安全与数据保护动态
        description: 每月一期……
        sections:                  # titles of the sections in this language
          regulatory: 监管动态
        email:                     # from, reply_to, unsubscribe_url; default: the newsletter's
          from: 团队 <team@example.org>
        footer: 本刊不构成法律意见。   # Markdown; default: the newsletter's

The default sections' titles have built-in translations; a custom section
without a title in the edition's language keeps its own, with a warning.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from newsletter.content.fields import Fields
from newsletter.content.i18n import language_name, language_problem, translations
from newsletter.content.layout import EDITION_CODE
from newsletter.content.markdown import render_markdown
from newsletter.content.registry import records
from newsletter.model import DEFAULT_SECTIONS, Config, Edition, EmailConfig, SectionConfig

EDITION_FIELDS = ("language", "name", "title", "description", "sections", "email", "footer")
TAKEN_FOLDERS = frozenset({
    "issues", "sections", "authorities", "tags", "instruments", "upcoming", "search", "assets", "calendars",
})
"""Folders of the site that an edition's code cannot take."""


def read_editions(fields: Fields, config: Config, read_email: Callable[[Fields], EmailConfig]) -> tuple[Edition, ...]:
    """The editions ``languages:`` names, each in full (what it does not say is the newsletter's)."""
    editions = []
    for code, edition in records(fields, "languages", EDITION_FIELDS):
        if not EDITION_CODE.fullmatch(code) or code in TAKEN_FOLDERS:
            edition.error(None, f"edition code '{code}' must be a short language code such as 'zh' or 'pt-br' "
                                "(it is the edition's folder on the site and the suffix of its files)")
            continue
        # With a mistake in its language the edition still stands, so its translations are recognised as such.
        language = edition.line("language", required=True) or code
        problem = language_problem(language)
        if problem:
            edition.error("language", problem)
            language = config.language  # a stand-in, for the checks of the content to go on
        elif language.casefold() == config.language.casefold():
            edition.error("language", f"'{language}' is the newsletter's own language: an edition is in another")
        editions.append(Edition(
            code=code,
            language=language,
            name=edition.line("name") or language_name(language),
            title=edition.line("title") or config.title,
            description=edition.text("description") or config.description,
            sections=_sections(edition, config, language),
            email=_email(edition, config.email, read_email),
            footer_html=_footer(edition, f"{config.base_url}{code}/", config),
        ))
    return tuple(editions)


def _sections(edition: Fields, config: Config, language: str) -> tuple[SectionConfig, ...]:
    """The newsletter's sections with their titles in ``language``: as given, built in, or (warned) their own."""
    given = edition.mapping("sections", [section.id for section in config.sections])
    defaults = {section.id: section.title for section in DEFAULT_SECTIONS}
    words = translations(language)
    result = []
    for section in config.sections:
        title = given.line(section.id) if given is not None else None
        if title is None and section.id in defaults:
            title = words.gettext(defaults[section.id])
        if title is None:
            edition.problems.append(edition.doc.problem(
                (*edition.prefix,), f"section '{section.id}' has no title in {language}: the edition shows "
                f"'{section.title}'; add it under 'sections:'", "warning"))
            title = section.title
        result.append(dataclasses.replace(section, title=title.strip()))
    return tuple(result)


def _footer(edition: Fields, site_url: str, config: Config) -> str:
    """The edition's footer in its language; the newsletter's where it gives none, marked with its language."""
    footer = edition.markdown("footer")
    if footer:
        return render_markdown(footer, site_url, "footer")
    return f'<div lang="{config.language}">{config.footer_html}</div>' if config.footer_html else ""


def _email(edition: Fields, own: EmailConfig, read_email: Callable[[Fields], EmailConfig]) -> EmailConfig:
    """The edition's email settings: what it gives, the newsletter's for the rest."""
    if not edition.has("email"):
        return own
    given = read_email(edition)
    return EmailConfig(
        from_address=given.from_address or own.from_address,
        reply_to=given.reply_to or own.reply_to,
        unsubscribe_url=given.unsubscribe_url or own.unsubscribe_url,
    )
