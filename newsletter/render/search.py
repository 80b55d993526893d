"""The archive's search index: a compact inverted index that the search page loads.

Built at build time from the model, written as ``search/index.js`` (a script
that assigns a JSON literal, so the search page also works when the site is
opened from disk, where browsers refuse to fetch files). Layout::

    {"docs": [[permalink, title, meta line, excerpt], ...],   # newest first
     "words": {"cbirc": [0, 4], "fine": [4], ...}}            # word -> doc numbers

Words are lowercased runs of letters and digits; each Chinese character is a
word of its own, because Chinese is written without spaces. The search page
(``search.js``) splits the query the same way, matches each query word as a
prefix of indexed words and keeps the documents that match every word.
"""

from __future__ import annotations

import json
import re

from newsletter.model import Newsletter
from newsletter.render.fragments import entry_summary, plain_text
from newsletter.render.taxonomy import Placed, newest_first, placed_entries

Files = dict[str, bytes]

INDEX_PATH = "search/index.js"
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")
"""Must split text as ``WORD`` in ``search.js`` does."""


def words(text: str) -> list[str]:
    """Split text into lowercase search words."""
    return WORD.findall(text.lower())


def render_search(newsletter: Newsletter) -> Files:
    """Render the search index of every development in the archive."""
    index = search_index(newsletter)
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    return {INDEX_PATH: f"window.newsletterSearchIndex = {data};\n".encode()}


def search_index(newsletter: Newsletter) -> dict[str, object]:
    """The index as plain data: documents newest first, and each word's document numbers."""
    placed = newest_first(placed_entries(newsletter))
    postings: dict[str, list[int]] = {}
    for number, p in enumerate(placed):
        for word in sorted(set(words(_searchable_text(p)))):
            postings.setdefault(word, []).append(number)
    docs = [
        [p.entry.permalink, p.entry.title, _meta_line(p), entry_summary(p.entry)] for p in placed
    ]
    return {"docs": docs, "words": dict(sorted(postings.items()))}


def _searchable_text(p: Placed) -> str:
    entry = p.entry
    return " ".join([
        entry.title,
        plain_text(entry.body_html),
        plain_text(entry.highlight_html or ""),
        entry.date.display,
        p.section.title,
        *(f"{a.short} {a.name}" for a in entry.authorities),
        *entry.tags,
        *(source.title for source in entry.sources),
    ])


def _meta_line(p: Placed) -> str:
    parts = [p.entry.date.display, *(a.short for a in p.entry.authorities), p.section.title]
    return " · ".join(parts)
