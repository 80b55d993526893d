"""``newsletter send``: the email edition of one issue, sent through an SMTP server."""

from __future__ import annotations

from pathlib import Path

import click

from newsletter.cli.common import find_project, print_problems, project_options, run_command
from newsletter.content.settings import address_problem
from newsletter.options import Options
from newsletter.send import PASSWORD_VARIABLE, SmtpServer, built_message, password, send


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
    options = Options(drafts=drafts, strict=strict)
    message, problems = run_command(lambda: built_message(project, options, issue_id), debug)
    print_problems(problems)
    warning = run_command(lambda: send(message, recipient, server), debug)
    if warning:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    click.echo(f"Sent issue {issue_id} to {recipient} through {server.host}:{server.port}")


def _smtp_server(host: str, port: int | None, starttls: bool, user: str | None) -> SmtpServer:
    secret = password()
    if user and not starttls:
        raise click.UsageError("--user needs --starttls: a password must not travel unencrypted")
    if user and not secret:
        raise click.UsageError(f"--user needs the password in ${PASSWORD_VARIABLE}")
    port = port or (587 if starttls else 25)
    return SmtpServer(host, port, starttls, user, secret if user else None)
