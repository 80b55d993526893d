"""The ``newsletter`` command: thin click commands over the library.

Exit codes: 0 success, 1 content errors (each printed as
``path:line:column: error: message``), 2 usage errors. Colours appear only
on a terminal and never when the ``NO_COLOR`` variable is set.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from newsletter import __version__
from newsletter.assembly import Options
from newsletter.authoring import AuthoringError, init_project, month_id, new_entry, new_issue
from newsletter.build import STAGES, BuildReport, Project, build, check
from newsletter.config import address_problem
from newsletter.errors import ContentError, NewsletterError, Problem, summary_line
from newsletter.fields import WEB_SCHEMES, parse_date, url_problem
from newsletter.model import EntryDate
from newsletter.progress import StageProgress, wants_progress
from newsletter.send import PASSWORD_VARIABLE, SmtpServer, built_message, password, send
from newsletter.serve import Outcome, is_loopback, serve
from newsletter.theme import TEMPLATES_FOLDER, list_templates

F = TypeVar("F", bound=Callable[..., Any])

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


def today() -> dt.date:
    """The editor's today, for new issues and entries (a function, so tests can pin it)."""
    return dt.date.today()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    project = _project(config_path, content_dir, output_dir)
    options = Options(drafts=drafts, base_url=_base_url(base_url), as_of=as_of.date() if as_of else None)
    show_progress = not quiet and wants_progress(sys.stderr)
    report = _run(lambda: _build(project, options, strict, show_progress), debug)
    _print_problems(report.problems)
    if verbose:
        for path in sorted(report.files):
            click.echo(f"wrote {project.output_dir / path}")
    if not quiet:
        click.echo(_build_summary(report, project.output_dir))


def _build(project: Project, options: Options, strict: bool, show_progress: bool) -> BuildReport:
    if not show_progress:
        return build(project, options, strict)
    with StageProgress(STAGES, sys.stderr) as progress:
        return build(project, options, strict, progress.advance)


def _build_summary(report: BuildReport, where: Path | str) -> str:
    issues = report.newsletter.issues
    entries = sum(len(issue.entries) for issue in issues)
    warnings = len(report.problems)
    return (
        f"Built {_count(len(issues), 'issue')}, {_count(entries, 'entry', 'entries')}, "
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
    project = _project(config_path, content_dir, None)
    newsletter, problems = _run(lambda: check(project, Options(drafts=drafts), strict), debug)
    _print_problems(problems)
    entries = sum(len(issue.entries) for issue in newsletter.issues)
    warnings = sum(problem.severity == "warning" for problem in problems)
    click.echo(
        f"OK: {_count(len(newsletter.issues), 'issue')}, {_count(entries, 'entry', 'entries')}"
        + (f"; {_count(warnings, 'warning')}" if warnings else "")
    )


@main.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
def init_command(directory: Path) -> None:
    """Start a newsletter project in DIRECTORY, a new or empty folder."""
    written = _run(lambda: init_project(directory), debug=False)
    for path in written:
        click.echo(f"created {path}")
    click.echo(
        f"\nYour newsletter is ready, with an example issue. Next:\n"
        f"  cd {directory}\n"
        f"  newsletter serve      # preview at http://127.0.0.1:8000/, updated as you edit\n"
        f"  newsletter new issue  # start this month's issue"
    )


@main.group("new")
def new_group() -> None:
    """Start a new issue or entry from a template."""


@new_group.command("issue")
@config_option
@content_option
@click.argument("issue_id", required=False)
@click.option("--date", "date_text", default=None,
              help="Publication date, YYYY-MM-DD.  [default: today]")
def new_issue_command(
    config_path: Path, content_dir: Path | None, issue_id: str | None, date_text: str | None
) -> None:
    """Create content/ISSUE_ID/issue.yaml; ISSUE_ID defaults to the month, like 2026-12."""
    project = _project(config_path, content_dir, None)
    date = _date_option(date_text, allow_month=False).sort_date
    issue_id = issue_id or month_id(date)
    path = _run(lambda: new_issue(project, issue_id, date), debug=False)
    click.echo(f"created {path}")
    click.echo(f'Add developments with: newsletter new entry --issue {issue_id} --section SECTION "Title"')


@new_group.command("entry")
@config_option
@content_option
@click.argument("title")
@click.option("--issue", "issue_id", required=True, help="The issue's id, like 2026-12.")
@click.option("--section", required=True, help="A section id from newsletter.yaml.")
@click.option("--date", "date_text", default=None,
              help="When it happened, YYYY-MM-DD or YYYY-MM.  [default: today]")
def new_entry_command(
    config_path: Path, content_dir: Path | None, title: str, issue_id: str, section: str,
    date_text: str | None,
) -> None:
    """Create a development titled TITLE in an issue and print its path."""
    project = _project(config_path, content_dir, None)
    date = _date_option(date_text, allow_month=True)
    click.echo(_run(lambda: new_entry(project, issue_id, section, title, date), debug=False))


def _date_option(text: str | None, allow_month: bool) -> EntryDate:
    if text is None:
        now = today()
        return EntryDate(now.year, now.month, now.day)
    parsed = parse_date(text, allow_month)
    if isinstance(parsed, str):
        raise click.BadParameter(parsed, param_hint="--date")
    return parsed


@main.command("serve")
@project_options
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on; 0 picks a free one.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default is reachable from this computer only.")
def serve_command(
    config_path: Path, content_dir: Path | None, drafts: bool, strict: bool, debug: bool,
    port: int, host: str,
) -> None:
    """Preview the site in a browser; rebuild and reload the page on every change."""
    project = _project(config_path, content_dir, None)
    if not is_loopback(host):
        click.secho(f"warning: {host} is not a loopback address: other computers may see "
                    "the preview, drafts included", fg="yellow", err=True)
    _run(lambda: serve(project, Options(drafts=drafts), host, port, _TerminalListener(),
                       strict, debug), debug)
    click.echo("Stopped.")


class _TerminalListener:
    """Report the preview's builds the way ``newsletter build`` does."""

    def serving(self, url: str) -> None:
        click.secho(f"Serving the preview at {url} (press Ctrl-C to stop)", bold=True)

    def changed(self, paths: list[str]) -> None:
        click.echo(f"Changed: {', '.join(paths)}")

    def built(self, outcome: Outcome) -> None:
        if outcome.report is not None:
            _print_problems(outcome.report.problems)
            click.echo(_build_summary(outcome.report, "the preview"))
            return
        _print_problems(list(outcome.problems))
        if outcome.failure:
            click.secho(outcome.failure, fg="red", err=True)
        summary = summary_line(list(outcome.problems)) or "the build failed"
        click.secho(f"{summary}; the browser shows them over the last good build",
                    fg="red", err=True)


@main.group("templates")
def templates_group() -> None:
    """The templates the site is rendered with, and your overrides."""


@templates_group.command("list")
@config_option
def templates_list_command(config_path: Path) -> None:
    """List every default template and which ones the project's templates/ overrides."""
    project = _project(config_path, None, None)
    templates = list_templates(project.root)
    width = max(len(template.name) for template in templates)
    for template in templates:
        where = f"{TEMPLATES_FOLDER}/{template.name}"
        origin = {
            "default": "default",
            "overridden": f"overridden by {where}",
            "project": f"project only: {where}",
        }[template.origin]
        click.echo(f"{template.name:<{width}}  {origin}")


def _project(config_path: Path, content_dir: Path | None, output_dir: Path | None) -> Project:
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


T = TypeVar("T")


def _run(action: Callable[[], T], debug: bool) -> T:
    """Run a command's work, turning expected failures into messages and exit codes."""
    try:
        return action()
    except AuthoringError as error:  # a refused argument (a folder not empty): exit 2, but no usage text
        click.secho(f"error: {error}", fg="red", err=True)
        sys.exit(2)
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
        click.secho(f"internal error: {type(error).__name__}: {error} "
                    "(run with --debug for details)", fg="red", err=True)
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
