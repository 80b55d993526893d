"""One build's use of the cache: what it reuses from earlier builds, and what it leaves for the next.

A build asks this for four things: the issues read and validated (each
issue folder from the cache when its files did not change), the template
environment (compiled templates from the cache), the output rendered (jobs
whose inputs did not change are kept as the last build left them) and the
output written (only what changed). Afterwards it stamps what it did, so
that the next build with nothing changed is answered at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import jinja2

from newsletter.errors import Problem
from newsletter.incremental.fingerprints import Fingerprints
from newsletter.incremental.jobs import Manifest, load_manifest, render_changed, save_manifest
from newsletter.incremental.reading import ReadIssues, read_issues
from newsletter.incremental.scan import folder_fingerprint
from newsletter.incremental.stamps import Inputs, Snapshot, record_build, record_check
from newsletter.incremental.templates import CachedTemplateNames, TemplateBytecode
from newsletter.model import Config
from newsletter.options import BuildReport, CheckReport, Options
from newsletter.output import OutputFiles, Spool, write_output
from newsletter.project import Project
from newsletter.render.jobs import Environments, Job, TemplateNames
from newsletter.render.templates import make_environment

_DEVELOPMENT_PAGE = re.compile(r"issues/([^/]+)/([^/]+)/index\.html")


class Rebuild:
    """The cached half of one build or check of ``project`` with ``options``."""

    def __init__(self, project: Project, options: Options):
        """Digest every input now, before any is read, so that an edit made meanwhile shows next time."""
        self.project = project
        self.options = options
        self.inputs = Inputs.scan(project)
        self._read: ReadIssues | None = None
        self._previous = Manifest({}, {})
        self._made: dict[str, tuple[str, ...]] = {}

    def read_issues(self, config: Config) -> ReadIssues:
        """Every issue folder read and validated, from the cache where its files are unchanged."""
        project = self.project
        self._read = read_issues(
            project.root, project.content_dir, self.inputs.folders, config, self.options, project.cache
        )
        return self._read

    def environment(self, language: str = "en") -> jinja2.Environment:
        """The template environment for ``language``, keeping compiled templates in the build cache."""
        env = make_environment(self.project.templates_dir, language, self.project.locales_dir)
        env.bytecode_cache = TemplateBytecode(self.project.cache)
        return env

    def template_names(self, env: jinja2.Environment) -> TemplateNames:
        """What each template reads, parsed once per template source."""
        return CachedTemplateNames(env, self.project.cache)

    @contextmanager
    def spool(self) -> Iterator[Spool]:
        """A folder for newly rendered files beside the output, removed afterwards."""
        self._previous = load_manifest(self.project.cache, self.project.output_dir)
        with Spool(self.project.output_dir) as spool:
            yield spool

    def render(self, jobs: Sequence[Job], envs: Environments, spool: Spool) -> OutputFiles:
        """Render into ``spool`` the jobs whose files the output does not already hold."""
        seeds = self._read.seeds if self._read is not None else []
        files, self._made = render_changed(
            jobs, envs, Fingerprints(seeds),
            folder_fingerprint(self.project.templates_dir) + folder_fingerprint(self.project.locales_dir),
            self._previous, self.project.output_dir, spool,
        )
        return files

    def write(self, files: OutputFiles) -> Snapshot:
        """Make ``files`` the output, touching only what changed; return what the output now is."""
        project = self.project
        states = write_output(files, project.output_dir, project.protected, self._previous.files, keep_previous=True)
        save_manifest(project.cache, project.output_dir, Manifest(states, self._made, self.options.drafts))
        return Snapshot.take(project.output_dir, states)

    def vanished_pages(self, files: Mapping[str, bytes]) -> list[Problem]:
        """Warn of each development page that the last build into this output published and this one does not.

        A development file renamed or moved without an ``aliases:`` entry
        takes its public address with it: links to it and bookmarks break.
        """
        if self._previous.drafts and not self.options.drafts:
            return []  # pages of drafts go as they should
        gone = sorted((found[1], found[2]) for path in self._previous.files if path not in files
                      and (found := _DEVELOPMENT_PAGE.fullmatch(path)))
        content = os.path.relpath(self.project.content_dir, self.project.root)
        return [
            Problem(Path(content, issue_id).as_posix(), 1, 1,
                    f"issues/{issue_id}/{slug}/ was published by the last build and is gone: if that development "
                    f"was renamed or moved, add 'aliases: [{issue_id}/{slug}]' to it (newsletter mv does it for "
                    "you) so that its address keeps working", "warning")
            for issue_id, slug in gone
        ]

    def record_build(self, report: BuildReport, output: Snapshot, counted: CheckReport, all_compile: bool) -> None:
        """Stamp the build; and the check too when every template compiled (a check compiles them all)."""
        record_build(self.project, self.inputs, self.options, report, output)
        if all_compile:
            self.record_check(counted)

    def record_check(self, report: CheckReport) -> None:
        """Stamp a successful check."""
        record_check(self.project, self.inputs, self.options, report)
