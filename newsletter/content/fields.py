"""Typed reading of a raw mapping, one field at a time, collecting located problems.

Config, issue and entry validation all read their fields through
:class:`Fields`: each accessor returns a typed value (or ``None``) and
records a :class:`~newsletter.errors.Problem` at the offending key or value
when the input is wrong, so one pass reports every mistake in a file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Iterator
from typing import Any

from newsletter.content.loading import KeyPath, RawDocument, kind_of
from newsletter.content.markdown import markdown_problem
from newsletter.content.urls import LINK_SCHEMES, url_problem
from newsletter.errors import Problem
from newsletter.model import EntryDate

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def closest(word: str, choices: Collection[str]) -> str | None:
    """The choice ``word`` is most likely a misspelling of, ignoring case, if any is close."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """A ``; did you mean 'x'?`` suffix when ``word`` is close to one of ``choices``."""
    match = closest(word, choices)
    return f"; did you mean '{match}'?" if match else ""


def xml_invalid_character(text: str) -> str | None:
    """Describe the first character that cannot appear in XML, if any."""
    found = _XML_INVALID.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def parse_date(text: str, allow_month: bool) -> EntryDate | str:
    """Parse ``YYYY-MM-DD`` (or ``YYYY-MM`` if allowed); return an error message on failure."""
    expected = "YYYY-MM-DD or YYYY-MM" if allow_month else "YYYY-MM-DD"
    match = _DATE.fullmatch(text.strip())
    if not match or (match.group(3) is None and not allow_month):
        return f"'{text}' is not a date; expected {expected}"
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return f"'{text}' is not a real date"
    return EntryDate(year, month, day)


class Fields:
    """Read fields of one mapping in a :class:`RawDocument`, appending problems to ``problems``."""

    def __init__(
        self,
        doc: RawDocument,
        known: Collection[str],
        problems: list[Problem],
        prefix: KeyPath = (),
        data: dict[str, Any] | None = None,
    ):
        self.doc = doc
        self.prefix = prefix
        self.data = doc.data if data is None else data
        self.problems = problems
        self.suggested: set[str] = set()
        for key in self.data:
            if key not in known:
                line, column = doc.key_at((*prefix, key))
                match = closest(key, known)
                if match:
                    self.suggested.add(match)
                message = f"unknown field '{key}'{did_you_mean(key, known)}"
                self.problems.append(Problem(doc.path, line, column, message))

    def error(self, key: str | None, message: str) -> None:
        """Record an error at the value of ``key`` (or at the mapping itself)."""
        keypath = self.prefix if key is None else (*self.prefix, key)
        self.problems.append(self.doc.problem(keypath, message))

    def has(self, key: str) -> bool:
        """Whether ``key`` is present with a value other than null."""
        return self.data.get(key) is not None

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required and key not in self.suggested:
            # A misspelt key already says "did you mean '{key}'?": one mistake, one message.
            self.error(None, f"missing required field '{key}'")
        return value

    def _expect(self, key: str, value: Any, wanted: str) -> None:
        self.error(key, f"'{key}' must be {wanted}, not {kind_of(value)}")

    def text(self, key: str, required: bool = False) -> str | None:
        """A text field; numbers are not silently turned into text."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self._expect(key, value, "text")
            return None
        if required and not value.strip():
            self.error(key, f"'{key}' is empty")
            return None
        return self.checked_text(key, value)

    def line(self, key: str, required: bool = False) -> str | None:
        """A one-line text, without surrounding space: a title, a name, an id.

        Such values end up in email headers, calendar fields and one-line
        listings, where a line break would break the output; YAML makes them
        easy to write by accident (a ``|`` block, a quoted line break).
        """
        value = self.text(key, required)
        if value is None:
            return None
        value = value.strip()
        found = _LINE_BREAK.search(value)
        if found:
            self.error(key, f"'{key}' must be one line, but it holds a line break (U+{ord(found.group()):04X}): "
                            "join the lines")
            return None
        return value

    def markdown(self, key: str) -> str | None:
        """A Markdown text, none of whose paragraphs is too long to render in bounded time."""
        value = self.text(key)
        found = markdown_problem(value) if value is not None else None
        if found:
            self.error(key, found[1])
            return None
        return value

    def checked_text(self, key: str, value: str) -> str | None:
        """Reject characters that cannot appear in HTML or XML output."""
        bad = xml_invalid_character(value)
        if bad:
            self.error(key, f"'{key}' contains the control character {bad}")
            return None
        return value

    def integer(self, key: str) -> int | None:
        """A whole number."""
        value = self._get(key, False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self._expect(key, value, "a whole number")
            return None
        return value

    def boolean(self, key: str) -> bool:
        """``true`` or ``false``; absent means false."""
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self._expect(key, value, "true or false")
            return False
        return value

    def date(self, key: str, required: bool = False, allow_month: bool = False) -> EntryDate | None:
        """A date written ``YYYY-MM-DD``, or ``YYYY-MM`` where ``allow_month``."""
        value = self._get(key, required)
        if value is None:
            return None
        parsed = parse_date(str(value), allow_month)
        if isinstance(parsed, str):
            self.error(key, parsed)
            return None
        return parsed

    def url(self, key: str, required: bool = False, schemes: tuple[str, ...] = LINK_SCHEMES) -> str | None:
        """An absolute URL with one of ``schemes``."""
        value = self.text(key, required)
        if value is None:
            return None
        problem = url_problem(value, schemes)
        if problem:
            self.error(key, problem)
            return None
        return value

    def text_list(self, key: str, one_allowed: bool = False) -> list[str]:
        """A list of texts (or a single text where ``one_allowed``)."""
        return [text for _, text in self.indexed_texts(key, one_allowed)]

    def indexed_texts(self, key: str, one_allowed: bool = False) -> list[tuple[int, str]]:
        """The texts of a list with their places in it as written, for problems about one item."""
        value = self._get(key, False)
        if value is None:
            return []
        if one_allowed and isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self._expect(key, value, "a list" + (" or text" if one_allowed else ""))
            return []
        texts = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                self.item_problem(key, index, f"each item of '{key}' must be text, not {kind_of(item)}")
            elif xml_invalid_character(item):
                self.item_problem(
                    key, index, f"'{key}' contains the control character {xml_invalid_character(item)}"
                )
            else:
                texts.append((index, item))
        return texts

    def item_problem(self, key: str, index: int, message: str, severity: str = "error") -> None:
        """Locate a problem at one item of a field that holds a list or a single value."""
        keypath = (*self.prefix, key, index) if isinstance(self.data.get(key), list) else (*self.prefix, key)
        self.problems.append(self.doc.problem(keypath, message, severity))

    def slug_list(self, key: str) -> list[str]:
        """A list of lowercase slugs such as tags."""
        texts = set(self.text_list(key))
        raw = self.data.get(key)
        slugs = []
        for index, item in enumerate(raw if isinstance(raw, list) else []):
            if not isinstance(item, str) or item not in texts:
                continue
            if SLUG.fullmatch(item):
                slugs.append(item)
            else:
                self.item_problem(
                    key, index,
                    f"'{item}' in '{key}' is not a valid slug: use lowercase letters, digits and hyphens",
                )
        return slugs

    def mapping(self, key: str, known: Collection[str]) -> Fields | None:
        """A nested mapping, read with its own :class:`Fields`."""
        value = self._get(key, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._expect(key, value, "a mapping")
            return None
        return Fields(self.doc, known, self.problems, (*self.prefix, key), value)

    def mappings(self, key: str, known: Collection[str]) -> Iterator[Fields]:
        """Each mapping in a list of mappings."""
        value = self._get(key, False)
        if value is None:
            return
        if not isinstance(value, list):
            self._expect(key, value, "a list")
            return
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield Fields(self.doc, known, self.problems, (*self.prefix, key, index), item)
            else:
                self.item_problem(
                    key, index, f"each item of '{key}' must be a mapping, not {kind_of(item)}"
                )
