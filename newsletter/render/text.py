"""Sanitized HTML fragments -> wrapped plain text with numbered link references.

Each distinct URL gets one number per issue (``[3]``); the first time it
appears the caller lists it under the item, later mentions reuse the number.

The fragments come from the sanitizer, which writes well-formed markup: no
comments, every ``<`` in text escaped, attribute values quoted. So one
regular expression splits them into tags and text, several times faster
than ``html.parser`` reading them for an issue's email.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

WIDTH = 72
_BLOCKS = {"p", "li", "blockquote", "h3", "h4", "h5", "h6", "pre", "tr", "dt", "dd", "hr"}
_SPACE = re.compile(r"\s+")
_BREAKABLE_SPACE = re.compile(r"[ \t\n\r\f\v]+")  # not U+00A0: a no-break space must hold
# Chinese and Japanese line breaking ("kinsoku"): these never start a line ...
_NO_LINE_START = set("，。、；：？！）」』】》〉〕］｝〗〙・ー～…‥％.,;:!?)]}”’")
# ... and these never end one.
_NO_LINE_END = set("（「『【《〈〔［｛〖〘“‘([{")


# A start or end tag, with its attributes; a comment or declaration, which says nothing to a
# reader; or a run of text (or a "<" that starts no tag). Unquoted attribute values are read
# as leniently as html.parser reads them.
_TOKEN = re.compile(
    r"<(?P<end>/?)(?P<tag>[a-zA-Z][a-zA-Z0-9]*)"
    r"(?P<attributes>(?:\s+[^\s\"'=<>/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>][^\s>]*))?)*)"
    r"\s*(?P<closed>/?)>"
    r"|<!--.*?-->|<[!?][^>]*>"
    r"|(?P<text>[^<]+|<)",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"([^\s\"'=<>/]+)(?:\s*(=)\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>][^\s>]*)))?")


class FragmentHandler(Protocol):
    """What ``parse_fragment`` reports to, named as in ``html.parser.HTMLParser``."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A start tag, lower-cased, with its attributes' names lower-cased and values unescaped."""

    def handle_endtag(self, tag: str) -> None:
        """An end tag, lower-cased."""

    def handle_data(self, data: str) -> None:
        """Text, with character references resolved."""


def parse_fragment(fragment: str, handler: FragmentHandler) -> None:
    """Report the tags and text of a sanitized HTML fragment to ``handler`` as ``html.parser`` would.

    A self-closing tag is reported as a start tag and an end tag.
    """
    for found in _TOKEN.finditer(fragment):
        text, tag = found["text"], found["tag"]
        if text is not None:
            handler.handle_data(html.unescape(text) if "&" in text else text)
            continue
        if tag is None:  # a comment or declaration
            continue
        tag = tag.lower()
        if found["end"]:
            handler.handle_endtag(tag)
            continue
        handler.handle_starttag(tag, [
            (name.lower(), None if not equals else html.unescape(double or single or bare))
            for name, equals, double, single, bare in _ATTRIBUTE.findall(found["attributes"])
        ])
        if found["closed"]:
            handler.handle_endtag(tag)


_READS_ATTRIBUTES = frozenset({"a", "img", "ol"})
"""The tags whose attributes the plain text shows: a link's address, an image's text, a list's first number."""


def _read(fragment: str, converter: _Converter) -> None:
    """``parse_fragment(fragment, converter)``, reading attributes only of the tags whose attributes count."""
    starttag, endtag, data = converter.handle_starttag, converter.handle_endtag, converter.handle_data
    for end, tag, attributes, closed, text in (found.groups() for found in _TOKEN.finditer(fragment)):
        if text is not None:
            data(html.unescape(text) if "&" in text else text)
            continue
        if tag is None:  # a comment or declaration
            continue
        tag = tag.lower()
        if end:
            endtag(tag)
            continue
        starttag(tag, [
            (name.lower(), None if not equals else html.unescape(double or single or bare))
            for name, equals, double, single, bare in _ATTRIBUTE.findall(attributes)
        ] if tag in _READS_ATTRIBUTES else [])
        if closed:
            endtag(tag)


@dataclass
class LinkRefs:
    """Numbers the links of one document; each URL is numbered once."""

    urls: list[str] = field(default_factory=list)
    listed: int = 0

    def number(self, url: str) -> int:
        """The reference number of ``url``, assigning the next one if it is new."""
        if url not in self.urls:
            self.urls.append(url)
        return self.urls.index(url) + 1

    def unlisted(self) -> list[tuple[int, str]]:
        """References assigned since the last call, to print under the current item."""
        new = list(enumerate(self.urls, 1))[self.listed :]
        self.listed = len(self.urls)
        return new


@dataclass
class _Block:
    prefix: str
    indent: str
    text: str = ""
    preformatted: bool = False
    tight: bool = False  # list items and table rows follow each other without a blank line


class _Converter:
    def __init__(self, refs: LinkRefs):
        self.refs = refs
        self.blocks: list[_Block] = []
        self.lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self.quote = 0
        self.links: list[tuple[str | None, str, int]] = []  # per open <a>: href, class, where its text starts
        self.pre = False

    def _open(self, prefix: str = "", tight: bool = False) -> None:
        if self.blocks and not self.blocks[-1].text.strip():
            if not prefix and self.blocks[-1].prefix.strip():
                return  # a <p> inside an <li> continues the item's block
            self.blocks.pop()  # nothing written yet: start afresh at the current depth
        depth = "   " * max(len(self.lists) - 1, 0)
        quote = "> " * self.quote
        indent = quote + depth + " " * len(prefix)
        self.blocks.append(_Block(quote + depth + prefix, indent, "", self.pre, tight))

    def _current(self) -> _Block:
        if not self.blocks:
            self._open()
        return self.blocks[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            start = int(dict(attrs).get("start") or 1) if tag == "ol" else 0
            self.lists.append([start] if tag == "ol" else [])
        elif tag == "li":
            numbers = self.lists[-1] if self.lists else []
            if numbers:
                self._open(f"{numbers[0]}. ", tight=True)
                numbers[0] += 1
            else:
                self._open("- ", tight=True)
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre = True
            self._open()
        elif tag == "hr":
            self._open()
            self._current().text = "* * *"
        elif tag == "tr":
            self._open(tight=True)
        elif tag in ("td", "th") and self._current().text.strip():
            self._current().text += " | "
        elif tag in _BLOCKS:
            self._open()
        elif tag == "br":
            self._current().text += "\n"
        elif tag in ("img", "a"):
            self._inline(tag, dict(attrs))

    def _inline(self, tag: str, attrs: dict[str, str | None]) -> None:
        """An image, shown as its alt text, or the start of a link."""
        if tag == "img":
            alt = attrs.get("alt") or ""
            self._current().text += f"[Image: {alt}]" if alt else "[Image]"
        else:
            self.links.append((attrs.get("href"), attrs.get("class") or "", len(self._current().text)))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag == "pre":
            self.pre = False
        elif tag == "a" and self.links:
            self._end_link(*self.links.pop())
        if tag in _BLOCKS or tag in ("ul", "ol", "blockquote"):
            self._open()

    def _end_link(self, href: str | None, kind: str, start: int) -> None:
        block = self._current()
        shown = block.text[start:].strip()
        if kind == "footnote-ref":  # the note's number, which reads as part of the word before it
            block.text = f"{block.text[:start]} [note {shown}]"
        elif kind == "footnote-backref":  # the way back to the text: nowhere to go in plain text
            block.text = block.text[:start].rstrip("\u00a0 ")
        elif href and not href.startswith("#") and shown not in (href, href.removeprefix("mailto:")):
            # A link that shows its own address needs no reference to repeat it; one within the
            # page has no address that means anything in plain text.
            block.text += f" [{self.refs.number(href)}]"

    def handle_data(self, data: str) -> None:
        # Outside <pre>, line breaks in the HTML source are spaces; only <br> breaks a line.
        self._current().text += data if self.pre else _BREAKABLE_SPACE.sub(" ", data)


def html_to_text(fragment: str, refs: LinkRefs, width: int = WIDTH, indent: str = "") -> str:
    """Convert an HTML fragment to paragraphs wrapped at ``width``, links as ``[n]``.

    Meant for the sanitized fragments the model holds (``body_html`` and the
    like); the contents of a ``<script>`` or ``<style>`` would be read as text.
    """
    converter = _Converter(refs)
    _read(fragment, converter)
    blocks = [block for block in converter.blocks if block.text.strip()]
    parts: list[str] = []
    for previous, block in zip([None, *blocks], blocks, strict=False):
        if previous is not None:
            parts.append("\n" if previous.tight and block.tight else "\n\n")
        parts.append(_wrap(block, width, indent))
    return "".join(parts)


def _wrap(block: _Block, width: int, indent: str) -> str:
    if block.preformatted:
        lines = block.text.strip("\n").splitlines()
        return "\n".join(indent + block.indent + line for line in lines)
    lines = []
    rest = indent + block.indent
    for number, part in enumerate(block.text.split("\n")):
        text = _SPACE.sub(" ", part).strip()
        first = indent + block.prefix if number == 0 else rest
        if text.isascii() and first.isascii() and rest.isascii():
            lines.append(_wrap_spaced_ascii(text, width, first, rest))
        else:
            lines.append(wrap(text, width, first, rest))
    return "\n".join(lines)


def _wrap_spaced_ascii(text: str, width: int, first: str, rest: str) -> str:
    """``wrap`` for ASCII text whose words are parted by single spaces, with nothing around them.

    Each line takes the longest run of words that fits, found with one
    search for a space instead of a step per word; a word longer than the
    line stands alone on it.
    """
    lines: list[str] = []
    prefix = first
    while text:
        room = width - len(prefix)
        if len(text) <= room:
            lines.append(prefix + text)
            break
        cut = text.rfind(" ", 0, room + 1) if room >= 0 else -1
        if cut < 0:
            cut = text.find(" ")
            if cut < 0:
                lines.append(prefix + text)
                break
        lines.append(prefix + text[:cut])
        text = text[cut + 1:]
        prefix = rest
    return "\n".join(lines)


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str = "") -> str:
    """Wrap one paragraph to ``width`` columns without breaking words or URLs.

    Chinese and Japanese characters take two columns and a line may break
    between them, since those scripts put no spaces between words.
    """
    words = _BREAKABLE_SPACE.split(text.strip())
    if text.isascii() and first.isascii() and rest.isascii():
        return _wrap_ascii(words, width, first, rest)
    return _wrap_pieces(words, width, first, rest)


def _wrap_ascii(words: list[str], width: int, first: str, rest: str) -> str:
    """``_wrap_pieces`` for ASCII, where every character is one column and breaks fall between words.

    Most text is ASCII, and the plain-text email wraps every paragraph of
    an issue: this loop is several times faster.
    """
    lines: list[str] = []
    line, used, started = first, len(first), False
    for word in words:
        if not word:
            continue
        if not started:
            line, used, started = line + word, used + len(word), True
        elif used + 1 + len(word) > width:
            lines.append(line)
            line = rest + word
            used = len(line)
        else:
            line, used = f"{line} {word}", used + 1 + len(word)
    if started:
        lines.append(line)
    return "\n".join(lines)


def _wrap_pieces(words: list[str], width: int, first: str, rest: str) -> str:
    lines: list[str] = []
    line, used, started = first, display_width(first), False
    for word in words:
        for index, piece in enumerate(_pieces(word)):
            joined = f" {piece}" if index == 0 and started else piece
            if started and used + display_width(joined) > width:
                lines.append(line)
                line, used = rest + piece, display_width(rest + piece)
            else:
                line, used = line + joined, used + display_width(joined)
            started = True
    if started:
        lines.append(line)
    return "\n".join(lines)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font: wide (CJK) characters count twice."""
    if text.isascii():  # no wide, combining or format characters: the common case, and 20 times faster
        return len(text)
    return sum(_char_width(char) for char in text)


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) == "Cf":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _pieces(word: str) -> Iterator[str]:
    """Split a word where a line may break inside it: between wide characters."""
    if not word:
        return
    if word.isascii() or "://" in word or word.startswith("mailto:"):
        yield word
        return
    start = 0
    for index in range(1, len(word)):
        before, after = word[index - 1], word[index]
        if (
            (_char_width(before) == 2 or _char_width(after) == 2)
            and after not in _NO_LINE_START
            and before not in _NO_LINE_END
        ):
            yield word[start:index]
            start = index
    yield word[start:]
