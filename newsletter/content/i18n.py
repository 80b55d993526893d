"""The interface in the newsletter's language: its words from message catalogs, its dates from Babel.

Every fixed word a reader sees (headings, labels, links, the email's lines)
is an English message looked up in the catalog of the newsletter's
``language``; the tool ships ``zh_Hans``, and a project may add or override
messages in ``locales/<locale>/messages.po``. English dates keep the tool's
own form (``8 June 2022``, ``June 2022``); every other language gets Babel's
long form for its locale (``2022年6月8日``, ``2022年6月``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from newsletter.model import EntryDate, format_date

if TYPE_CHECKING:
    from babel.support import NullTranslations


def locale_name(language: str) -> str:
    """Babel's name of a BCP 47 tag: ``zh-Hans`` -> ``zh_Hans``, ``en-GB`` -> ``en_GB``."""
    return language.replace("-", "_")


def is_english(language: str) -> bool:
    """Whether ``language`` is English, whose dates the tool writes itself."""
    return language.split("-")[0].lower() == "en"


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def language_problem(language: str) -> str | None:
    """Why ``language`` cannot be a newsletter's language (its dates and words need a locale Babel knows)."""
    if not _LANGUAGE_TAG.fullmatch(language):
        return f"'{language}' is not a BCP 47 language tag such as zh-Hans or en-GB"
    if is_english(language):
        return None
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale_name(language))
    except (ValueError, UnknownLocaleError):
        return f"'{language}' is not a language the tool knows how to write dates for (such as zh-Hans or fr)"
    return None


def has_catalog(language: str, project_catalogs: Collection[str]) -> bool:
    """Whether the interface has words in ``language``: English, the tool's catalog, or one of ``project_catalogs``."""
    name = locale_name(language)
    shipped = LOCALES / name / "LC_MESSAGES" / "messages.po"
    return is_english(language) or name in project_catalogs or shipped.is_file()


def language_name(language: str) -> str:
    """The language's name for itself, as a language switcher shows it: ``English``, ``中文``."""
    if is_english(language):
        return "English"
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(locale_name(language))
    except (ValueError, UnknownLocaleError):
        return language
    return locale.get_language_name(locale) or language


def language_label(language: str, shown: str) -> str:
    """The name of the language ``shown`` as ``language`` writes it: ``English``, ``英语``."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale_name(shown)).get_language_name(locale_name(language)) or shown
    except (ValueError, UnknownLocaleError):
        return shown


def date_text(date: dt.date | EntryDate, language: str) -> str:
    """A date (an issue's, or an entry's, perhaps known to the month only) as ``language`` writes it."""
    day = date.day if isinstance(date, dt.date) else date.day
    first = date if isinstance(date, dt.date) else date.sort_date
    if is_english(language):
        return format_date(first.year, first.month, day)
    from babel.dates import format_date as babel_date  # imported on first use: English needs none of it
    from babel.dates import format_skeleton

    locale = locale_name(language)
    return babel_date(first, "long", locale=locale) if day else format_skeleton("yMMMM", first, locale=locale)


LOCALES = Path(__file__).resolve().parent.parent / "locales"
"""The message catalogs that ship with the tool: ``<locale>/LC_MESSAGES/messages.po``."""

def translations(language: str, project_locales: Path | None = None) -> NullTranslations:
    """The interface's words in ``language``: the project's catalog over the tool's, English for what neither has.

    English needs no catalog: its messages are the English text. Catalogs
    are ``.po`` files read through Babel, so there is no compiled file to
    keep in step with them.
    """
    from babel.support import NullTranslations

    if is_english(language):
        return NullTranslations()
    found = _catalog(language, LOCALES / locale_name(language) / "LC_MESSAGES" / "messages.po")
    own = project_locales / locale_name(language) / "messages.po" if project_locales is not None else None
    if own is None or not own.is_file():
        return found
    mine = _catalog(language, own)
    mine.add_fallback(found)
    return mine


def _catalog(language: str, path: Path) -> NullTranslations:
    """The catalog at ``path``, read once per version of the file; none (English) if there is no file."""
    try:
        version = path.stat().st_mtime_ns
    except OSError:
        version = 0
    return _read_catalog(language, str(path), version)


@lru_cache(maxsize=16)
def _read_catalog(language: str, path: str, version: int) -> NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    if not version:
        return NullTranslations()
    with open(path, "rb") as file:
        catalog = read_po(file, locale=locale_name(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
