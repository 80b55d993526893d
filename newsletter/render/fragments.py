"""Small transformations of the sanitized HTML fragments that entries carry.

The fragments come from :mod:`newsletter.content.markdown`, so their tags are
normalised (lowercase, no attributes on headings): simple patterns are
reliable on them.
"""

from __future__ import annotations

import re
import secrets
import weakref
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

import jinja2
from markupsafe import Markup

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


_marking: ContextVar[_Marks | None] = ContextVar("_marking", default=None)
"""While an item is rendered for :class:`EachOnce`, what stands in for its links."""


class _Marks:
    """Stand-ins for the links of one item, each a token no text holds, noted with its target."""

    def __init__(self) -> None:
        self.token = secrets.token_hex(8)
        self.targets: list[str] = []

    def mark(self, target: str) -> str:
        self.targets.append(target)
        return f"\x1a{self.token}{len(self.targets) - 1}\x1a"


def link_mark(target: str) -> str | None:
    """What ``url(target)`` must return instead of a link while :class:`EachOnce` renders an item, else ``None``."""
    marks = _marking.get()
    return None if marks is None else marks.mark(target)


_ESCAPED = re.compile(r"[&<>\"']")
_STRONGLY_HELD = 1 << 14
"""How many items of values that cannot be referred to weakly :class:`EachOnce` keeps at most."""

_Key = tuple[int, int, tuple[object, ...]]


class _Item:
    """One item rendered without its links: the text between the links, and each link's target."""

    __slots__ = ("code", "value", "texts", "targets")

    def __init__(self, code: object, value: Callable[[], object], texts: tuple[str, ...], targets: tuple[str, ...]):
        self.code, self.value, self.texts, self.targets = code, value, texts, targets


class EachOnce:
    """``each_once(macro, values, *arguments)`` in templates: ``macro(value, *arguments)`` for each value, joined.

    A development is listed on the pages of its section, of each of its
    authorities and of each of its tags; its item is the same on each but
    for its links, which are relative to the page. So each item is rendered
    once per value and arguments, with every ``url()`` in it replaced by a
    token, and the page's own links are put in on each page. The macro may
    depend on the page only through ``url()``, whose result it must show
    as it is: an item whose tokens do not each come out exactly once, or
    whose links hold characters HTML escapes, is rendered on each page.

    An item is kept while its value lives (values are the build's, and a
    preview makes new ones on every build) and its macro is unchanged.
    """

    def __init__(self, link: Callable[[str, str], str]) -> None:
        """``link(target, page_path)`` is what ``url(target)`` gives on the page at ``page_path``."""
        self._link = link
        self._items: dict[_Key, _Item | None] = {}
        self._strongly_held = 0

    @jinja2.pass_context
    def __call__(self, context: jinja2.runtime.Context, macro: Any, values: Iterable[Any], *arguments: Any) -> Markup:
        """Each value's item, with its links as seen from this page."""
        page_path = context.get("page_path")
        code = getattr(getattr(macro, "_func", None), "__code__", None)
        if not isinstance(page_path, str) or code is None:
            return Markup("").join(macro(value, *arguments) for value in values)
        parts = []
        for value in values:
            item = self._item(code, macro, value, arguments)
            if item is None:
                parts.append(str(macro(value, *arguments)))
                continue
            texts = item.texts
            parts.append(texts[0])
            for target, text in zip(item.targets, texts[1:], strict=True):
                parts.append(self._link(target, page_path))
                parts.append(text)
        return Markup("".join(parts))

    def _item(self, code: object, macro: Any, value: object, arguments: tuple[Any, ...]) -> _Item | None:
        """The item of ``value``, rendered once; ``None`` if it cannot be reused."""
        key = (id(code), id(value), arguments)
        try:
            item = self._items[key]
        except KeyError:
            pass
        except TypeError:  # an argument that cannot be a key
            return None
        else:
            if item is None or (item.code is code and item.value() is value):
                return item
        marks = _Marks()
        reset = _marking.set(marks)
        try:
            text = str(macro(value, *arguments))
        finally:
            _marking.reset(reset)
        item = _split(text, marks, code, self._hold(key, value))
        self._items[key] = item
        return item

    def _hold(self, key: _Key, value: object) -> Callable[[], object]:
        """A reference to ``value`` that forgets its item when it dies, or a strong one while few are held."""
        items = self._items
        try:
            return weakref.ref(value, lambda _: items.pop(key, None))
        except TypeError:  # a value that cannot be referred to weakly
            self._strongly_held += 1
            if self._strongly_held > _STRONGLY_HELD:
                items.clear()
                self._strongly_held = 1
            return lambda: value


def _split(text: str, marks: _Marks, code: object, value: Callable[[], object]) -> _Item | None:
    """``text`` cut at its tokens, if each token is in it exactly once (in any order) and no link needs escaping."""
    pieces = re.split(f"\x1a{marks.token}(\\d+)\x1a", text)
    texts, found = tuple(pieces[0::2]), [int(number) for number in pieces[1::2]]
    if sorted(found) != list(range(len(marks.targets))) or any(marks.token in piece for piece in texts):
        return None
    targets = tuple(marks.targets[number] for number in found)
    if any(_ESCAPED.search(target) for target in targets):
        return None
    return _Item(code, value, texts, targets)
