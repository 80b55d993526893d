"""What the editor asked for, and what a build or check reports back.

Standard library only: the command line makes these before it knows
whether the libraries that read and render the content need loading at all
(a build answered from its stamp never loads them).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsletter.errors import Problem

if TYPE_CHECKING:
    from newsletter.model import Newsletter


@dataclass(frozen=True)
class Options:
    """The choices of one build, check, preview or send, travelling the whole pipeline."""

    drafts: bool = False
    """Include draft issues and entries."""
    base_url: str | None = None
    """Publish under this URL instead of the settings' ``base_url`` (preview deploys)."""
    as_of: dt.date | None = None
    """List deadlines still ahead on this day; ``None`` for the newest issue's date."""
    strict: bool = False
    """Treat warnings as errors."""

    def per_issue(self) -> Options:
        """The options that one issue folder's validated issue depends on.

        The as-of day only matters across issues, and strictness is applied
        to the problems afterwards, so neither is part of a cached issue's key.
        """
        return dataclasses.replace(self, as_of=None, strict=False)

    def key(self) -> str:
        """Every option by name, unambiguously: part of the digests that decide what is reused."""
        return repr(sorted(dataclasses.asdict(self).items()))

    def judged(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` as these options rank them: every one an error under ``strict``."""
        return [problem.as_error() for problem in problems] if self.strict else problems


@dataclass(frozen=True)
class CheckReport:
    """What a check found: the problems that did not stop it, and what it counted."""

    problems: list[Problem]
    issues: int
    entries: int
    draft_issues: int = 0
    draft_entries: int = 0
    """Entries that are drafts or in a draft issue: included only in a build with drafts."""

    @classmethod
    def of(cls, newsletter: Newsletter, problems: list[Problem]) -> CheckReport:
        """Count the issues and entries of ``newsletter``, and how many of each are drafts."""
        issues = newsletter.issues
        drafts = sum(entry.draft or issue.draft for issue in issues for entry in issue.entries)
        return cls(problems, len(issues), len(newsletter.entries), sum(issue.draft for issue in issues), drafts)


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the CLI to print."""

    files: tuple[str, ...]
    """Site paths of every file in the output."""
    problems: list[Problem]
    issues: int
    entries: int
    seconds: float = 0.0
    draft_issues: int = 0
    draft_entries: int = 0

    @property
    def pages(self) -> list[str]:
        """Site paths of the HTML files written."""
        return [path for path in self.files if path.endswith(".html")]
