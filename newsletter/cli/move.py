"""``newsletter mv``: rename a development or move it to another issue without breaking its address."""

from __future__ import annotations

from pathlib import Path

import click

from newsletter.cli.common import config_option, content_option, find_project, run_command
from newsletter.renames import Move, move_entry, parse_address


@click.command("mv")
@config_option
@content_option
@click.argument("source", metavar="ISSUE/SLUG")
@click.argument("target", metavar="[ISSUE/]NEW-SLUG")
def move_command(config_path: Path, content_dir: Path | None, source: str, target: str) -> None:
    """Rename the development ISSUE/SLUG, or move it to another issue, keeping its old address.

    The old address is added to its aliases (a page there sends readers on,
    and feeds keep knowing it), and references to it in other files follow.
    """
    project = find_project(config_path, content_dir, None)

    def move() -> Move:
        old = parse_address(source)
        return move_entry(project, old, parse_address(target, old.issue_id))

    moved = run_command(move, debug=False)
    click.echo(f"moved {moved.old_path} -> {moved.new_path}")
    for path in moved.rewritten:
        click.echo(f"updated the references in {path}")
    for old_path, new_path in moved.translations:
        click.echo(f"moved its translation {old_path} -> {new_path}")
    for code in moved.unpublished:
        click.secho(f"warning: issue {moved.new_path.parent.name} has no issue.{code}.yaml, so the '{code}' edition "
                    f"does not publish it, nor this development's translation: add one to publish them",
                    fg="yellow", err=True)
