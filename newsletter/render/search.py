"""The archive's search index: an inverted index cut into small scripts that the search page loads on demand.

Built at build time from the model and written as scripts, not JSON files,
so that search also works when the site is opened from disk, where browsers
refuse to fetch files: each script hands its data to a function of the
search page (``newsletterSearchShard(name, data)``), which inserts a
``<script>`` tag for each part it needs.

Every published development gets a number, oldest first (so a new
development takes a new number and leaves the others alone), and the
index is cut into:

- ``search/index.js``, the manifest, loaded with the page: how many
  developments there are, the keys of the word and pair shards, the number of
  CJK buckets and the values of each filter (section, authority, year) with
  their counts::

      window.newsletterSearchIndex = {"count": 250, "docs": 10, "words": ["", "a", "ab", ...],
        "pairs": [...], "cjk": 4, "filters": {"section": [["regulatory", "Regulatory Developments", 120], ...]}};

- ``search/w/<key>.js``: the words whose longest shard key is ``key`` (keys
  are prefixes: a prefix whose words would make too big a file is split by
  its next letter), each with the developments that have it (``a``) and those
  whose title has it (``t``), as gaps between ascending numbers::

      newsletterSearchShard("w/pe", {"a": {"penalti": [3, 1, 14]}, "t": {"penalti": [17]}});

- ``search/c/<n>.js``: CJK characters and pairs of characters, by the code
  of their first character modulo the number of buckets;
- ``search/p/<key>.js``: pairs of neighbouring words (``data_export``), cut
  like the words, loaded for quoted phrases and to rank neighbours higher;
- ``search/d/<n>.js``: ten developments each (numbers ``10n`` to ``10n+9``):
  permalink, title, meta line and text, loaded only for results shown;
- ``search/f/<filter>.js``: the developments of each section, authority or year.

A query loads the manifest, the shards of its words and the developments it
shows, so what it costs does not grow with the archive's length but with
how common its words are (``bench/search.py`` measures it). An edit rewrites
the shards of the words it adds or removes and the file of its own ten
developments; a new development, those of its words.

The words are those of :func:`newsletter.content.markdown.search_words`
(titles, texts, highlights and source titles, read with the entry), then
those of where the development was filed (date, section, authorities and
tags). The search page (``search.js``) and its stemmer (``stem.js``) read
queries exactly as the index was made.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2

from newsletter.content.i18n import date_text
from newsletter.content.markdown import is_cjk, plain_text, read_search_words, search_words, words
from newsletter.render.jobs import Files, Job
from newsletter.render.taxonomy import Placed, newest_first

DOCS_PER_SHARD = 10
"""Developments per ``search/d/`` file: few, as the results shown may be far apart."""

SHARD_BYTES = 24_000
"""About the most a word or pair shard should weigh; one word's list alone may weigh more."""

TEXT_LIMIT = 3000
"""Characters of a development's text kept for the snippets of results."""

# Postings: {term: ascending development numbers}.
Postings = dict[str, list[int]]


@dataclass(frozen=True)
class SearchIndex:
    """What the web edition needs for search: the jobs writing the index, and the search page's values."""

    jobs: list[Job]
    page_values: dict[str, Any]


@dataclass(frozen=True)
class _Terms:
    """Every development's words, title words and word pairs, as postings."""

    words: Postings
    titles: Postings
    pairs: Postings


def search_index(placed: tuple[Placed, ...], language: str) -> SearchIndex:
    """The index of the developments ``placed`` (what a build without drafts publishes), in ``language``."""
    docs = tuple(reversed(newest_first(placed)))  # numbered oldest first: a new development takes a new number
    terms = _terms(docs)
    latin = {term: ids for term, ids in terms.words.items() if not is_cjk(term)}
    cjk = {term: ids for term, ids in terms.words.items() if is_cjk(term)}
    word_shards = prefix_shards(_weights(latin, len(docs)))
    pair_shards = prefix_shards(_weights(terms.pairs, len(docs)))
    buckets = cjk_buckets(sum(_weights(cjk, len(docs)).values()))
    jobs = [Job(_script_asset, ("search/stem.js",))]
    for key, members in word_shards.items():
        jobs.append(_terms_job(f"w/{shard_name(key)}", members, terms.words, terms.titles))
    for bucket, members in _by_bucket(cjk, buckets).items():
        jobs.append(_terms_job(f"c/{bucket}", members, terms.words, terms.titles))
    for key, members in pair_shards.items():
        jobs.append(_terms_job(f"p/{shard_name(key)}", members, terms.pairs, {}))
    for start in range(0, len(docs), DOCS_PER_SHARD):
        rows = tuple(_doc_row(p, language) for p in docs[start:start + DOCS_PER_SHARD])
        jobs.append(Job(_docs_file, (f"d/{start // DOCS_PER_SHARD}", rows)))
    filters = _filters(docs)
    for kind, values in filters.items():
        jobs.append(Job(_filter_file, (f"f/{kind}", tuple((value, tuple(ids)) for value, _, ids in values))))
    manifest = {
        "count": len(docs), "docs": DOCS_PER_SHARD, "words": sorted(word_shards), "pairs": sorted(pair_shards),
        "cjk": buckets, "filters": {
            kind: [[value, label, len(ids)] for value, label, ids in values] for kind, values in filters.items()
        },
    }
    jobs.append(Job(_manifest_file, (_json(manifest),)))
    return SearchIndex(jobs, {"search_index": "search/index.js", "search_stemmer": "search/stem.js"})


# --- What each development is found by ----------------------------------------------------

MOST_PATCHED = 64
"""How many developments may differ from the last index before it is built afresh rather than patched."""

_last: list[tuple[list[DocTerms], _Terms]] = []
"""The last index this process built, and the terms of each of its developments (see ``_terms``)."""


def _terms(docs: tuple[Placed, ...]) -> _Terms:
    """The postings of every word, title word and pair of ``docs``, numbered by position.

    A long-running preview builds the index after every edit: when only a
    few developments' terms differ from the last build's (the same objects
    come back from ``_doc_terms`` for the others), the last postings are
    patched rather than built again. Postings are never changed in place,
    so the last build's values stay as they were.
    """
    per_doc = [_doc_terms(p.entry.search_words, _filed(p), p.entry.title) for p in docs]
    terms = _patched(_last[0], per_doc) if _last else None
    if terms is None:
        terms = _postings(per_doc)
    _last[:] = [(per_doc, terms)]
    return terms


def _postings(per_doc: list[DocTerms]) -> _Terms:
    found: Postings = defaultdict(list)
    titled: Postings = defaultdict(list)
    paired: Postings = defaultdict(list)
    for number, (own_words, title_words, own_pairs) in enumerate(per_doc):
        for word in own_words:
            found[word].append(number)
        for word in title_words:
            titled[word].append(number)
        for pair in own_pairs:
            paired[pair].append(number)
    return _Terms(dict(found), dict(titled), dict(paired))


def _patched(last: tuple[list[DocTerms], _Terms], per_doc: list[DocTerms]) -> _Terms | None:
    """The last postings with the developments that changed moved; ``None`` if too many did."""
    before, terms = last
    if len(before) != len(per_doc):
        return None
    changed = [number for number, (old, new) in enumerate(zip(before, per_doc, strict=True)) if old is not new]
    if len(changed) > MOST_PATCHED:
        return None
    kinds = [dict(terms.words), dict(terms.titles), dict(terms.pairs)]
    for number in changed:
        for kind, postings in enumerate(kinds):
            for term in before[number][kind]:
                kept = [other for other in postings[term] if other != number]
                if kept:
                    postings[term] = kept
                else:
                    del postings[term]
            for term in per_doc[number][kind]:
                postings[term] = sorted([*postings.get(term, ()), number])
    # Terms first seen in this build go last; the index sorts its terms, so their order does not matter.
    return _Terms(*kinds)


DocTerms = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""A development's words, title words and word pairs."""


@lru_cache(maxsize=65536)
def _doc_terms(own: str, filed: tuple[str, ...], title: str) -> DocTerms:
    """One development's words, title words and word pairs, each once.

    Kept per development, so that a long-running preview reads again only
    the developments an edit changed.
    """
    own_words, own_pairs = read_search_words(own)
    filed_words: list[str] = []
    filed_pairs: list[str] = []
    for text in filed:  # pairs never span two texts, so each text's terms are its own
        text_words, text_pairs = _filed_terms(text)
        filed_words += text_words
        filed_pairs += text_pairs
    # Interned: kept per development, the same word of 10,000 developments would otherwise be 10,000 strings.
    return (tuple(map(sys.intern, dict.fromkeys([*own_words, *filed_words]))), _title_words(title),
            tuple(map(sys.intern, dict.fromkeys([*own_pairs, *filed_pairs]))))


def _filed(p: Placed) -> tuple[str, ...]:
    """Where a development was filed, as texts to search: date, section, authorities, tags."""
    entry = p.entry
    names = (" ".join(filter(None, (a.short, a.name, a.name_zh))) for a in entry.authorities)
    return (entry.date.display, p.section.title, *names, *entry.tags)


@lru_cache(maxsize=4096)
def _filed_terms(text: str) -> tuple[list[str], list[str]]:
    """The words and pairs of one text of where a development was filed (a date, a section, a tag)."""
    return read_search_words(search_words((text,)))


@lru_cache(maxsize=65536)
def _title_words(title: str) -> tuple[str, ...]:
    return tuple(map(sys.intern, dict.fromkeys(words(title))))


# --- Cutting the index into shards ---------------------------------------------------------

def _weights(postings: Postings, count: int) -> dict[str, int]:
    """About how many bytes each term's entry takes in a shard (its gaps written in decimal)."""
    weights = {}
    for term, ids in postings.items():
        gap_digits = len(str(max(1, count // max(1, len(ids)))))
        weights[term] = len(term.encode()) + 6 + len(ids) * (gap_digits + 1)
    return weights


def prefix_shards(weights: dict[str, int], limit: int | None = None) -> dict[str, list[str]]:
    """Cut terms into shards keyed by prefix: ``{key: its terms}``.

    A term belongs to the longest key that starts it. A prefix whose terms
    weigh more than ``limit`` keeps only the term equal to it and hands the
    others to longer keys, one per next letter; so the keys of an archive
    change only when a prefix crosses the limit, and a query for a word loads
    one shard (a prefix query, also the keys that extend it).
    """
    most = SHARD_BYTES if limit is None else limit
    shards: dict[str, list[str]] = {}

    def cut(prefix: str, terms: list[str]) -> None:
        if len(terms) == 1 or sum(weights[term] for term in terms) <= most:
            shards[prefix] = terms
            return
        longer: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            if len(term) == len(prefix):
                shards[prefix] = [term]
            else:
                longer[term[len(prefix)]].append(term)
        for letter, group in longer.items():
            cut(prefix + letter, group)

    if weights:
        cut("", sorted(weights))
    return shards


def cjk_buckets(weight: int, limit: int | None = None) -> int:
    """How many buckets CJK terms go into: a power of two, so that each weighs about ``limit`` at most."""
    if weight == 0:
        return 0
    return 1 << max(0, math.ceil(math.log2(weight / (SHARD_BYTES if limit is None else limit))))


def _by_bucket(postings: Postings, buckets: int) -> dict[int, list[str]]:
    shards: dict[int, list[str]] = {bucket: [] for bucket in range(buckets)}
    for term in sorted(postings):
        shards[ord(term[0]) % buckets].append(term)
    return shards


_NAME_SAFE = re.compile(r"[^a-z0-9_]")


def shard_name(key: str) -> str:
    """The file name of a shard key: letters a-z, digits and ``_`` as they are, others as ``-<hex>-``; ``""`` as ``_``.

    Must name files as ``shardName`` in ``search.js`` does.
    """
    if not key:
        return "_"
    return _NAME_SAFE.sub(lambda match: f"-{ord(match.group()):x}-", key)


def gaps(ids: Iterable[int]) -> list[int]:
    """Ascending numbers as the gaps between them (the first from 0): short to write."""
    found, previous = [], 0
    for number in ids:
        found.append(number - previous)
        previous = number
    return found


# --- The files -------------------------------------------------------------------------------

def _terms_job(name: str, members: list[str], postings: Postings, titles: Postings) -> Job:
    entries = tuple((term, tuple(postings[term]), tuple(titles.get(term, ()))) for term in members)
    return Job(_terms_file, (name, entries))


def _terms_file(name: str, entries: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...],
                env: jinja2.Environment) -> Files:
    data = {
        "a": {term: gaps(ids) for term, ids, _ in entries},
        "t": {term: gaps(title_ids) for term, _, title_ids in entries if title_ids},
    }
    return _shard(name, data)


def _docs_file(name: str, rows: tuple[tuple[str, ...], ...], env: jinja2.Environment) -> Files:
    return _shard(name, [list(row) for row in rows])


def _filter_file(name: str, values: tuple[tuple[str, tuple[int, ...]], ...], env: jinja2.Environment) -> Files:
    return _shard(name, {value: gaps(ids) for value, ids in values})


def _manifest_file(manifest: str, env: jinja2.Environment) -> Files:
    return {"search/index.js": f"window.newsletterSearchIndex = {manifest};\n".encode()}


def _script_asset(name: str, env: jinja2.Environment) -> Files:
    return {name: env.get_template(name).render().encode()}


def _shard(name: str, data: object) -> Files:
    return {f"search/{name}.js": f"newsletterSearchShard({_json(name)}, {_json(data)});\n".encode()}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _doc_row(p: Placed, language: str) -> tuple[str, ...]:
    """What a result shows: permalink, title, meta line, and the text its snippet is cut from."""
    entry = p.entry
    return entry.permalink, entry.title, _meta_line(p, language), _snippet_text(entry.body_html, entry.highlight_html)


@lru_cache(maxsize=65536)
def _snippet_text(body_html: str, highlight_html: str | None) -> str:
    """The start of a development's text, where a result's snippet is cut from."""
    text = " ".join(filter(None, (plain_text(body_html), plain_text(highlight_html or ""))))
    return text[:TEXT_LIMIT]


def _meta_line(p: Placed, language: str) -> str:
    parts = [date_text(p.entry.date, language), *(a.short for a in p.entry.authorities), p.section.title]
    return " · ".join(parts)


def _filters(docs: tuple[Placed, ...]) -> dict[str, list[tuple[str, str, list[int]]]]:
    """Each filter's values: ``(value, label, developments)``, sections and authorities by label, years newest first."""
    found: dict[str, dict[str, tuple[str, list[int]]]] = {"section": {}, "authority": {}, "year": {}}
    for number, p in enumerate(docs):
        values = [("section", p.section.id, p.section.title), ("year", str(p.entry.date.year), str(p.entry.date.year))]
        values += [("authority", a.short, a.short) for a in p.entry.authorities]
        for kind, value, label in dict.fromkeys(values):
            found[kind].setdefault(value, (label, []))[1].append(number)
    ordered = {
        "section": sorted(found["section"].items(), key=lambda item: item[1][0].lower()),
        "authority": sorted(found["authority"].items(), key=lambda item: item[1][0].lower()),
        "year": sorted(found["year"].items(), reverse=True),
    }
    return {kind: [(value, label, ids) for value, (label, ids) in items] for kind, items in ordered.items()}
