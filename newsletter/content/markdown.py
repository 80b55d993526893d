"""Markdown -> safe HTML fragments, and the plain text of those fragments.

Editors paste from Word and the web, so rendered Markdown is always passed
through an allowlist sanitizer (nh3, a binding to Rust's ammonia): scripts,
styles, frames, event handlers and ``javascript:``/``data:`` URLs never
survive, and links get ``rel="noopener"``. Relative links are resolved
against the page they belong to, so the same fragment works on the site, in
the email and in the feeds.

Entries carry their summary and search words from the moment they are read
(see :mod:`newsletter.content.entries`), so lists, feeds and the search index
never take an entry's HTML apart again. The fragments come from
:func:`render_markdown`, so their tags are normalised: simple patterns are
reliable on them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from types import MethodType
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import nh3

from newsletter.content.stemming import stem

if TYPE_CHECKING:
    import markdown
    from markdown.inlinepatterns import LinkInlineProcessor

_EXTENSIONS = ["extra", "sane_lists"]

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}
_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "sup": {"id"},
    "img": {"src", "alt", "title", "width", "height"},
    "li": {"id"},
    "div": {"class"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}


_TRACKING = re.compile(r"utm_.*|fbclid|gclid|spm", re.IGNORECASE)


def strip_tracking(url: str) -> str:
    """Drop analytics parameters (``utm_*``, ``fbclid``, ``gclid``, ``spm``) from a URL."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(key, value) for key, value in query if not _TRACKING.fullmatch(key)]
    if len(kept) == len(query):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # Imported on first use: a rebuild that finds every issue in the cache never needs it.
    import markdown

    converter = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    for pattern in converter.inlinePatterns:
        if isinstance(pattern, markdown.inlinepatterns.LinkInlineProcessor):
            pattern.getText = MethodType(link_text, pattern)  # type: ignore[method-assign]
    return converter


# Footnote ids carry the prefix of the text they belong to (``draft-rules-fn-1``), so that the
# notes of several entries shown on one page (the issue page, the email) never share an id.
_NOTE_ID = re.compile(r"[a-z0-9][a-z0-9-]*-fn(?:ref\d*)?-[A-Za-z0-9_-]+")
_NOTE_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref"})
# What Python-Markdown's footnotes write: id="fn:1", id="fnref:1", id="fnref2:1" and links to them.
_LIBRARY_NOTE_ID = re.compile(r'\b(id|href)="(#?)(fn(?:ref\d*)?):([^"]*)"')


def _prefixed_notes(fragment: str, prefix: str) -> str:
    """Give the footnote ids and links in ``fragment`` the prefix of the text they belong to."""
    return _LIBRARY_NOTE_ID.sub(
        lambda found: f'{found[1]}="{found[2]}{prefix}-{found[3]}-{_note_name(html.unescape(found[4]))}"', fragment
    )


def _note_name(note: str) -> str:
    """A footnote's label as it may appear in an id: ``[^a note]`` -> ``a_note``."""
    return re.sub(r"[^A-Za-z0-9-]", "_", note)


_BRACKET = re.compile(r"[\[\]]")
BRACKETS_SCANNED = 64
"""How many brackets :func:`link_text` looks at before leaving the search to Python-Markdown."""


def link_text(pattern: LinkInlineProcessor, data: str, index: int) -> tuple[str, int, bool]:
    """Python-Markdown's ``getText`` of a link or image: its text, the index past its ``]``, whether it closed.

    Python-Markdown finds the closing bracket of every position of the text
    at once and keeps that until the text changes; but the text changes
    with every link it replaces, so a paragraph of many links cost the
    square of its length (2,000 links: 20 s). The closing bracket is the
    first ``]`` that takes the bracket depth below that at ``index``, so it
    is found here by scanning forward, bracket to bracket; after
    ``BRACKETS_SCANNED`` brackets (a long unclosed run), Python-Markdown's
    own search takes over. Either way the answer is the same.
    """
    if getattr(pattern, "_bracket_data", None) is data:  # the library's search already covers this text
        return _library_link_text(pattern, data, index)
    depth = 0
    for scanned, found in enumerate(_BRACKET.finditer(data, index)):
        if scanned == BRACKETS_SCANNED:
            return _library_link_text(pattern, data, index)
        depth += 1 if found.group() == "[" else -1
        if depth < 0:
            return data[index:found.start()], found.end(), True
    return data[index:], len(data), False


def _library_link_text(pattern: LinkInlineProcessor, data: str, index: int) -> tuple[str, int, bool]:
    import markdown

    return markdown.inlinepatterns.LinkInlineProcessor.getText(pattern, data, index)


MAX_BLOCK_CHARS = 10_000
"""Longest paragraph (text between blank lines) accepted: Python-Markdown's time grows with the
square of a paragraph's length times its markup (links, emphasis, entities), and a real
paragraph runs to a few thousand characters."""

MAX_NESTING = 32
"""Deepest nesting of quotes (``>>>``) or raw HTML elements accepted: the sanitizer's time grows
with the square of the depth, and real writing nests two or three deep."""

_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_QUOTE_MARKERS = re.compile(r"^[ \t]*((?:>[ \t]?)+)", re.MULTILINE)
_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])[^<>]*?(/?)>")  # not <https://...>
_VOID_ELEMENTS = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)


def markdown_problem(text: str) -> tuple[int, str] | None:
    """Where and why ``text`` cannot be rendered in bounded time: a paragraph too long, or nesting too deep."""
    for check in (_long_paragraph, _deep_quote, _deep_html):
        found = check(text)
        if found is not None:
            return found
    return None


def _long_paragraph(text: str) -> tuple[int, str] | None:
    start = 0
    for gap in [*_BLANK_LINES.finditer(text), None]:
        end = gap.start() if gap else len(text)
        if end - start > MAX_BLOCK_CHARS:
            return start, (f"a paragraph of {end - start:,} characters is longer than the "
                           f"{MAX_BLOCK_CHARS:,} allowed: split it with blank lines")
        start = gap.end() if gap else end
    return None


def _deep_quote(text: str) -> tuple[int, str] | None:
    for found in _QUOTE_MARKERS.finditer(text):
        if found.group(1).count(">") > MAX_NESTING:
            return found.start(1), f"quotes are nested more than {MAX_NESTING} deep"
    return None


def _deep_html(text: str) -> tuple[int, str] | None:
    depth = 0
    for found in _HTML_TAG.finditer(text):
        closing, name, self_closing = found.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID_ELEMENTS:
            depth += 1
            if depth > MAX_NESTING:
                return found.start(), f"HTML elements are nested more than {MAX_NESTING} deep"
    return None


def render_markdown(text: str, page_url: str, note_prefix: str = "note") -> str:
    """Render Markdown to sanitized HTML with every link absolute under ``page_url``.

    Footnotes are the exception: their ids start with ``note_prefix`` (say
    the entry's slug) and their links stay in-page fragments, so that they
    work on every page and in every email that shows the text.
    """
    converter = _converter()
    converter.reset()
    html = _prefixed_notes(converter.convert(text), note_prefix)
    return sanitize(html, page_url)


def sanitize(html: str, page_url: str) -> str:
    """Clean an HTML fragment to the allowlist, resolving relative links against ``page_url``."""

    def resolve(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if _NOTE_ID.fullmatch(value) else None
        if attribute == "class":
            return value if value in _NOTE_CLASSES else None
        if tag == "a" and attribute == "href":
            if value.startswith("#") and _NOTE_ID.fullmatch(value[1:]):
                return value  # a footnote and its way back, on the same page
            return strip_tracking(urljoin(page_url, value))
        if tag == "img" and attribute == "src":  # an image beside the entry, or a remote one
            return urljoin(page_url, value)
        return value

    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        clean_content_tags=_DROP_WITH_CONTENT,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener",
        attribute_filter=resolve,
    ).strip()

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_NOTE_MARKS = re.compile(r'<sup id="[^"]*-fnref\d*-[^"]*">.*?</sup>|<a class="footnote-backref"[^>]*>.*?</a>')
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|pre|tr|td|th|dd|dt)>|<br\s*/?>")

def plain_text(fragment: str) -> str:
    """The text of an HTML fragment on one line, entities decoded; footnote marks and back-links left out."""
    spaced = _BLOCK_END.sub(" ", _NOTE_MARKS.sub("", fragment))
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", spaced))).strip()


def excerpt(text: str, limit: int = 200) -> str:
    """The start of ``text``, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-—") + "…"


# --- Search words ------------------------------------------------------------------------

_CJK = "\u3040-\u309f\u30a0-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
"""Chinese, Japanese (kana) and Korean (Hangul) characters: written without spaces between words."""

WORD = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
"""A run of letters and digits, or a run of CJK characters.

Must split text as ``TOKEN`` in ``templates/search/search.js`` does."""

_CJK_START = re.compile(f"[{_CJK}]")

PAIR = "_"
"""What joins the two words of a pair (never part of a word)."""


def fold(text: str) -> str:
    """``text`` as search compares it: compatibility forms unified (NFKC: full-width ``ＡＩ`` is ``ai``), lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


def is_cjk(token: str) -> bool:
    """Whether ``token`` is a run of CJK characters (not an English or other word)."""
    return _CJK_START.match(token) is not None


def tokens(text: str) -> list[str]:
    """The tokens of ``text`` in order: each word as its English stem, each run of CJK characters whole."""
    return [run if is_cjk(run) else stem(run) for run in WORD.findall(fold(text))]


def cjk_terms(run: str) -> list[str]:
    """A run of CJK characters as the index holds it: each character, then each pair of neighbours.

    A search for 网络 must find 网络安全 but not 网上交易 and 联络 in one text,
    nor 络网: the pairs (网络, 络安, 安全) keep the order and adjacency that
    single characters lose. A one-character query still finds its character.
    """
    return [*run, *(run[i:i + 2] for i in range(len(run) - 1))]


def words(text: str) -> list[str]:
    """The index words of ``text``: stems of words (``fines`` -> ``fine``), CJK characters and their pairs."""
    found: list[str] = []
    for token in tokens(text):
        if is_cjk(token):
            found += cjk_terms(token)
        else:
            found.append(token)
    return found


def word_pairs(found: list[str]) -> list[str]:
    """Each two neighbouring word tokens of ``found`` joined by ``PAIR``: what a quoted phrase looks for."""
    return [
        f"{first}{PAIR}{second}" for first, second in zip(found, found[1:], strict=False)
        if not is_cjk(first) and not is_cjk(second)
    ]


def search_words(texts: Iterable[str]) -> str:
    """The words of ``texts``, then (after a line break) their word pairs; each once, in order of first use.

    Pairs never span two texts. :func:`read_search_words` splits the value again.
    """
    found: dict[str, None] = {}
    paired: dict[str, None] = {}
    for text in texts:
        text_tokens = tokens(text)
        for token in text_tokens:
            found.update(dict.fromkeys(cjk_terms(token) if is_cjk(token) else (token,)))
        paired.update(dict.fromkeys(word_pairs(text_tokens)))
    return f"{' '.join(found)}\n{' '.join(paired)}"


def read_search_words(value: str) -> tuple[list[str], list[str]]:
    """The words and the word pairs of a value made by :func:`search_words`."""
    found, _, paired = value.partition("\n")
    return found.split(), paired.split()
