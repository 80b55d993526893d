"""``newsletter init`` and ``newsletter new``: starting a project, an issue or an entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from newsletter.authoring import EntryRequest, init_project, month_id, needs_body, new_entry, new_issue
from newsletter.cli.common import config_option, content_option, find_project, run_command
from newsletter.content.fields import parse_date
from newsletter.content.issues import SOURCED_SECTIONS
from newsletter.model import EntryDate


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
@click.option("--authority", "authorities", multiple=True, metavar="ID",
              help="Who issued it: an authority id from the registry, or a short name from "
                   "'authorities' in newsletter.yaml. Repeat for several.")
@click.option("--source", "sources", multiple=True, metavar="URL",
              help="The address of a primary document, listed under 'sources' titled with its host "
                   "until you write a title. Repeat for several.")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="A lowercase keyword such as cross-border-data. Repeat for several.")
@click.option("--url", default=None, metavar="URL",
              help="The article an entry links to; required in the 'views' section.")
def new_entry_command(
    config_path: Path, content_dir: Path | None, title: str, issue_id: str, section: str,
    date_text: str | None, authorities: tuple[str, ...], sources: tuple[str, ...], tags: tuple[str, ...],
    url: str | None,
) -> None:
    """Create a draft development titled TITLE in an issue and print its path.

    The new file passes `newsletter check` as it is: a draft, left out of the
    build, with a placeholder paragraph. Write the text in its place and
    delete the line `draft: true` to publish it. Every value given is checked
    first; if any is wrong, nothing is written.
    """
    project = find_project(config_path, content_dir, None)
    request = EntryRequest(
        issue_id, section, title, _date_option(date_text, allow_month=True),
        authorities=authorities, sources=sources, tags=tags, url=url,
    ).cleaned()
    path = run_command(lambda: new_entry(project, request), debug=False)
    click.echo(path)  # the path alone on standard output, for `$EDITOR "$(newsletter new entry ...)"`
    for line in _next_steps(request):
        click.echo(line, err=True)


def _next_steps(request: EntryRequest) -> list[str]:
    """What the editor does next with the new draft (on standard error, beside the path)."""
    text = ("the text of the development" if needs_body(request.section)
            else "an introduction to the article (or delete it)")
    steps = [
        "A draft: `newsletter check` checks it, but builds leave it out. To publish it, replace",
        f"the placeholder paragraph with {text} and delete the line `draft: true`.",
    ]
    if request.sources:
        steps.append("Each source is titled with its host: give it the title readers should see.")
    elif request.section in SOURCED_SECTIONS:
        steps.append("Cite the primary document under 'sources' (or pass --source URL): "
                     f"check warns about a '{request.section}' entry without one.")
    return steps


def _date_option(text: str | None, allow_month: bool) -> EntryDate:
    if text is None:
        now = today()
        return EntryDate(now.year, now.month, now.day)
    parsed = parse_date(text, allow_month)
    if isinstance(parsed, str):
        raise click.BadParameter(parsed, param_hint="--date")
    return parsed
