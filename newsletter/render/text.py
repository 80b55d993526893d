"""Sanitized HTML fragments -> wrapped plain text with numbered link references.

Each distinct URL gets one number per issue (``[3]``); the first time it
appears the caller lists it under the item, later mentions reuse the number.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser

WIDTH = 72
_BLOCKS = {"p", "li", "blockquote", "h3", "h4", "h5", "h6", "pre", "tr", "dt", "dd", "hr"}
_SPACE = re.compile(r"\s+")


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
    list_item: bool = False


class _Converter(HTMLParser):
    def __init__(self, refs: LinkRefs):
        super().__init__(convert_charrefs=True)
        self.refs = refs
        self.blocks: list[_Block] = []
        self.lists: list[list[int]] = []  # per open list: [next number] or [] for bullets
        self.quote = 0
        self.href: list[str | None] = []
        self.pre = False

    def _open(self, prefix: str = "") -> None:
        if not prefix and self.blocks and not self.blocks[-1].text:
            return  # e.g. a <p> inside an <li> continues the item's block
        depth = "   " * max(len(self.lists) - 1, 0)
        quote = "> " * self.quote
        block = _Block(quote + depth + prefix, quote + depth + " " * len(prefix), "", self.pre, bool(prefix))
        self.blocks.append(block)

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
                self._open(f"{numbers[0]}. ")
                numbers[0] += 1
            else:
                self._open("- ")
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre = True
            self._open()
        elif tag == "hr":
            self._open()
            self._current().text = "* * *"
        elif tag in ("td", "th") and self._current().text:
            self._current().text += " | "
        elif tag in _BLOCKS:
            self._open()
        elif tag == "br":
            self._current().text += "\n"
        elif tag == "a":
            self.href.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "blockquote":
            self.quote = max(self.quote - 1, 0)
        elif tag == "pre":
            self.pre = False
        elif tag == "a" and self.href:
            href = self.href.pop()
            if href:
                self._current().text += f" [{self.refs.number(href)}]"
        if tag in _BLOCKS or tag in ("ul", "ol", "blockquote"):
            self._open()

    def handle_data(self, data: str) -> None:
        self._current().text += data


def html_to_text(fragment: str, refs: LinkRefs, width: int = WIDTH, indent: str = "") -> str:
    """Convert an HTML fragment to paragraphs wrapped at ``width``, links as ``[n]``."""
    converter = _Converter(refs)
    converter.feed(fragment)
    converter.close()
    blocks = [block for block in converter.blocks if block.text.strip()]
    parts: list[str] = []
    for previous, block in zip([None, *blocks], blocks, strict=False):
        if previous is not None:
            parts.append("\n" if previous.list_item and block.list_item else "\n\n")
        parts.append(_wrap(block, width, indent))
    return "".join(parts)


def _wrap(block: _Block, width: int, indent: str) -> str:
    if block.preformatted:
        return "\n".join(indent + block.indent + line for line in block.text.strip("\n").splitlines())
    lines = []
    for number, part in enumerate(block.text.split("\n")):
        text = _SPACE.sub(" ", part).strip()
        first = indent + (block.prefix if number == 0 else block.indent)
        lines.append(wrap(text, width, first, indent + block.indent))
    return "\n".join(lines)


def wrap(text: str, width: int = WIDTH, first: str = "", rest: str = "") -> str:
    """Wrap one paragraph without breaking words or URLs."""
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
