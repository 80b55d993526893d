"""Small transformations of the sanitized HTML fragments that entries carry.

The fragments come from :mod:`newsletter.markup`, so their tags are
normalised (lowercase, no attributes on headings): simple patterns are
reliable on them.
"""

from __future__ import annotations

import html
import re

from newsletter.model import Entry

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_HEADING = re.compile(r"<(/?)h([1-6])>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|td|th|dd|dt)>|<br\s*/?>")


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment on one line, entities decoded."""
    spaced = _BLOCK_END.sub(" ", fragment)
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", spaced))).strip()


def excerpt(fragment: str, limit: int = 200) -> str:
    """The start of a fragment's text, cut at a word boundary with an ellipsis."""
    text = plain_text(fragment)
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-—") + "…"


def entry_summary(entry: Entry) -> str:
    """The start of an entry's text (or of its highlight, if it has no body); may be empty."""
    return excerpt(entry.body_html or entry.highlight_html or "")


def shift_headings(fragment: str, top: int) -> str:
    """Renumber headings so the highest one in the fragment becomes ``<h{top}>``.

    An entry's own headings must sit one level below the heading of the
    entry, which is ``h1`` on its own page and ``h3`` on the issue page.
    """
    levels = [int(level) for _, level in _HEADING.findall(fragment)]
    if not levels:
        return fragment
    shift = top - min(levels)

    def renumber(match: re.Match[str]) -> str:
        return f"<{match.group(1)}h{min(int(match.group(2)) + shift, 6)}>"

    return _HEADING.sub(renumber, fragment)
