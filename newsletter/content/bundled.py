"""Images and attachments bundled with an issue: which files its Markdown names, and what is wrong with them.

An issue folder may hold, beside its entries, the images they show and the
documents they link to (``![Forum stage](forum.png)``, ``[the draft](draft.pdf)``).
Markdown resolves such relative targets against the issue's page, where the
build publishes the folder's files, so the same link works on the site, in
the email and in the feeds. Here the Markdown source is read for those
targets, so that a missing file or an image without alt text is reported at
its line and column, and the rendered images get their width and height.
"""

from __future__ import annotations

import bisect
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from newsletter.content.layout import BUNDLED_SUFFIXES, IMAGE_SUFFIXES

LARGE_IMAGE_BYTES = 1_000_000
"""An image larger than this makes the email slow to open on a phone: a warning."""

_TARGET = r"(?P<target><[^>\n]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)"
# Link text stops at the next bracket, so that a run of brackets is read in one pass (a paragraph
# of 10,000 "[" took 48 s with the text allowed to hold "["); a link whose text holds brackets
# is not looked into, which costs at most a check of its target.
_MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\[\]\n]*)\]\(" + _TARGET)
_MARKDOWN_LINK = re.compile(r"(?<![!\]])\[[^\[\]\n]*\]\(" + _TARGET)
_REFERENCE = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*(?P<target><[^>\n]*>|\S+)", re.MULTILINE)
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_FENCE = re.compile(r"^[ ]{0,3}(```|~~~)", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_HTML_ATTRIBUTE = re.compile(r"""\b(src|alt)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    """A file or address the Markdown names: where (offset), what, and, for an image, its alt text."""

    offset: int
    target: str
    image: bool
    alt: str = ""

    @property
    def local_name(self) -> str | None:
        """The file name in the entry's own folder that the target names, if it names one."""
        target = unquote(self.target.split("#", 1)[0].split("?", 1)[0])
        if not target or "://" in target or target.startswith(("/", "#", "mailto:", "data:")) or "/" in target:
            return None
        return target


def targets(text: str) -> Iterator[Target]:
    """Every image and link target written in Markdown ``text`` (inline, reference or raw ``<img>``).

    Code is left out: ``![x](y)`` between backticks is shown, not an image.
    """
    text = without_code(text)
    for found in _MARKDOWN_IMAGE.finditer(text):
        yield Target(found.start("target"), found["target"].strip("<>"), True, found["alt"].strip())
    for found in _MARKDOWN_LINK.finditer(text):
        yield Target(found.start("target"), found["target"].strip("<>"), False)
    for found in _REFERENCE.finditer(text):
        yield Target(found.start("target"), found["target"].strip("<>"), False)
    for found in _HTML_IMAGE.finditer(text):
        attributes = {name.lower(): next((value for value in values if value), "")
                      for name, *values in _HTML_ATTRIBUTE.findall(found.group())}
        yield Target(found.start(), attributes.get("src", ""), True, attributes.get("alt", "").strip())


def without_code(text: str) -> str:
    """``text`` with its fenced code blocks and code spans blanked out, so that offsets still hold.

    Linear in the length of the text: each run of backticks is paired with
    the next run of the same length (as CommonMark pairs them) by bisection.
    """
    chars = list(text)
    fences = [found.start() for found in _FENCE.finditer(text)]
    for opening, closing in zip(fences[::2], fences[1::2], strict=False):
        end = text.find("\n", closing)
        _blank(chars, opening, len(text) if end < 0 else end)
    runs = [(found.start(), found.end()) for found in _BACKTICKS.finditer("".join(chars))]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        after = bisect.bisect_right(same, index)
        if after == len(same):
            index += 1
            continue
        _blank(chars, start, runs[same[after]][1])
        index = same[after] + 1
    return "".join(chars)


def _blank(chars: list[str], start: int, end: int) -> None:
    """Blank ``chars[start:end]``, keeping line breaks so that lines still count."""
    chars[start:end] = ["\n" if char == "\n" else " " for char in chars[start:end]]


def referenced(text: str) -> set[str]:
    """The names of the files of the entry's folder that ``text`` shows or links to."""
    return {name for target in targets(text) if (name := target.local_name) is not None}


def target_problems(text: str, available: Mapping[str, bytes], folder: str) -> Iterator[tuple[int, str]]:
    """Where and why ``text`` names a bundled file that is not there, or shows an image without alt text."""
    for target in targets(text):
        name = target.local_name
        if target.image and not target.alt:
            yield target.offset, (f"image {target.target} has no alt text: say what it shows between the "
                                  "brackets, ![like this](chart.png), for readers who cannot see it")
        if name is not None and name not in available and (target.image or name.lower().endswith(BUNDLED_SUFFIXES)):
            yield target.offset, (f"there is no file {name} in {folder}: put it there beside the entry, "
                                  "or link to it with its full address")


def sized_images(html: str, page_url: str, available: Mapping[str, bytes]) -> str:
    """Give each ``<img>`` of a bundled image its width and height, read from the file's header."""

    def sized(found: re.Match[str]) -> str:
        tag = found.group()
        source = re.search(r'src="([^"]*)"', tag)
        if source is None or not source[1].startswith(page_url) or "width=" in tag:
            return tag
        data = available.get(unquote(source[1][len(page_url):]))
        size = image_size(data) if data is not None else None
        return tag if size is None else tag[:-1].rstrip(" /") + f' width="{size[0]}" height="{size[1]}">'

    return _HTML_IMAGE.sub(sized, html)


def image_size(data: bytes) -> tuple[int, int] | None:
    """An image's width and height in pixels from its header; ``None`` if the header cannot be read."""
    import imagesize  # imported on first use: a build with no images never needs it

    try:
        width, height = imagesize.get(io.BytesIO(data))
    except (ValueError, OSError):
        return None
    return (width, height) if width > 0 and height > 0 else None


def is_image(name: str) -> bool:
    """Whether a bundled file is an image (shown) rather than an attachment (linked)."""
    return name.lower().endswith(IMAGE_SUFFIXES)
