"""What the commands share: the options that find a project, and how results and failures are printed.

Exit codes: 0 success, 1 content errors (each printed as
``path:line:column: error: message``) and other failures the user can fix
(a full disk, a read-only folder), 2 usage errors, 130 interrupted by
Ctrl-C, 143 stopped by SIGTERM, 70 a bug in the tool. Colours appear only
on a terminal and never when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from newsletter.errors import AuthoringError, ContentError, NewsletterError, Problem, summary_line
from newsletter.options import BuildReport
from newsletter.output import describe
from newsletter.project import Project

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

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


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every clean-up that runs for one runs for the other."""


def _terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """While a command works, treat SIGTERM as Ctrl-C: staging folders are removed, the output left whole.

    The handler is put back afterwards, so that a program running commands
    in its own process (a test suite) keeps its own answer to SIGTERM.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_command(action: Callable[[], T], debug: bool) -> T:
    """Run a command's work, turning expected failures into messages and exit codes."""
    try:
        with _sigterm_as_ctrl_c():
            return action()
    except KeyboardInterrupt as interrupt:
        click.secho("stopped: the output folder is as the last finished build left it", fg="red", err=True)
        sys.exit(143 if isinstance(interrupt, Terminated) else 130)
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
    except OSError as error:  # the machine refused: a full disk, a read-only or unreadable path
        click.secho(f"error: {describe(error)}", fg="red", err=True)
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


def build_summary(report: BuildReport, where: Path | str) -> str:
    """The line that says what a build made: ``Built 3 issues, 12 entries, …``."""
    warnings = len(report.problems)
    drafts = (f"; drafts included: {count(report.draft_issues, 'issue')}, "
              f"{count(report.draft_entries, 'entry', 'entries')} (not in feeds, calendars, sitemap or search)")
    return (
        f"Built {count(report.issues, 'issue')}, {count(report.entries, 'entry', 'entries')}, "
        f"{count(len(report.pages), 'page')} ({count(len(report.files), 'file')}) "
        f"into {where} in {report.seconds:.2f} s"
        + (f"; {count(warnings, 'warning')}" if warnings else "")
        + (drafts if report.draft_issues or report.draft_entries else "")
    )


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 issue``, ``3 issues``."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
