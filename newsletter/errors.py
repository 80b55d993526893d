"""Problems found in a project, and the exceptions that carry them.

A :class:`Problem` is a value: where (path relative to the project, line,
column, all 1-based) and what. Loading and validation collect every problem
they find instead of stopping at the first; only when a step is done does
the caller raise :class:`ContentError` with all of them, and only the CLI
turns them into text.

Exception tree (the CLI's exit code for each in brackets)::

    NewsletterError            base of everything this package raises on purpose [1]
    ├── ContentError           the project's files are wrong; carries Problems [1]
    ├── OutputError            the output folder cannot be safely replaced [1]
    ├── AuthoringError         a new project, issue or entry cannot be created as asked [2]
    ├── SendError              the issue cannot be sent, or the SMTP server would not take it [1]
    └── ListenError            the preview cannot listen on the address asked for [1]

Anything else that escapes is a bug in the tool: the CLI reports it as an
internal error with exit code 70 (and a traceback with ``--debug``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One located message about the project's files."""

    path: str
    line: int
    column: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{printable(self.path)}:{self.line}:{self.column}: {self.severity}: {printable(self.message)}"

    def as_error(self) -> Problem:
        """Return this problem with its severity raised to error (``--strict``)."""
        return Problem(self.path, self.line, self.column, self.message, "error")


def printable(text: str) -> str:
    r"""``text`` on one line and encodable: line breaks and control characters as ``\n`` or ``\x07``.

    File names may hold anything but ``/``: a newline would split a message
    in two, and bytes that are not UTF-8 (kept by Python as surrogates)
    would fail to print at all; they are shown as ``\xff``.
    """
    if text.isprintable():
        return text
    return "".join(_escaped(character) for character in text)


def _escaped(character: str) -> str:
    code = ord(character)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    if character.isprintable() or character == " ":
        return character
    return repr(character)[1:-1]


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """Return only the problems that stop a build."""
    return [problem for problem in problems if problem.severity == "error"]


def summary_line(problems: list[Problem]) -> str:
    """Count errors and warnings the way compilers do: ``3 errors in 2 files``."""
    parts = []
    for severity in ("error", "warning"):
        found = [p for p in problems if p.severity == severity]
        if found:
            files = len({p.path for p in found})
            parts.append(
                f"{len(found)} {severity}{'s' if len(found) != 1 else ''} "
                f"in {files} file{'s' if files != 1 else ''}"
            )
    return ", ".join(parts)


class NewsletterError(Exception):
    """Base class of the errors this package raises on purpose."""


class ContentError(NewsletterError):
    """The project's files have errors; ``problems`` lists every one, sorted."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__(summary_line(self.problems))


class OutputError(NewsletterError):
    """The output folder cannot be written or replaced safely."""


class AuthoringError(NewsletterError):
    """A file cannot be created as asked; the message says why and what to do."""


class SendError(NewsletterError):
    """The issue cannot be sent, or the SMTP server would not take it."""


class ListenError(NewsletterError):
    """The preview cannot listen on the address asked for."""
