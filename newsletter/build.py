"""The one pass: load files -> validate and assemble -> render -> write atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from newsletter.assembly import Options, assemble
from newsletter.errors import ContentError, OutputError, Problem, errors_in
from newsletter.loading import RawProject, load_project
from newsletter.model import Newsletter
from newsletter.output import check_output_dir, write_output
from newsletter.render import render_all
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


@dataclass
class BuildReport:
    """What a build did, for the CLI to print."""

    newsletter: Newsletter
    files: dict[str, bytes]
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> list[str]:
        """Site paths of the HTML files written."""
        return [path for path in self.files if path.endswith(".html")]


def check(project: Project, options: Options, strict: bool = False) -> tuple[Newsletter, list[Problem]]:
    """Validate the content and compile the templates without writing anything; raise ContentError on errors.

    Rendering-time checks (such as the email size budget) need a build.
    """
    raw = load_project(project.root, project.config_path, project.content_dir)
    syntax = template_syntax_problems(make_environment(raw.templates_dir), project.root)
    if syntax:
        raise ContentError(syntax)
    return _validated(raw, options, strict)


def build(
    project: Project, options: Options, strict: bool = False,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> BuildReport:
    """Validate, render and write the whole site; nothing is written if anything fails.

    ``on_stage`` is called with each name in ``STAGES`` as that step starts.
    """
    started = time.perf_counter()
    if project.content_dir.resolve() in project.output_dir.resolve().parents:
        raise OutputError(f"refusing to write the output inside the content folder {project.content_dir}")
    check_output_dir(project.output_dir, project.protected)
    report = render(project, options, strict, on_stage)
    on_stage("writing")
    write_output(report.files, project.output_dir, project.protected)
    report.seconds = time.perf_counter() - started
    return report


def render(
    project: Project, options: Options, strict: bool = False,
    on_stage: Callable[[str], None] = lambda stage: None,
) -> BuildReport:
    """Validate and render everything in memory, writing nothing; raise ContentError on errors."""
    started = time.perf_counter()
    on_stage("loading")
    raw = load_project(project.root, project.config_path, project.content_dir)
    on_stage("checking")
    newsletter, problems = _validated(raw, options, strict)
    on_stage("rendering")
    try:
        files, render_problems = render_all(newsletter, make_environment(raw.templates_dir))
    except jinja2.TemplateError as error:  # a broken template override is the editor's input too
        raise ContentError([template_problem(error, project.root)]) from error
    problems = _strict(problems + render_problems, strict)
    if errors_in(problems):
        raise ContentError(problems)
    return BuildReport(newsletter, files, sorted(problems), time.perf_counter() - started)


def _validated(raw: RawProject, options: Options, strict: bool) -> tuple[Newsletter, list[Problem]]:
    newsletter, problems = assemble(raw, options)
    problems = _strict(problems, strict)
    if newsletter is None or errors_in(problems):
        raise ContentError(problems)
    return newsletter, problems


def _strict(problems: list[Problem], strict: bool) -> list[Problem]:
    return [p.as_error() for p in problems] if strict else problems
