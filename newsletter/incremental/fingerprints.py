"""Fingerprints of model values: equal values, equal digests, each value walked once per build."""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import pickle
from collections.abc import Iterable
from typing import Any, cast

Remembered = dict[int, tuple[object, str]]
"""Fingerprinted values by ``id``, each kept with its fingerprint (so that its ``id`` is not reused)."""


class Fingerprints:
    """Digests of model values, each dataclass value digested once per build.

    A value is fed to a hash as a canonical, self-delimiting encoding: every
    part carries its type and length, so equal values give equal digests
    and no two different values run together. A dataclass value (an entry,
    a placed entry, a page) is digested once and then stands for itself by
    its digest wherever it appears again; a value whose fingerprint is
    already known (a *seed*, such as an issue identified by its folder's
    cache key) is never walked at all. Other leaves are pickled, which is
    exact for the plain values the model is made of.
    """

    def __init__(self, seeds: Iterable[tuple[object, str]] = (), remembered: Remembered | None = None):
        """Start from the fingerprints of ``seeds``, and of the values in ``remembered`` that are used again.

        ``remembered`` is what an earlier build's :meth:`known` returned: a
        process that builds again and again (the preview) keeps the values
        that did not change as the same objects, which need no walking.
        """
        # Values are kept alongside their digests so that no id is reused while known.
        self._known: Remembered = {id(value): (value, fp) for value, fp in seeds}
        self._remembered: Remembered = remembered or {}

    def known(self) -> Remembered:
        """Every value fingerprinted so far, with its fingerprint, to pass as ``remembered`` next time."""
        return self._known

    def _recall(self, value: object) -> str | None:
        """The fingerprint of ``value`` if this build or the remembered one already took it."""
        key = id(value)
        found = self._known.get(key)
        if found is None:
            found = self._remembered.get(key)
            if found is None or found[0] is not value:
                return None
            self._known[key] = found
        return found[1]

    def of(self, value: object) -> str:
        """The fingerprint of ``value``: equal values give equal fingerprints."""
        known = self._recall(value)
        if known is not None:
            return known
        hasher = hashlib.blake2b(digest_size=20)
        layout = _layout(type(value))
        if layout is None:
            self._feed(hasher, value)
            return hasher.hexdigest()
        name, fields = layout
        hasher.update(name)
        for field in fields:
            self._feed(hasher, getattr(value, field))
        found = hasher.hexdigest()
        self._known[id(value)] = (value, found)
        return found

    def _feed(self, hasher: Any, value: object) -> None:
        # Exact types only: a subclass (markupsafe's Markup is a str) must not pass for its base.
        # Each part is one update of tag, length and bytes: this runs for every value of every page.
        kind = type(value)
        if kind is str:
            data = cast(str, value).encode()
            hasher.update(b"s%d:%b" % (len(data), data))
        elif kind is int or kind is bool or value is None:
            hasher.update(b"i%r;" % (value,))
        elif _layout(kind) is not None or self._recall(value) is not None:
            found = self.of(value).encode()
            hasher.update(b"c%d:%b" % (len(found), found))
        elif (kind is tuple or kind is list or kind is dict) and (whole := _plain(value)) is not None:
            hasher.update(b"m%d:%b" % (len(whole), whole))
        elif kind is tuple or kind is list:
            items = cast(tuple[object, ...] | list[object], value)
            hasher.update(b"%b%d:" % (b"t" if kind is tuple else b"l", len(items)))
            for item in items:
                self._feed(hasher, item)
        elif kind is dict:
            pairs = cast(dict[object, object], value)
            hasher.update(b"d%d:" % len(pairs))
            for key, item in pairs.items():
                self._feed(hasher, key)
                self._feed(hasher, item)
        else:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            hasher.update(b"p%d:%b" % (len(data), data))


def _plain(value: object) -> bytes | None:
    """A container of plain values (exactly str, int, bool, None, float, bytes, tuple, list, dict) encoded whole.

    ``marshal`` does it in C, and refuses anything else, subclasses
    included (markupsafe's Markup). Version 0 writes neither references to
    repeated objects nor whether a string is interned, so equal values are
    written alike whatever their history. Containers of dataclasses are
    refused at their first item and walked instead.
    """
    try:
        return marshal.dumps(value, 0)  # type: ignore[arg-type]  # refused at run time
    except ValueError:
        return None


_LAYOUTS: dict[type, tuple[bytes, tuple[str, ...]] | None] = {}


def _layout(kind: type) -> tuple[bytes, tuple[str, ...]] | None:
    """A dataclass's qualified name and field names, looked up once per class; ``None`` for other types."""
    if kind not in _LAYOUTS:
        name = f"{kind.__module__}.{kind.__qualname__}".encode()
        fields = tuple(field.name for field in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _LAYOUTS[kind] = None if fields is None else (b"%d:%b" % (len(name), name), fields)
    return _LAYOUTS[kind]
