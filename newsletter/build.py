"""The one pass: load files -> validate and assemble -> render -> write atomically.

Each step reuses what earlier builds left in the build cache
(``.newsletter-cache/`` beside ``newsletter.yaml``) when its inputs are
unchanged: validated issues (``reading.py``), rendered output
(``incremental.py``) and compiled templates. Deleting the cache only makes
the next build slower.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from newsletter.assembly import Options, collect, read_settings
from newsletter.cache import CACHE_DIR, Cache, Fingerprints, TemplateBytecode
from newsletter.errors import ContentError, OutputError, Problem, errors_in
from newsletter.incremental import (
    Manifest,
    load_manifest,
    render_changed,
    save_manifest,
    templates_fingerprint,
)
from newsletter.loading import load_settings
from newsletter.model import Newsletter
from newsletter.output import OutputFiles, Spool, check_output_dir, write_output
from newsletter.reading import Seeds, read_issues
from newsletter.render import output_jobs, output_problems
from newsletter.render.jobs import Files, TemplateNames
from newsletter.render.templates import make_environment
from newsletter.theme import template_problem, template_syntax_problems

STAGES = ("loading", "checking", "rendering", "writing")
"""The steps of a build, in order, as reported to ``on_stage``."""


@dataclass(frozen=True)
class Project:
    """Where a newsletter project's files are."""

    root: Path
    config_path: Path
    content_dir: Path
    output_dir: Path

    @classmethod
    def at(cls, root: Path) -> Project:
        """The default layout of a project rooted at ``root``."""
        return cls(root, root / "newsletter.yaml", root / "content", root / "output")

    @property
    def protected(self) -> list[Path]:
        """Paths the output folder must never be, nor contain."""
        return [self.root, self.content_dir, self.config_path]

    @property
    def templates_dir(self) -> Path | None:
        """The project's own templates, if it has any."""
        templates = self.root / "templates"
        return templates if templates.is_dir() else None

    @property
    def cache(self) -> Cache:
        """The build cache beside the settings file."""
        return Cache(self.root / CACHE_DIR)


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    newsletter: Newsletter
    files: Mapping[str, bytes]
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> list[str]:
        """Site paths of the HTML files written."""
        return [path for path in self.files if path.endswith(".html")]


Progress = Callable[[str], None]


def check(project: Project, options: Options, strict: bool = False) -> tuple[Newsletter, list[Problem]]:
    """Validate the content and compile the templates without writing any output; raise ContentError on errors.

    Rendering-time checks (such as the email size budget) need a build.
    """
    syntax = template_syntax_problems(_environment(project), project.root)
    if syntax:
        raise ContentError(syntax)
    newsletter, problems, _ = _validated(project, options, strict)
    return newsletter, problems


def build(
    project: Project, options: Options, strict: bool = False, on_stage: Progress = lambda stage: None,
) -> BuildReport:
    """Validate, render and write the whole site; nothing is written if anything fails.

    ``on_stage`` is called with each name in ``STAGES`` as that step starts.
    """
    started = time.perf_counter()
    if project.content_dir.resolve() in project.output_dir.resolve().parents:
        raise OutputError(f"refusing to write the output inside the content folder {project.content_dir}")
    check_output_dir(project.output_dir, project.protected)
    newsletter, problems, seeds = _validated(project, options, strict, on_stage)
    on_stage("rendering")
    env = _environment(project)
    previous = load_manifest(project.cache, project.output_dir)
    with Spool(project.output_dir) as spool:
        with _located_template_errors(project):
            files, made = render_changed(
                output_jobs(newsletter, env, TemplateNames(env, project.cache)),
                env,
                Fingerprints(seeds),
                templates_fingerprint(project.templates_dir),
                previous,
                project.output_dir,
                spool,
            )
        problems = _checked_output(newsletter, files, problems, strict)
        on_stage("writing")
        states = write_output(files, project.output_dir, project.protected, previous.files, keep_previous=True)
    save_manifest(project.cache, project.output_dir, Manifest(states, made))
    written = OutputFiles(project.output_dir, None, (), states)
    return BuildReport(newsletter, written, problems, time.perf_counter() - started)


def render(
    project: Project, options: Options, strict: bool = False, on_stage: Progress = lambda stage: None,
) -> BuildReport:
    """Validate and render everything in memory, writing no output; raise ContentError on errors."""
    started = time.perf_counter()
    newsletter, problems, _ = _validated(project, options, strict, on_stage)
    on_stage("rendering")
    env = _environment(project)
    files: Files = {}
    with _located_template_errors(project):
        for job in output_jobs(newsletter, env, TemplateNames(env, project.cache)):
            files.update(job.run(env))
    problems = _checked_output(newsletter, files, problems, strict)
    return BuildReport(newsletter, files, problems, time.perf_counter() - started)


def _validated(
    project: Project, options: Options, strict: bool, on_stage: Progress = lambda stage: None
) -> tuple[Newsletter, list[Problem], Seeds]:
    on_stage("loading")
    config, problems = read_settings(*load_settings(project.root, project.config_path), options)
    read = read_issues(project.root, project.content_dir, config, options, project.cache)
    on_stage("checking")
    newsletter, problems = collect(config, read.results, read.references, problems, options)
    problems = _strict(problems, strict)
    if newsletter is None or errors_in(problems):
        raise ContentError(problems)
    return newsletter, problems, read.seeds


def _checked_output(
    newsletter: Newsletter, files: Mapping[str, bytes], problems: list[Problem], strict: bool
) -> list[Problem]:
    """Add the problems found in the rendered files; raise ContentError if there are errors."""
    problems = _strict(problems + output_problems(newsletter, files), strict)
    if errors_in(problems):
        raise ContentError(problems)
    return sorted(problems)


@contextlib.contextmanager
def _located_template_errors(project: Project) -> Iterator[None]:
    """Report a failing template as a located problem: a broken override is the editor's input too."""
    try:
        yield
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, project.root)]) from error


def _environment(project: Project) -> jinja2.Environment:
    """The template environment, keeping compiled templates in the build cache."""
    env = make_environment(project.templates_dir)
    env.bytecode_cache = TemplateBytecode(project.cache)
    return env


def _strict(problems: list[Problem], strict: bool) -> list[Problem]:
    return [p.as_error() for p in problems] if strict else problems
