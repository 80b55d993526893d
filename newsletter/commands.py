"""The commands besides ``build`` and ``check``: starting a project, an issue or an entry,
the preview server, a test send and the list of templates.

They are registered with the ``newsletter`` group in :mod:`newsletter.cli`,
which imports this module only when one of them is asked for (or the list
of commands is shown).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from newsletter.assembly import Options
from newsletter.authoring import init_project, month_id, new_entry, new_issue
from newsletter.cli import (
    build_summary,
    config_option,
    content_option,
    find_project,
    print_problems,
    project_options,
    run_command,
)
from newsletter.config import address_problem
from newsletter.errors import summary_line
from newsletter.fields import parse_date
from newsletter.model import EntryDate
from newsletter.send import PASSWORD_VARIABLE, SmtpServer, built_message, password, send
from newsletter.serve import Outcome, is_loopback, serve
from newsletter.theme import TEMPLATES_FOLDER, list_templates


def today() -> dt.date:
    """The editor's today, for new issues and entries (a function, so tests can pin it)."""
    return dt.date.today()


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
def init_command(directory: Path) -> None:
    """Start a newsletter project in DIRECTORY, a new or empty folder."""
    written = run_command(lambda: init_project(directory), debug=False)
    for path in written:
        click.echo(f"created {path}")
    click.echo(
        f"\nYour newsletter is ready, with an example issue. Next:\n"
        f"  cd {directory}\n"
        f"  newsletter serve      # preview at http://127.0.0.1:8000/, updated as you edit\n"
        f"  newsletter new issue  # start this month's issue"
    )


@click.group("new")
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
    project = find_project(config_path, content_dir, None)
    date = _date_option(date_text, allow_month=False).sort_date
    issue_id = issue_id or month_id(date)
    path = run_command(lambda: new_issue(project, issue_id, date), debug=False)
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
    project = find_project(config_path, content_dir, None)
    date = _date_option(date_text, allow_month=True)
    click.echo(run_command(lambda: new_entry(project, issue_id, section, title, date), debug=False))


def _date_option(text: str | None, allow_month: bool) -> EntryDate:
    if text is None:
        now = today()
        return EntryDate(now.year, now.month, now.day)
    parsed = parse_date(text, allow_month)
    if isinstance(parsed, str):
        raise click.BadParameter(parsed, param_hint="--date")
    return parsed


@click.command("serve")
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
    project = find_project(config_path, content_dir, None)
    if not is_loopback(host):
        click.secho(f"warning: {host} is not a loopback address: other computers may see "
                    "the preview, drafts included", fg="yellow", err=True)
    run_command(lambda: serve(project, Options(drafts=drafts), host, port, _TerminalListener(),
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
            print_problems(outcome.report.problems)
            click.echo(build_summary(outcome.report, "the preview"))
            return
        print_problems(list(outcome.problems))
        if outcome.failure:
            click.secho(outcome.failure, fg="red", err=True)
        summary = summary_line(list(outcome.problems)) or "the build failed"
        click.secho(f"{summary}; the browser shows them over the last good build",
                    fg="red", err=True)


@click.group("templates")
def templates_group() -> None:
    """The templates the site is rendered with, and your overrides."""


@templates_group.command("list")
@config_option
def templates_list_command(config_path: Path) -> None:
    """List every default template and which ones the project's templates/ overrides."""
    project = find_project(config_path, None, None)
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


@click.command("send")
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
    project = find_project(config_path, content_dir, None)
    message, problems = run_command(
        lambda: built_message(project, Options(drafts=drafts), issue_id, strict), debug
    )
    print_problems(problems)
    run_command(lambda: send(message, recipient, server), debug)
    click.echo(f"Sent issue {issue_id} to {recipient} through {server.host}:{server.port}")


def _smtp_server(host: str, port: int | None, starttls: bool, user: str | None) -> SmtpServer:
    secret = password()
    if user and not starttls:
        raise click.UsageError("--user needs --starttls: a password must not travel unencrypted")
    if user and not secret:
        raise click.UsageError(f"--user needs the password in ${PASSWORD_VARIABLE}")
    port = port or (587 if starttls else 25)
    return SmtpServer(host, port, starttls, user, secret if user else None)
