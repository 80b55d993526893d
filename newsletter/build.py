"""The one pass: load -> validate -> assemble -> render -> write.

Each step is a call into the package that owns it: :mod:`newsletter.content`
loads and validates the files and assembles the archive, :mod:`newsletter.render`
turns the archive into files, :mod:`newsletter.output` writes them. Doing less
on the next build is the business of :class:`~newsletter.incremental.rebuild.Rebuild`
alone: it reuses what earlier builds left in ``.newsletter-cache/`` (validated
issues, rendered files, compiled templates) and stamps what this build did.
Deleting that folder only makes the next build slower.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import jinja2

from newsletter.content.archive import collect
from newsletter.content.layout import ASSETS_FOLDER, LOCALES_FOLDER, REGISTRY_FILE, place_problems
from newsletter.content.loading import load_assets, load_settings, project_catalogs
from newsletter.content.settings import read_settings
from newsletter.errors import ContentError, Problem, errors_in
from newsletter.incremental.rebuild import Rebuild
from newsletter.model import Newsletter
from newsletter.options import BuildReport, CheckReport, Options
from newsletter.output import output_lock
from newsletter.project import Project
from newsletter.render import output_jobs, output_problems
from newsletter.render.jobs import Files, run_jobs
from newsletter.render.theme import TEMPLATES_FOLDER, template_problem, template_syntax_problems

__all__ = ["STAGES", "Project", "Rendered", "build", "check", "render"]

STAGES = ("loading", "checking", "rendering", "writing")
"""The steps of a build, in order, as reported to ``on_stage``."""

Progress = Callable[[str], None]


def _quiet(what: str) -> None:
    """Report nothing."""


@dataclass(frozen=True)
class Rendered:
    """The whole site rendered in memory, and the newsletter it was rendered from."""

    newsletter: Newsletter
    files: Files
    problems: list[Problem]


def build(
    project: Project,
    options: Options,
    on_stage: Progress = _quiet,
    on_busy: Progress = _quiet,
    rebuild_with: Callable[[Project, Options], Rebuild] = Rebuild,
) -> BuildReport:
    """Validate, render and write the whole site; nothing is written if anything fails.

    ``on_stage`` is called with each name in ``STAGES`` as that step starts.
    Builds of one output folder take turns: ``on_busy`` is called with the
    folder before this one waits for another (see :func:`newsletter.output.output_lock`).
    ``rebuild_with`` makes the build's :class:`Rebuild`, the keeper of what
    earlier builds left to reuse.
    """
    started = time.perf_counter()
    project.check_output_dir()
    with output_lock(project.output_dir, lambda: on_busy(str(project.output_dir))):
        return _build(rebuild_with(project, options), on_stage, started)


def _build(rebuild: Rebuild, on_stage: Progress, started: float) -> BuildReport:
    """The build itself, holding the output folder's lock."""
    project, options = rebuild.project, rebuild.options
    on_stage("loading")
    newsletter, checked = _assembled(project, rebuild, on_stage)
    on_stage("rendering")
    envs = _environments(newsletter, rebuild)
    names = {code: rebuild.template_names(env) for code, env in envs.items()}
    with rebuild.spool() as spool:
        with _located_template_errors(project):
            files = rebuild.render(output_jobs(newsletter, envs, names), envs, spool)
        problems = _checked_output(newsletter, files, checked + rebuild.vanished_pages(files), options)
        on_stage("writing")
        output = rebuild.write(files)
    counted = CheckReport.of(newsletter, checked)
    report = BuildReport(output.files, problems, counted.issues, counted.entries, time.perf_counter() - started,
                         counted.draft_issues, counted.draft_entries)
    # A check also compiles the templates no page uses; once they do, this build found all a check would.
    all_compile = not template_syntax_problems(envs[""], project.root)
    rebuild.record_build(report, output, counted, all_compile)
    return report


def _environments(newsletter: Newsletter, rebuild: Rebuild) -> dict[str, jinja2.Environment]:
    """The template environment of each edition, by its code, in its language."""
    return {edition.config.edition: rebuild.environment(edition.config.language)
            for edition in (newsletter, *newsletter.editions)}


def check(project: Project, options: Options) -> tuple[Newsletter, list[Problem]]:
    """Validate the content and compile every template, writing no output; raise ContentError on errors.

    Rendering-time checks (such as the email size budget) need a build.
    """
    rebuild = Rebuild(project, options)
    syntax = template_syntax_problems(rebuild.environment(), project.root)
    if syntax:
        raise ContentError(syntax)
    newsletter, problems = _assembled(project, rebuild)
    rebuild.record_check(CheckReport.of(newsletter, problems))
    return newsletter, problems


def render(project: Project, options: Options) -> Rendered:
    """Validate and render everything in memory, writing no output; raise ContentError on errors."""
    rebuild = Rebuild(project, options)
    newsletter, problems = _assembled(project, rebuild)
    envs = _environments(newsletter, rebuild)
    names = {code: rebuild.template_names(env) for code, env in envs.items()}
    with _located_template_errors(project):
        files = run_jobs(output_jobs(newsletter, envs, names), envs)
    return Rendered(newsletter, files, _checked_output(newsletter, files, problems, options))


def _assembled(project: Project, rebuild: Rebuild, on_stage: Progress = _quiet) -> tuple[Newsletter, list[Problem]]:
    """Load and validate the settings and every issue, then assemble the archive; raise ContentError on errors."""
    options = rebuild.options
    root = project.root
    places = [project.config_path, root / REGISTRY_FILE, root / TEMPLATES_FOLDER, root / ASSETS_FOLDER,
              root / LOCALES_FOLDER]
    refused = place_problems(root, project.content_dir, places)
    assets, unusable = load_assets(root)
    settings = load_settings(root, project.config_path)
    config, problems = read_settings(*settings, options, [path for path, _ in assets], project_catalogs(root))
    problems = refused + unusable + problems
    read = rebuild.read_issues(config)
    on_stage("checking")
    newsletter, problems = collect(config, read.results, read.references, problems, options)
    problems = options.judged(problems)
    if newsletter is None or errors_in(problems):
        raise ContentError(problems)
    return dataclasses.replace(newsletter, assets=assets), problems


def _checked_output(
    newsletter: Newsletter, files: Mapping[str, bytes], problems: list[Problem], options: Options
) -> list[Problem]:
    """Add the problems found in the rendered files; raise ContentError if there are errors."""
    problems = options.judged(problems + output_problems(newsletter, files))
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
