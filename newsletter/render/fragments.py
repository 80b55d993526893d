"""Small transformations of the sanitized HTML fragments that entries carry.

The fragments come from :mod:`newsletter.content.markdown`, so their tags are
normalised (lowercase, no attributes on headings): simple patterns are
reliable on them.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"<(/?)h([1-6])>")


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
