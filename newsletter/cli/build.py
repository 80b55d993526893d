"""``newsletter build`` and ``newsletter check``.

Run again and again while an issue is written, both are answered from their
stamps when nothing they read has changed (see
:mod:`newsletter.incremental.stamps`), in less time than loading the
libraries that read and render the content takes. So this module imports
none of them: the full build and check are imported only when a stamp
cannot answer.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from newsletter.cli.common import build_summary, count, find_project, print_problems, project_options, run_command
from newsletter.cli.progress import StageProgress, wants_progress
from newsletter.content.urls import WEB_SCHEMES, url_problem
from newsletter.errors import OutputError
from newsletter.incremental.stamps import unchanged_build, unchanged_check
from newsletter.options import BuildReport, CheckReport, Options
from newsletter.project import Project


@click.command("build")
@project_options
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site.  [default: output/ beside the config]")
@click.option("--base-url", default=None,
              help="Publish under this URL instead of base_url (preview deploys).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="List deadlines still ahead on this day (YYYY-MM-DD).  [default: the newest issue's date]")
@click.option("--no-wait", is_flag=True,
              help="Fail at once if another build is writing the same output folder, instead of waiting.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every file written.")
def build_command(
    config_path: Path, content_dir: Path | None, output_dir: Path | None, drafts: bool,
    strict: bool, debug: bool, base_url: str | None, as_of: dt.datetime | None, no_wait: bool, quiet: bool,
    verbose: bool,
) -> None:
    """Validate the content, then write the site, email and feeds into the output folder."""
    if quiet and verbose:
        raise click.UsageError("choose one of --quiet and --verbose")
    project = find_project(config_path, content_dir, output_dir)
    options = Options(drafts, _base_url(base_url), as_of.date() if as_of else None, strict)
    show_progress = not quiet and wants_progress(sys.stderr)
    report = run_command(
        lambda: unchanged_build(project, options) or _build(project, options, show_progress, no_wait), debug
    )
    print_problems(report.problems)
    if verbose:
        for path in sorted(report.files):
            click.echo(f"wrote {project.output_dir / path}")
    if not quiet:
        click.echo(build_summary(report, project.output_dir))


def _build(project: Project, options: Options, show_progress: bool, no_wait: bool) -> BuildReport:
    """Run the whole build."""
    # Imported here, not at the top: the build loads Jinja, Markdown, YAML and the other
    # libraries (about 0.3 s), which a build answered from its stamp does without.
    from newsletter.build import STAGES, build

    on_busy = _refuse_to_wait if no_wait else _say_waiting
    if not show_progress:
        return build(project, options, on_busy=on_busy)
    with StageProgress(STAGES, sys.stderr) as progress:
        return build(project, options, progress.advance, on_busy)


def _say_waiting(output: str) -> None:
    click.echo(f"waiting for another build of this project to finish writing {output}…", err=True)


def _refuse_to_wait(output: str) -> None:
    raise OutputError(f"another build is writing {output}; try again once it is done (or leave out --no-wait)")


@click.command("check")
@project_options
def check_command(
    config_path: Path, content_dir: Path | None, drafts: bool, strict: bool, debug: bool
) -> None:
    """Validate newsletter.yaml, every issue and every entry without writing anything."""
    project = find_project(config_path, content_dir, None)
    options = Options(drafts=drafts, strict=strict)
    report = run_command(lambda: unchanged_check(project, options) or _check(project, options), debug)
    print_problems(report.problems)
    warnings = sum(problem.severity == "warning" for problem in report.problems)
    click.echo(
        f"OK: {count(report.issues, 'issue')}, {count(report.entries, 'entry', 'entries')}"
        + (f"; {count(warnings, 'warning')}" if warnings else "")
    )


def _check(project: Project, options: Options) -> CheckReport:
    """Run the whole check."""
    # Imported here, not at the top, for the same reason as in ``_build``.
    from newsletter.build import check

    newsletter, problems = check(project, options)
    return CheckReport.of(newsletter, problems)


def _base_url(value: str | None) -> str | None:
    if value is not None and (problem := url_problem(value, WEB_SCHEMES)):
        raise click.BadParameter(problem, param_hint="--base-url")
    return value
