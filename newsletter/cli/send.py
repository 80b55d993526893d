"""``newsletter send``: the email edition of one issue, sent through an SMTP server to each reader once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from newsletter.cli.common import (
    Terminated,
    count,
    find_project,
    print_problems,
    project_options,
    run_command,
)
from newsletter.content.settings import address_problem
from newsletter.errors import printable
from newsletter.options import Options
from newsletter.render.email import sender
from newsletter.send import (
    PASSWORD_VARIABLE,
    DkimKey,
    Edition,
    Outcome,
    Recipient,
    SmtpServer,
    already_sent,
    built_edition,
    check_placeholders,
    deliver,
    journal_path,
    password,
    read_dkim_key,
    read_list,
    recipient_of,
    unique,
)


@click.command("send")
@project_options
@click.argument("issue_id", metavar="ISSUE")
@click.option("--to", "addresses", multiple=True, metavar="ADDRESS",
              help="Send to this address; repeat for more.")
@click.option("--list", "list_file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Send to every address in FILE: a CSV with an 'email' column (and 'name'), "
                   "or one address a line.")
@click.option("--edition", "language", default="", metavar="CODE",
              help="Send the issue's edition in another language (a code under 'languages:', e.g. zh).")
@click.option("--dry-run", is_flag=True, help="Print who would get it; send nothing.")
@click.option("--resend", is_flag=True, help="Send also to those the send journal says have it.")
@click.option("--rate", type=click.FloatRange(min=0, min_open=True), default=None, metavar="N",
              help="Send at most N messages a minute.  [default: no limit]")
@click.option("--smtp-host", default="localhost", show_default=True, help="SMTP server to use.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=None,
              help="SMTP port.  [default: 465 with --ssl, 587 with --starttls, else 25]")
@click.option("--ssl", "use_ssl", is_flag=True, help="Connect with TLS from the start (implicit TLS).")
@click.option("--starttls", is_flag=True, help="Encrypt the connection before logging in.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              metavar="SECONDS", help="How long to wait for the server each time.")
@click.option("--user", default=None,
              help=f"Log in as this user; the password is read from ${PASSWORD_VARIABLE}.")
@click.option("--dkim-key", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="Sign each message with DKIM using this RSA private key (PEM); "
                   "needs --dkim-selector and --dkim-domain.")
@click.option("--dkim-selector", default=None, metavar="S",
              help="The DKIM selector: the public key is published at S._domainkey.DOMAIN.")
@click.option("--dkim-domain", default=None, metavar="D", help="The domain the DKIM signature speaks for.")
def send_command(
    config_path: Path, content_dir: Path | None, drafts: bool, strict: bool, debug: bool,
    issue_id: str, addresses: tuple[str, ...], list_file: Path | None, language: str, dry_run: bool, resend: bool,
    rate: float | None, smtp_host: str, smtp_port: int | None, use_ssl: bool, starttls: bool,
    timeout: float, user: str | None, dkim_key: Path | None, dkim_selector: str | None, dkim_domain: str | None,
) -> None:
    """Send the email of ISSUE (e.g. 2022-05): a test to yourself, or the mailing to a list."""
    if not addresses and list_file is None:
        raise click.UsageError("say who gets it: --to ADDRESS (repeatable) or --list FILE")
    for address in addresses:
        if problem := address_problem(address):
            raise click.BadParameter(problem, param_hint="--to")
    server = _smtp_server(smtp_host, smtp_port, use_ssl, starttls, user, timeout)
    signing = _dkim(dkim_key, dkim_selector, dkim_domain, debug)
    recipients = [recipient_of(address) for address in addresses] + _list(list_file)
    project = find_project(config_path, content_dir, None)
    options = Options(drafts=drafts, strict=strict)
    edition, problems = run_command(lambda: built_edition(project, options, issue_id, language), debug)
    print_problems(problems)
    run_command(lambda: check_placeholders(edition.config), debug)
    recipients = unique(recipients)
    journal = journal_path(project, issue_id, language)
    if dry_run:
        _dry_run(edition, recipients, set() if resend else already_sent(journal))
        return
    def mailing() -> Outcome:
        try:
            return deliver(edition, recipients, server, journal, resend=resend, rate=rate, report=click.echo,
                           dkim_key=signing)
        except KeyboardInterrupt as interrupt:  # each accepted copy is in the journal already
            click.secho(f"stopped: who has the issue is written in {journal}; run the same command "
                        "again to send it to the others", fg="red", err=True)
            sys.exit(143 if isinstance(interrupt, Terminated) else 130)

    _summary(issue_id, server, run_command(mailing, debug))


def _dkim(key_file: Path | None, selector: str | None, domain: str | None, debug: bool) -> DkimKey | None:
    """The signing key of ``--dkim-key``, read and tried before anything is built or sent."""
    given = {"--dkim-key": key_file, "--dkim-selector": selector, "--dkim-domain": domain}
    if all(value is None for value in given.values()):
        return None
    missing = [name for name, value in given.items() if not value]
    if missing:
        raise click.UsageError(f"DKIM signing needs --dkim-key, --dkim-selector and --dkim-domain together: "
                               f"add {' and '.join(missing)}")
    assert key_file is not None and selector is not None and domain is not None
    return run_command(lambda: read_dkim_key(key_file, selector, domain), debug)


def _list(list_file: Path | None) -> list[Recipient]:
    """The readers in ``--list``; every malformed line is reported, then exit 1, before anything is sent."""
    if list_file is None:
        return []
    try:
        recipients, problems = read_list(list_file)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        click.secho(f"error: cannot read the list {printable(str(list_file))}: {error}", fg="red", err=True)
        sys.exit(1)
    for problem in problems:
        click.secho(f"{printable(problem.path)}:{problem.line}: error: {printable(problem.message)}",
                    fg="red", err=True)
    if problems:
        click.secho(f"nothing sent: fix the {count(len(problems), 'line')} above", fg="red", err=True)
        sys.exit(1)
    return recipients


def _dry_run(edition: Edition, recipients: list[Recipient], done: set[str]) -> None:
    todo = [r for r in recipients if r.key not in done]
    config = edition.config
    click.echo(f"Subject: {edition.issue.title}")
    click.echo(f"From: {sender(config)}")
    if config.edition:
        click.echo(f"Edition: {config.edition} ({config.language})")
    for recipient in todo:
        click.echo(f"would send to {recipient.email}")
    click.echo(f"Dry run: issue {edition.issue.id} would go to {count(len(todo), 'reader')}; "
               f"skipped {len(recipients) - len(todo)} (already sent); nothing was sent")


def _summary(issue_id: str, server: SmtpServer, outcome: Outcome) -> None:
    for warning in outcome.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    for address, reason in outcome.failed:
        click.secho(f"error: not sent to {address}: {reason}", fg="red", err=True)
    for address, reason in outcome.uncertain:
        click.secho(f"error: perhaps sent to {address}: {reason}; a re-run skips {address}: ask them, "
                    f"or look in the server's log, and send it again if it did not arrive with "
                    f"newsletter send {issue_id} --to {address} --resend", fg="red", err=True)
    uncertain = f", uncertain {len(outcome.uncertain)}" if outcome.uncertain else ""
    click.echo(f"Issue {issue_id} through {server.host}:{server.port}: sent {len(outcome.sent)}, "
               f"skipped {len(outcome.skipped)} (already sent), failed {len(outcome.failed)}{uncertain}")
    if outcome.failed:
        click.secho("run the same command again to retry those that failed; no one gets it twice",
                    fg="red", err=True)
    if outcome.failed or outcome.uncertain:
        sys.exit(1)


def _smtp_server(
    host: str, port: int | None, use_ssl: bool, starttls: bool, user: str | None, timeout: float
) -> SmtpServer:
    secret = password()
    if use_ssl and starttls:
        raise click.UsageError("--ssl and --starttls exclude each other: --ssl encrypts from the start")
    if user and not (starttls or use_ssl):
        raise click.UsageError("--user needs --starttls or --ssl: a password must not travel unencrypted")
    if user and not secret:
        raise click.UsageError(f"--user needs the password in ${PASSWORD_VARIABLE}")
    port = port or (465 if use_ssl else 587 if starttls else 25)
    return SmtpServer(host, port, starttls, user, secret if user else None, use_ssl, timeout)

