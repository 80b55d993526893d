"""The archive's search index: every development with its words, for the search page to match.

Built at build time from the model and written as scripts that the search
page loads (scripts, not JSON files, so that search also works when the site
is opened from disk, where browsers refuse to fetch files). The index is cut
by the year of each development's date, one script per year
(``search/2022.js``), so an edit rewrites only its year's part. Each part
appends its developments, newest first, to one list::

    window.newsletterSearch = (window.newsletterSearch || []).concat(
      [[permalink, title, meta line, excerpt, words], ...]);

and the search page loads the parts newest year first, so the list is in
the archive's newest-first order. ``words`` holds the search words of the
development, separated by spaces: its own (found when the entry was read,
see :func:`newsletter.content.markdown.search_words`), then those of where it was
filed (date, section, authorities, tags). Chinese is indexed as each
character and each pair of neighbouring characters. The search page
(``search.js``) splits the query into words the same way (a run of Chinese
into its pairs) and keeps the developments that have, for every query word,
a word starting with it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jinja2

from newsletter.content.i18n import date_text
from newsletter.content.markdown import search_words
from newsletter.render.jobs import Files, Job
from newsletter.render.taxonomy import Placed, newest_first


@dataclass(frozen=True)
class SearchIndex:
    """What the web edition needs for search: the jobs writing the index, and the search page's values."""

    jobs: list[Job]
    page_values: dict[str, Any]


def search_index(placed: tuple[Placed, ...], language: str) -> SearchIndex:
    """The index of the developments ``placed`` (what a build without drafts publishes), in ``language``."""
    parts = index_parts(placed)
    jobs = [Job(_index_part_file, (path, members, language)) for path, members in parts.items()]
    return SearchIndex(jobs, {"index_parts": tuple(parts)})


def _index_part_file(path: str, placed: tuple[Placed, ...], language: str, env: jinja2.Environment) -> Files:
    return render_index_part(path, placed, language)


def index_parts(placed: tuple[Placed, ...]) -> dict[str, tuple[Placed, ...]]:
    """The index cut by year, newest first: ``{site path of the part: its developments}``."""
    parts: dict[str, list[Placed]] = {}
    for p in newest_first(placed):
        parts.setdefault(f"search/{p.entry.date.year}.js", []).append(p)
    return {path: tuple(members) for path, members in parts.items()}


def render_index_part(path: str, placed: tuple[Placed, ...], language: str = "en") -> Files:
    """One part of the search index: a script adding ``placed`` to the list of developments."""
    docs = [[p.entry.permalink, p.entry.title, _meta_line(p, language), p.entry.summary, _words(p)] for p in placed]
    data = json.dumps(docs, ensure_ascii=False, separators=(",", ":"))
    return {path: f"window.newsletterSearch = (window.newsletterSearch || []).concat({data});\n".encode()}


def _words(p: Placed) -> str:
    entry = p.entry
    filed = search_words([
        entry.date.display,
        p.section.title,
        *(f"{a.short} {a.name}" for a in entry.authorities),
        *entry.tags,
    ])
    # Joined, not merged: deduplicating against the entry's own words costs more than the bytes it saves.
    return f"{entry.search_words} {filed}"


def _meta_line(p: Placed, language: str) -> str:
    parts = [date_text(p.entry.date, language), *(a.short for a in p.entry.authorities), p.section.title]
    return " · ".join(parts)
