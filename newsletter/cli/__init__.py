"""The ``newsletter`` command: a click group whose commands live one family to a module.

Each command's module is imported only when that command runs, so a build
answered from its stamp loads nothing but the standard library, click and
the light modules it needs (see :mod:`newsletter.cli.build`).

Modules: ``common`` (shared options, printing and exit codes), ``build``
(build, check), ``authoring`` (init, new), ``move`` (mv), ``serve``, ``send``,
``templates``, and ``progress`` (the progress bar).
"""

from __future__ import annotations

import importlib
import os

import click

from newsletter import __version__

__all__ = ["COMMANDS", "main"]

COMMANDS = {
    "build": ("build", "build_command"),
    "check": ("build", "check_command"),
    "init": ("authoring", "init_command"),
    "new": ("authoring", "new_group"),
    "mv": ("move", "move_command"),
    "serve": ("serve", "serve_command"),
    "send": ("send", "send_command"),
    "templates": ("templates", "templates_group"),
}
"""Every command by name: the module of :mod:`newsletter.cli` that defines it, and its name there."""


class _Commands(click.Group):
    """The command group, importing a command's module only when that command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"newsletter.cli.{module}"), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsletter")
@click.pass_context
def main(context: click.Context) -> None:
    """Build a regulatory newsletter: web edition, archive, email edition and feeds."""
    if os.environ.get("NO_COLOR"):  # no-color.org: any non-empty value turns colours off
        context.color = False
