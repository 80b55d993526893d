"""``newsletter templates``: the templates the site is rendered with, and the project's overrides."""

from __future__ import annotations

from pathlib import Path

import click

from newsletter.cli.common import config_option, find_project
from newsletter.render.theme import TEMPLATES_FOLDER, list_templates


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
