"""Fingerprints of model values: equal values, equal digests, each value walked once per build."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Iterable
from typing import Any, cast


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

    def __init__(self, seeds: Iterable[tuple[object, str]] = ()):
        # Values are kept alongside their digests so that no id is reused while known.
        self._known: dict[int, tuple[object, str]] = {id(value): (value, fp) for value, fp in seeds}

    def of(self, value: object) -> str:
        """The fingerprint of ``value``: equal values give equal fingerprints."""
        known = self._known.get(id(value))
        if known is not None:
            return known[1]
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
        elif id(value) in self._known or _layout(kind) is not None:
            found = self.of(value).encode()
            hasher.update(b"c%d:%b" % (len(found), found))
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


_LAYOUTS: dict[type, tuple[bytes, tuple[str, ...]] | None] = {}


def _layout(kind: type) -> tuple[bytes, tuple[str, ...]] | None:
    """A dataclass's qualified name and field names, looked up once per class; ``None`` for other types."""
    if kind not in _LAYOUTS:
        name = f"{kind.__module__}.{kind.__qualname__}".encode()
        fields = tuple(field.name for field in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _LAYOUTS[kind] = None if fields is None else (b"%d:%b" % (len(name), name), fields)
    return _LAYOUTS[kind]
