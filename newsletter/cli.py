"""The ``newsletter`` command: thin click commands over the library.

Exit codes: 0 success, 1 content errors (each printed as
``path:line:column: error: message``), 2 usage errors. Colours appear only
on a terminal and never when the ``NO_COLOR`` variable is set.

``build`` and ``check``, run again and again while an issue is written, are
answered from their stamps when nothing they read has changed (see
:mod:`newsletter.stamps`), in less time than loading the libraries that read
and render the content takes. So this module imports none of them: the full
build and check are imported when a stamp cannot answer, and the other
commands live in :mod:`newsletter.commands`, imported when one of them runs.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from newsletter import __version__
from newsletter.errors import AuthoringError, ContentError, NewsletterError, Problem, summary_line
from newsletter.progress import StageProgress, wants_progress
from newsletter.project import Project
from newsletter.stamps import BuildReport, CheckReport, OptionValues, unchanged_build, unchanged_check
from newsletter.urls import WEB_SCHEMES, url_problem

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

OTHER_COMMANDS = {
    "init": "init_command",
    "new": "new_group",
    "serve": "serve_command",
    "send": "send_command",
    "templates": "templates_group",
}
"""Commands defined in :mod:`newsletter.commands`, by name, with the name of their object there."""

config_option = click.option(
    "--config", "config_path", type=click.Path(path_type=Path), default="newsletter.yaml",
    show_default=True, help="The newsletter's settings file; its folder is the project root.",
)
content_option = click.option(
    "--content", "content_dir", type=click.Path(path_type=Path), default=None,
    help="Folder of issue folders.  [default: content/ beside the config]",
)


def project_options(function: F) -> F:
    """The options every command that reads a project shares."""
    options = [
        config_option,
        content_option,
        click.option("--drafts", is_flag=True, help="Include draft issues and entries."),
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
        click.option("--debug", is_flag=True, help="Show a traceback for unexpected failures."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


class _Commands(click.Group):
    """The command group, loading the module of the other commands only when one of them is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *OTHER_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in OTHER_COMMANDS:
            return super().get_command(ctx, cmd_name)
        command = getattr(importlib.import_module("newsletter.commands"), OTHER_COMMANDS[cmd_name])
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsletter")
@click.pass_context
def main(context: click.Context) -> None:
    """Build a regulatory newsletter: web edition, archive, email edition and feeds."""
    if os.environ.get("NO_COLOR"):  # no-color.org: any non-empty value turns colours off
        context.color = False


@main.command("build")
@project_options
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site.  [default: output/ beside the config]")
@click.option("--base-url", default=None,
              help="Publish under this URL instead of base_url (preview deploys).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="List deadlines still ahead on this day (YYYY-MM-DD).  [default: the newest issue's date]")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every file written.")
def build_command(
    config_path: Path, content_dir: Path | None, output_dir: Path | None, drafts: bool,
    strict: bool, debug: bool, base_url: str | None, as_of: dt.datetime | None, quiet: bool, verbose: bool,
) -> None:
    """Validate the content, then write the site, email and feeds into the output folder."""
    if quiet and verbose:
        raise click.UsageError("choose one of --quiet and --verbose")
    project = find_project(config_path, content_dir, output_dir)
    options = OptionValues(drafts=drafts, base_url=_base_url(base_url), as_of=as_of.date() if as_of else None)
    show_progress = not quiet and wants_progress(sys.stderr)
    report = run_command(
        lambda: unchanged_build(project, options, strict) or _build(project, options, strict, show_progress),
        debug,
    )
    print_problems(report.problems)
    if verbose:
        for path in sorted(report.files):
            click.echo(f"wrote {project.output_dir / path}")
    if not quiet:
        click.echo(build_summary(report, project.output_dir))


def _build(project: Project, options: OptionValues, strict: bool, show_progress: bool) -> BuildReport:
    """Run the whole build."""
    # Imported here, not at the top: the build loads Jinja, Markdown, YAML and the other
    # libraries (about 0.3 s), which a build answered from its stamp does without.
    from newsletter.assembly import Options
    from newsletter.build import STAGES, build

    if not show_progress:
        return build(project, Options(**options), strict)
    with StageProgress(STAGES, sys.stderr) as progress:
        return build(project, Options(**options), strict, progress.advance)


def build_summary(report: BuildReport, where: Path | str) -> str:
    """The line that says what a build made: ``Built 3 issues, 12 entries, …``."""
    warnings = len(report.problems)
    return (
        f"Built {_count(report.issues, 'issue')}, {_count(report.entries, 'entry', 'entries')}, "
        f"{_count(len(report.pages), 'page')} ({_count(len(report.files), 'file')}) "
        f"into {where} in {report.seconds:.2f} s"
        + (f"; {_count(warnings, 'warning')}" if warnings else "")
    )


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


@main.command("check")
@project_options
def check_command(
    config_path: Path, content_dir: Path | None, drafts: bool, strict: bool, debug: bool
) -> None:
    """Validate newsletter.yaml, every issue and every entry without writing anything."""
    project = find_project(config_path, content_dir, None)
    options = OptionValues(drafts=drafts, base_url=None, as_of=None)
    report = run_command(lambda: unchanged_check(project, options, strict) or _check(project, options, strict), debug)
    print_problems(report.problems)
    warnings = sum(problem.severity == "warning" for problem in report.problems)
    click.echo(
        f"OK: {_count(report.issues, 'issue')}, {_count(report.entries, 'entry', 'entries')}"
        + (f"; {_count(warnings, 'warning')}" if warnings else "")
    )


def _check(project: Project, options: OptionValues, strict: bool) -> CheckReport:
    """Run the whole check."""
    # Imported here, not at the top, for the same reason as in ``_build``.
    from newsletter.assembly import Options
    from newsletter.build import check

    newsletter, problems = check(project, Options(**options), strict)
    return CheckReport.of(newsletter, problems)


def find_project(config_path: Path, content_dir: Path | None, output_dir: Path | None) -> Project:
    """The project of the settings file ``config_path``; a usage error if it is not one."""
    if not config_path.is_file():
        raise click.UsageError(
            f"no settings file at {config_path}: run this in a newsletter project "
            "or pass --config PATH"
        )
    root = config_path.parent
    content = content_dir if content_dir is not None else root / "content"
    if not content.is_dir():
        raise click.UsageError(f"no content folder at {content}: create it or pass --content DIR")
    return Project(
        root=root,
        config_path=config_path,
        content_dir=content,
        output_dir=output_dir if output_dir is not None else root / "output",
    )


def _base_url(value: str | None) -> str | None:
    if value is not None and (problem := url_problem(value, WEB_SCHEMES)):
        raise click.BadParameter(problem, param_hint="--base-url")
    return value


def run_command(action: Callable[[], T], debug: bool) -> T:
    """Run a command's work, turning expected failures into messages and exit codes."""
    try:
        return action()
    except AuthoringError as error:  # a refused argument (a folder not empty): exit 2, but no usage text
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(2)
    except ContentError as error:
        print_problems(error.problems)
        click.secho(summary_line(error.problems), fg="red", err=True)
        sys.exit(1)
    except NewsletterError as error:
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(1)
    except Exception as error:  # an unexpected failure: say so plainly, trace on request
        if debug:
            raise
        click.secho(f"internal error: {type(error).__name__}: {error} "
                    "(run with --debug for details)", fg="red", err=True)
        sys.exit(70)


def print_problems(problems: list[Problem]) -> None:
    """Print each problem on its own line of the error stream, in red or yellow on a terminal."""
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(str(problem), fg=colour, err=True)
