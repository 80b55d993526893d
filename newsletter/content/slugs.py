"""File names from titles: short, ASCII, lowercase, and never clashing with an existing one."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

MAX_SLUG_LENGTH = 60
FALLBACK_SLUG = "entry"
"""Used when a title has no Latin letters or digits at all (e.g. one written in Chinese)."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Turn a title into ``[a-z0-9-]`` words joined by hyphens, at most ``max_length`` long."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = ascii_text.lower().replace("'", "")  # "CAC's rules" -> cacs-rules, not cac-s-rules
    slug = _NOT_SLUG.sub("-", words).strip("-")
    return _shorten(slug, max_length) or FALLBACK_SLUG


def _shorten(slug: str, max_length: int) -> str:
    """Cut at a word boundary where one is near enough, so slugs end in whole words."""
    if len(slug) <= max_length:
        return slug
    cut = slug[:max_length]
    boundary = cut.rfind("-")
    if boundary > max_length // 2:
        cut = cut[:boundary]
    return cut.rstrip("-")


def unique_slug(title: str, taken: Container[str], max_length: int = MAX_SLUG_LENGTH) -> str:
    """The slug of ``title``, or ``slug-2``, ``slug-3``... if it is in ``taken``."""
    base = slug = slugify(title, max_length)
    number = 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = _shorten(base, max_length - len(suffix)) + suffix
    return slug
