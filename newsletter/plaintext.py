"""The text of sanitized HTML fragments: plain text, excerpts and search words.

Entries carry their summary and search words from the moment they are read
(see ``assembly.py``), so lists, feeds and the search index never take an
entry's HTML apart again. The fragments come from :mod:`newsletter.markup`,
so their tags are normalised: simple patterns are reliable on them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|td|th|dd|dt)>|<br\s*/?>")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")
"""A search word: a run of letters and digits, or one Chinese character (Chinese has no spaces).

Must split text as ``WORD`` in ``templates/search/search.js`` does."""


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment on one line, entities decoded."""
    spaced = _BLOCK_END.sub(" ", fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", spaced))).strip()


def excerpt(text: str, limit: int = 200) -> str:
    """The start of ``text``, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-—") + "…"


def words(text: str) -> list[str]:
    """Split text into lowercase search words."""
    return WORD.findall(text.lower())


def search_words(texts: Iterable[str]) -> str:
    """Every word of ``texts`` once, in order of first use, separated by spaces."""
    return " ".join(dict.fromkeys(word for text in texts for word in words(text)))
