"""The archive's search index: every development with its words, for the search page to match.

Built at build time from the model, written as ``search/index.js`` (a script
that assigns a JSON literal, so the search page also works when the site is
opened from disk, where browsers refuse to fetch files). Layout::

    {"docs": [[permalink, title, meta line, excerpt, words], ...]}   # newest first

``words`` holds the search words of the development, separated by spaces:
its own (found when the entry was read, see
:func:`newsletter.plaintext.search_words`), then those of where it was filed
(date, section, authorities, tags). The search page (``search.js``) splits
the query into words the same way and keeps the developments that have,
for every query word, a word starting with it. Shipping words rather than an
inverted index keeps the build linear in the number of developments with a
small constant: the index is rebuilt whenever anything changes.
"""

from __future__ import annotations

import json

from newsletter.model import Newsletter
from newsletter.plaintext import words
from newsletter.render.taxonomy import Placed, newest_first, placed_entries

Files = dict[str, bytes]

INDEX_PATH = "search/index.js"


def render_search(newsletter: Newsletter) -> Files:
    """Render the search index of every development in the archive."""
    index = search_index(newsletter)
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return {INDEX_PATH: f"window.newsletterSearchIndex = {data};\n".encode()}


def search_index(newsletter: Newsletter) -> dict[str, object]:
    """The index as plain data: each development, newest first, with its words."""
    placed = newest_first(placed_entries(newsletter))
    docs = [
        [p.entry.permalink, p.entry.title, _meta_line(p), p.entry.summary, _words(p)] for p in placed
    ]
    return {"docs": docs}


def _words(p: Placed) -> str:
    entry = p.entry
    filed = words(" ".join([
        entry.date.display,
        p.section.title,
        *(f"{a.short} {a.name}" for a in entry.authorities),
        *entry.tags,
    ]))
    # Joined, not merged: deduplicating against the entry's own words costs more than the bytes it saves.
    return f"{entry.search_words} {' '.join(dict.fromkeys(filed))}"


def _meta_line(p: Placed) -> str:
    parts = [p.entry.date.display, *(a.short for a in p.entry.authorities), p.section.title]
    return " · ".join(parts)
