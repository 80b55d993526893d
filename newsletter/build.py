"""The one pass: load files -> validate and assemble -> render -> write atomically.

Each step reuses what earlier builds left in the build cache
(``.newsletter-cache/`` beside ``newsletter.yaml``) when its inputs are
unchanged: validated issues (``reading.py``), rendered output
(``incremental.py``) and compiled templates. Deleting the cache only makes
the next build slower.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from newsletter.assembly import Options, collect, read_settings
from newsletter.cache import CACHE_DIR, Cache, Fingerprints, TemplateBytecode
from newsletter.errors import ContentError, Problem, errors_in
from newsletter.incremental import (
    Manifest,
    load_manifest,
    render_changed,
    save_manifest,
    templates_fingerprint,
)
from newsletter.loading import load_yaml_file
from newsletter.model import Newsletter
from newsletter.output import OutputFiles, Spool, check_output_dir, write_output
from newsletter.reading import Seeds, read_issues
from newsletter.render import output_jobs, output_problems
from newsletter.render.jobs import TemplateNames
from newsletter.render.templates import make_environment


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


def check(project: Project, options: Options, strict: bool = False) -> tuple[Newsletter, list[Problem]]:
    """Validate the project without writing any output; raise ContentError on errors."""
    newsletter, problems, _ = _validated(project, options, strict)
    return newsletter, problems


def build(project: Project, options: Options, strict: bool = False) -> BuildReport:
    """Validate, render and write the whole site; nothing is written if anything fails."""
    started = time.perf_counter()
    check_output_dir(project.output_dir, project.protected)
    newsletter, problems, seeds = _validated(project, options, strict)
    env = _environment(project)
    previous = load_manifest(project.cache, project.output_dir)
    with Spool(project.output_dir) as spool:
        files, made = render_changed(
            output_jobs(newsletter, env, TemplateNames(env, project.cache)),
            env,
            Fingerprints(seeds),
            templates_fingerprint(project.templates_dir),
            previous,
            project.output_dir,
            spool,
        )
        problems = _strict(problems + output_problems(newsletter, files), strict)
        if errors_in(problems):
            raise ContentError(problems)
        states = write_output(files, project.output_dir, project.protected, previous.files)
    save_manifest(project.cache, project.output_dir, Manifest(states, made))
    written = OutputFiles(project.output_dir, None, (), states)
    return BuildReport(newsletter, written, sorted(problems), time.perf_counter() - started)


def _validated(
    project: Project, options: Options, strict: bool
) -> tuple[Newsletter, list[Problem], Seeds]:
    config, problems = read_settings(load_yaml_file(project.config_path, project.root), options)
    results, seeds = read_issues(project.root, project.content_dir, config, options, project.cache)
    newsletter, problems = collect(config, results, problems)
    problems = _strict(problems, strict)
    if newsletter is None or errors_in(problems):
        raise ContentError(problems)
    return newsletter, problems, seeds


def _environment(project: Project) -> jinja2.Environment:
    """The template environment, keeping compiled templates in the build cache."""
    env = make_environment(project.templates_dir)
    env.bytecode_cache = TemplateBytecode(project.cache)
    return env


def _strict(problems: list[Problem], strict: bool) -> list[Problem]:
    return [p.as_error() for p in problems] if strict else problems
