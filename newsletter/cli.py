"""The ``newsletter`` command: thin click commands over ``build.py``.

Exit codes: 0 success, 1 content errors (each printed as
``path:line:column: error: message``), 2 usage errors.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from newsletter import __version__
from newsletter.assembly import Options
from newsletter.build import Project, build, check
from newsletter.config import address_problem
from newsletter.errors import ContentError, NewsletterError, Problem, summary_line
from newsletter.fields import WEB_SCHEMES, url_problem
from newsletter.send import PASSWORD_VARIABLE, SmtpServer, built_message, password, send

F = TypeVar("F", bound=Callable[..., Any])


def project_options(function: F) -> F:
    """The options every command that reads a project shares."""
    options = [
        click.option("--config", "config_path", type=click.Path(path_type=Path), default="newsletter.yaml",
                     show_default=True, help="The newsletter's settings file; its folder is the project root."),
        click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
                     help="Folder of issue folders.  [default: content/ beside the config]"),
        click.option("--drafts", is_flag=True, help="Include draft issues and entries."),
        click.option("--strict", is_flag=True, help="Treat warnings as errors."),
        click.option("--debug", is_flag=True, help="Show a traceback for unexpected failures."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsletter")
def main() -> None:
    """Build a regulatory newsletter: web edition, archive, email edition and feeds."""


@main.command("build")
@project_options
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=None,
              help="Where to write the site.  [default: output/ beside the config]")
@click.option("--base-url", default=None, help="Publish under this URL instead of base_url (preview deploys).")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="List deadlines still ahead on this day (YYYY-MM-DD).  [default: the newest issue's date]")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
def build_command(
    config_path: Path, content_dir: Path | None, output_dir: Path | None, drafts: bool,
    strict: bool, debug: bool, base_url: str | None, as_of: dt.datetime | None, quiet: bool,
) -> None:
    """Validate the content, then write the site, email and feeds into the output folder."""
    project = _project(config_path, content_dir, output_dir)
    options = Options(drafts=drafts, base_url=_base_url(base_url), as_of=as_of.date() if as_of else None)
    report = _run(lambda: build(project, options, strict), debug)
    _print_problems(report.problems)
    if not quiet:
        issues = len(report.newsletter.issues)
        entries = sum(len(issue.entries) for issue in report.newsletter.issues)
        click.echo(
            f"Built {issues} issue{'s' if issues != 1 else ''}, {entries} entries, "
            f"{len(report.files)} files into {project.output_dir} in {report.seconds:.2f} s"
        )


@main.command("check")
@project_options
def check_command(
    config_path: Path, content_dir: Path | None, drafts: bool, strict: bool, debug: bool
) -> None:
    """Validate newsletter.yaml, every issue and every entry without writing anything."""
    project = _project(config_path, content_dir, None)
    newsletter, problems = _run(lambda: check(project, Options(drafts=drafts), strict), debug)
    _print_problems(problems)
    entries = sum(len(issue.entries) for issue in newsletter.issues)
    click.echo(f"OK: {len(newsletter.issues)} issues, {entries} entries")


def _project(config_path: Path, content_dir: Path | None, output_dir: Path | None) -> Project:
    if not config_path.is_file():
        raise click.UsageError(
            f"no settings file at {config_path}: run this in a newsletter project "
            "or pass --config PATH"
        )
    root = config_path.parent
    return Project(
        root=root,
        config_path=config_path,
        content_dir=content_dir if content_dir is not None else root / "content",
        output_dir=output_dir if output_dir is not None else root / "output",
    )


def _base_url(value: str | None) -> str | None:
    if value is not None and (problem := url_problem(value, WEB_SCHEMES)):
        raise click.BadParameter(problem, param_hint="--base-url")
    return value


T = TypeVar("T")


def _run(action: Callable[[], T], debug: bool) -> T:
    """Run a command's work, turning expected failures into messages and exit codes."""
    try:
        return action()
    except ContentError as error:
        _print_problems(error.problems)
        click.secho(summary_line(error.problems), fg="red", err=True)
        sys.exit(1)
    except NewsletterError as error:
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(1)
    except Exception as error:  # an unexpected failure: say so plainly, trace on request
        if debug:
            raise
        click.secho(f"internal error: {type(error).__name__}: {error} (run with --debug for details)",
                    fg="red", err=True)
        sys.exit(70)


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity == "error" else "yellow"
        click.secho(str(problem), fg=colour, err=True)


@main.command("send")
@project_options
@click.argument("issue_id", metavar="ISSUE")
@click.option("--to", "recipient", required=True, metavar="ADDRESS", help="Where to send it.")
@click.option("--smtp-host", default="localhost", show_default=True, help="SMTP server to use.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None,
              help="SMTP port.  [default: 587 with --starttls, else 25]")
@click.option("--starttls", is_flag=True, help="Encrypt the connection before logging in.")
@click.option("--user", default=None,
              help=f"Log in as this user; the password is read from ${PASSWORD_VARIABLE}.")
def send_command(
    config_path: Path, content_dir: Path | None, drafts: bool, strict: bool, debug: bool,
    issue_id: str, recipient: str, smtp_host: str, smtp_port: int | None, starttls: bool,
    user: str | None,
) -> None:
    """Send the email of ISSUE (e.g. 2022-05) to one address, to check it in a real inbox."""
    if problem := address_problem(recipient):
        raise click.BadParameter(problem, param_hint="--to")
    server = _smtp_server(smtp_host, smtp_port, starttls, user)
    project = _project(config_path, content_dir, None)
    message, problems = _run(
        lambda: built_message(project, Options(drafts=drafts), issue_id, strict), debug
    )
    _print_problems(problems)
    _run(lambda: send(message, recipient, server), debug)
    click.echo(f"Sent issue {issue_id} to {recipient} through {server.host}:{server.port}")


def _smtp_server(host: str, port: int | None, starttls: bool, user: str | None) -> SmtpServer:
    secret = password()
    if user and not starttls:
        raise click.UsageError("--user needs --starttls: a password must not travel unencrypted")
    if user and not secret:
        raise click.UsageError(f"--user needs the password in ${PASSWORD_VARIABLE}")
    port = port or (587 if starttls else 25)
    return SmtpServer(host, port, starttls, user, secret if user else None)
