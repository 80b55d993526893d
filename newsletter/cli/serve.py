"""``newsletter serve``: the live preview, reporting each build like ``newsletter build``."""

from __future__ import annotations

from pathlib import Path

import click

from newsletter.cli.common import build_summary, find_project, print_problems, project_options, run_command
from newsletter.errors import summary_line
from newsletter.options import Options
from newsletter.serve import Outcome, is_loopback, serve


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
    options = Options(drafts=drafts, strict=strict)
    run_command(lambda: serve(project, options, host, port, _TerminalListener(), debug), debug)
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
