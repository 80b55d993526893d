"""File names from titles: short, ASCII, lowercase, and never clashing with an existing one.

Chinese is written in pinyin, a syllable a word (``数据出境安全评估办法`` ->
``shu-ju-chu-jing-an-quan-ping-gu-ban-fa``), so that a development titled
only in Chinese still gets a name an editor can read and type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

MAX_SLUG_LENGTH = 60
FALLBACK_SLUG = "entry"
"""Used when a title has no letters or digits that can be written in ASCII at all."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def slugify(title: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Turn a title into ``[a-z0-9-]`` words joined by hyphens, at most ``max_length`` long."""
    ascii_text = unicodedata.normalize("NFKD", _in_pinyin(title)).encode("ascii", "ignore").decode()
    words = ascii_text.lower().replace("'", "")  # "CAC's rules" -> cacs-rules, not cac-s-rules
    slug = _NOT_SLUG.sub("-", words).strip("-")
    return _shorten(slug, max_length) or FALLBACK_SLUG


def _in_pinyin(text: str) -> str:
    """``text`` with its Chinese characters written in pinyin without tones, each as a word of its own."""
    if not _HAN.search(text):
        return text
    from pypinyin import lazy_pinyin  # imported on first use: large, and needed for Chinese titles only

    return " ".join(lazy_pinyin(text, errors=lambda other: other))


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
