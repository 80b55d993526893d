"""What a long-lived preview keeps between its builds, so that an edit costs what it changes.

A one-shot build finds out what did not change from the build cache: it
digests every issue folder, unpickles every validated issue, checks the
state of every output file and links every unchanged file into the folder
it swaps in. ``newsletter serve`` builds again after every save, in the
same process; so
:class:`Memory` keeps, from one build to the next, what the cache would
give back:

- the status and digest of every content file: a file is read again only
  if its status changed (or changed too recently to be trusted);
- the validated issues, by their cache key: only changed folders are read;
- the template environment with its compiled templates, while the project's
  templates and catalogs are unchanged;
- the fingerprints of the values that are the same objects as last time
  (every unchanged issue and entry, and what is made of them);
- the manifest (which job made which files) and the state of every output
  file, trusted without a ``stat``: the preview folder is the preview's own,
  locked while it runs;
- which files of the kept previous output differ from the output, so that
  writing updates only those and the changed files, then swaps.

Each build is still the normal :func:`newsletter.build.build`, given
:meth:`Memory.rebuild` as the maker of its :class:`Rebuild`; the output is
byte for byte what a cold build makes. What only the next *process* needs
(the manifest, the stamps, pruning the cache) is written by
:meth:`Memory.persist` once the preview is idle, not while the editor waits.
Settings, registry, option and template changes change the keys of what is
kept, so they fall back to a full build that still reuses the build cache.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import jinja2

from newsletter.content.layout import issue_folders
from newsletter.incremental.fingerprints import Fingerprints, Remembered
from newsletter.incremental.jobs import Manifest, load_manifest, render_changed, save_manifest
from newsletter.incremental.reading import KeptIssues, ReadIssues, read_issues
from newsletter.incremental.rebuild import Rebuild
from newsletter.incremental.scan import StatCache, folder_fingerprint
from newsletter.incremental.stamps import Inputs, Snapshot, record_build, record_check
from newsletter.model import Config
from newsletter.options import BuildReport, CheckReport, Options
from newsletter.output import FileState, OutputFiles, Spool, spare_differences, update_output, write_output
from newsletter.project import Project
from newsletter.render.jobs import Environments, Job, TemplateNames


@dataclass
class _Written:
    """The output as the last successful build left it."""

    manifest: Manifest
    stale: set[str] | None
    """Paths where the kept previous output differs from the output; ``None`` until known."""


@dataclass
class _Pending:
    """What the last build would have stamped, to be written once the preview is idle."""

    project: Project
    inputs: Inputs
    options: Options
    report: BuildReport
    counted: CheckReport
    all_compile: bool


class Memory:
    """Everything a preview keeps from one build to the next (see the module docstring)."""

    def __init__(self) -> None:
        self._where: tuple[Project, Options] | None = None
        self.forget()

    def forget(self) -> None:
        """Drop everything kept: the next build starts from the build cache, like a one-shot build."""
        self._scans: StatCache | None = None
        self._issues: KeptIssues = {}
        self._environments: dict[str, tuple[str, jinja2.Environment, TemplateNames]] = {}
        """By language: the digest of the templates and catalogs, the environment, what templates read."""
        self._fingerprints: Remembered = {}
        self._written: _Written | None = None
        self._pending: _Pending | None = None

    def rebuild(self, project: Project, options: Options) -> LiveRebuild:
        """The :class:`Rebuild` of the next build: pass this method to ``build`` as ``rebuild_with``."""
        if self._where != (project, options):
            self.forget()  # another project or other options: nothing kept applies
            self._where = (project, options)
        return LiveRebuild(self, project, options)

    @property
    def warm(self) -> bool:
        """Whether a build has filled the memory, so that the next edit costs only what it changes."""
        return self._written is not None

    def persist(self) -> None:
        """Write what the next process needs from the last build: its manifest, its stamps; prune the cache.

        Called when the preview is idle. Also learns how the kept previous
        output differs from the output, if that is not known yet.
        """
        pending, written = self._pending, self._written
        self._pending = None
        if pending is None or written is None:
            return
        project = pending.project
        output = project.output_dir
        save_manifest(project.cache, output, written.manifest)
        record_build(project, pending.inputs, pending.options, pending.report,
                     Snapshot.take(output, written.manifest.files))
        if pending.all_compile:
            record_check(project, pending.inputs, pending.options, pending.counted)
        project.cache.prune("issues", set(self._issues))
        if self._scans is not None:
            self._scans.save()
        if written.stale is None:
            written.stale = spare_differences(output, written.manifest.files)
        # What is alive now lives until the next edit: the collector need not walk it again and again.
        gc.collect()
        gc.freeze()

    def _inputs(self, project: Project) -> Inputs:
        """The inputs of the next build: a file is read again only if its status changed (or is recent)."""
        if self._scans is None:
            self._scans = StatCache(project.cache, project.content_dir)
        scans = self._scans
        scans.again()
        return Inputs.of(project, [scans.scan(path) for path in issue_folders(project.content_dir)])


class LiveRebuild(Rebuild):
    """One build of a preview: :class:`Rebuild`, answered from the :class:`Memory` where it can be."""

    def __init__(self, memory: Memory, project: Project, options: Options):
        """Scan the inputs now, before any is read, so that an edit made meanwhile shows next time."""
        # Not Rebuild.__init__: it scans every issue folder, where the memory scans those that changed.
        self.memory = memory
        self.project = project
        self.options = options
        self.inputs = memory._inputs(project)
        self._read: ReadIssues | None = None
        written = memory._written
        self._previous = written.manifest if written else Manifest({}, {})
        self._made: dict[str, tuple[str, ...]] = {}
        self._templates: str | None = None
        self._known: Remembered = {}

    def read_issues(self, config: Config) -> ReadIssues:
        """Every issue folder validated: from memory, else from the build cache, else read."""
        project = self.project
        self._read = read_issues(project.root, project.content_dir, self.inputs.folders, config, self.options,
                                 project.cache, self.memory._issues)
        return self._read

    def environment(self, language: str = "en") -> jinja2.Environment:
        """The environment of the last build in ``language`` while the templates and catalogs are unchanged."""
        kept = self.memory._environments.get(language)
        if kept is None or kept[0] != self.templates:
            env = super().environment(language)
            kept = self.templates, env, super().template_names(env)
            self.memory._environments[language] = kept
        return kept[1]

    def template_names(self, env: jinja2.Environment) -> TemplateNames:
        """What each template reads, kept with its environment."""
        for _, kept, names in self.memory._environments.values():
            if kept is env:
                return names
        return super().template_names(env)

    @property
    def templates(self) -> str:
        """A digest of the project's templates and catalogs, taken once per build."""
        if self._templates is None:
            self._templates = (folder_fingerprint(self.project.templates_dir)
                               + folder_fingerprint(self.project.locales_dir))
        return self._templates

    @contextmanager
    def spool(self) -> Iterator[Spool]:
        """A folder for newly rendered files beside the output; the manifest is the one in memory."""
        if self.memory._written is None:
            self._previous = load_manifest(self.project.cache, self.project.output_dir)
        with Spool(self.project.output_dir) as spool:
            yield spool

    def render(self, jobs: Sequence[Job], envs: Environments, spool: Spool) -> OutputFiles:
        """Render the jobs whose inputs changed; fingerprints of unchanged values come from memory."""
        seeds = self._read.seeds if self._read is not None else []
        fingerprints = Fingerprints(seeds, self.memory._fingerprints)
        files, self._made = render_changed(
            jobs, envs, fingerprints, self.templates, self._previous, self.project.output_dir, spool,
            trusted=self.memory._written is not None,
        )
        self._known = fingerprints.known()
        return files

    def write(self, files: OutputFiles) -> Snapshot:
        """Write only what changed; the stamps wait until the preview is idle (:meth:`Memory.persist`)."""
        project, written = self.project, self.memory._written
        updated: tuple[dict[str, FileState], set[str]] | None = None
        stale: set[str] | None
        if written is not None and written.stale is not None:
            updated = update_output(files, project.output_dir, project.protected, written.manifest.files,
                                    written.stale)
        if updated is not None:
            states, stale = updated
        else:
            before = self._previous.files
            states = write_output(files, project.output_dir, project.protected, before, keep_previous=True)
            # Learnt from the previous output itself when the preview is idle, unless nothing moved.
            stale = written.stale if written is not None and states == before else None
        self.memory._written = _Written(Manifest(states, self._made, self.options.drafts), stale)
        self.memory._fingerprints = self._known
        # The files alone: the report needs no more, and the stamp's full snapshot waits for idleness.
        return Snapshot(tuple(states), (), ())

    def record_build(self, report: BuildReport, output: Snapshot, counted: CheckReport, all_compile: bool) -> None:
        """Keep what to stamp; :meth:`Memory.persist` writes it once the preview is idle."""
        self.memory._pending = _Pending(self.project, self.inputs, self.options, report, counted, all_compile)

