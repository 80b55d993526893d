"""The one pass: load files -> validate and assemble -> render -> write atomically.

Each step reuses what earlier builds left in the build cache
(``.newsletter-cache/`` beside ``newsletter.yaml``) when its inputs are
unchanged: validated issues (``reading.py``), rendered output
(``incremental.py``) and compiled templates. Deleting the cache only makes
the next build slower. A successful build or check is stamped
(``stamps.py``) so that the next one, if nothing changed, is answered
without running at all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import jinja2
import jinja2.bccache

from newsletter.assembly import Options, collect, read_settings
from newsletter.cache import Cache, Fingerprints, digest, tool_fingerprint
from newsletter.errors import ContentError, Problem, errors_in
from newsletter.incremental import Manifest, load_manifest, render_changed, save_manifest
from newsletter.loading import load_settings
from newsletter.model import Newsletter
from newsletter.output import Snapshot, Spool, write_output
from newsletter.project import Project, templates_fingerprint
from newsletter.reading import Seeds, read_issues
from newsletter.render import output_jobs, output_problems
from newsletter.render.jobs import Files, TemplateNames, run_jobs
from newsletter.render.templates import make_environment
from newsletter.stamps import BuildReport, CheckReport, Inputs, record_build, record_check
from newsletter.theme import template_problem, template_syntax_problems

STAGES = ("loading", "checking", "rendering", "writing")
"""The steps of a build, in order, as reported to ``on_stage``."""


@dataclass(frozen=True)
class Rendered:
    """The whole site rendered in memory, and the newsletter it was rendered from."""

    newsletter: Newsletter
    files: Files
    problems: list[Problem]


Progress = Callable[[str], None]


def check(project: Project, options: Options, strict: bool = False) -> tuple[Newsletter, list[Problem]]:
    """Validate the content and compile the templates without writing any output; raise ContentError on errors.

    Rendering-time checks (such as the email size budget) need a build.
    """
    inputs = Inputs.scan(project)
    syntax = template_syntax_problems(_environment(project), project.root)
    if syntax:
        raise ContentError(syntax)
    newsletter, problems, _ = _validated(project, inputs, options, strict)
    record_check(project, inputs, dataclasses.asdict(options), strict, CheckReport.of(newsletter, problems))
    return newsletter, problems


def build(
    project: Project, options: Options, strict: bool = False, on_stage: Progress = lambda stage: None,
) -> BuildReport:
    """Validate, render and write the whole site; nothing is written if anything fails.

    ``on_stage`` is called with each name in ``STAGES`` as that step starts.
    The build is stamped (see :mod:`newsletter.stamps`) for the next one.
    """
    started = time.perf_counter()
    project.check_output_dir()
    on_stage("loading")
    inputs = Inputs.scan(project)
    newsletter, checked, seeds = _validated(project, inputs, options, strict, on_stage)
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
        problems = _checked_output(newsletter, files, checked, strict)
        on_stage("writing")
        states = write_output(files, project.output_dir, project.protected, previous.files, keep_previous=True)
    save_manifest(project.cache, project.output_dir, Manifest(states, made))
    output = Snapshot.take(project.output_dir, states)
    counted = CheckReport.of(newsletter, checked)
    report = BuildReport(output.files, problems, counted.issues, counted.entries, time.perf_counter() - started)
    chosen = dataclasses.asdict(options)
    record_build(project, inputs, chosen, strict, report, output)
    # A check also compiles the templates no page uses; once they do compile, this build found
    # all that a check of the same options would find.
    if not template_syntax_problems(env, project.root):
        record_check(project, inputs, chosen, strict, counted)
    return report


def render(project: Project, options: Options, strict: bool = False) -> Rendered:
    """Validate and render everything in memory, writing no output; raise ContentError on errors."""
    newsletter, problems, _ = _validated(project, Inputs.scan(project), options, strict)
    env = _environment(project)
    with _located_template_errors(project):
        files = run_jobs(output_jobs(newsletter, env, TemplateNames(env, project.cache)), env)
    return Rendered(newsletter, files, _checked_output(newsletter, files, problems, strict))


def _validated(
    project: Project, inputs: Inputs, options: Options, strict: bool, on_stage: Progress = lambda stage: None
) -> tuple[Newsletter, list[Problem], Seeds]:
    config, problems = read_settings(*load_settings(project.root, project.config_path), options)
    read = read_issues(project.root, project.content_dir, inputs.folders, config, options, project.cache)
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


class TemplateBytecode(jinja2.BytecodeCache):
    """Compiled templates, kept in the build cache with its checksums and keys."""

    def __init__(self, cache: Cache):
        self.cache = cache

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Fill ``bucket`` from the cache if its template was compiled before."""
        data = self.cache.get("templates", self._key(bucket), bytes)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep a freshly compiled template."""
        self.cache.put("templates", self._key(bucket), bucket.bytecode_to_string())

    def _key(self, bucket: jinja2.bccache.Bucket) -> str:
        return digest(tool_fingerprint(), bucket.key, bucket.checksum)
