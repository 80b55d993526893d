"""Dates written as the newsletter's language writes them.

English dates keep the tool's own form (``8 June 2022``, ``June 2022``);
every other language gets Babel's long form for its locale
(``2022年6月8日``, ``2022年6月``), so a ``language: zh-Hans`` newsletter dates
its pages, emails and feeds in Chinese.
"""

from __future__ import annotations

import datetime as dt

from newsletter.model import EntryDate, format_date


def locale_name(language: str) -> str:
    """Babel's name of a BCP 47 tag: ``zh-Hans`` -> ``zh_Hans``, ``en-GB`` -> ``en_GB``."""
    return language.replace("-", "_")


def is_english(language: str) -> bool:
    """Whether ``language`` is English, whose dates the tool writes itself."""
    return language.split("-")[0].lower() == "en"


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
