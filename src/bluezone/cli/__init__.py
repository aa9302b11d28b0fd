"""The `bluezone` command: one entry point whose subcommands grow with the project."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from bluezone import __version__
from bluezone.cli import campaign, database, demo, export, keys, proximity, server, sim
from bluezone.errors import BluezoneError, FormatError, SignatureError

app = typer.Typer(
    rich_markup_mode=None,
    name="bluezone",
    help="Bluezone: open contact tracing. Vietnamese and English.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(keys.app, name="keys")
app.add_typer(export.app, name="export")
app.add_typer(proximity.app, name="proximity")
app.command(name="demo")(demo.demo)
app.command(name="serve")(server.serve)
app.add_typer(server.admin, name="admin")
app.add_typer(campaign.app, name="campaign")
app.add_typer(sim.app, name="sim")
app.add_typer(database.app, name="db")


_stderr = Console(stderr=True, highlight=False)


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"bluezone {__version__}")
        raise typer.Exit


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")
    ] = False,
) -> None:
    """Bluezone: open contact tracing. Vietnamese and English."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI. A BluezoneError prints one line and exits 1 (bad file, signature) or 2 (other input)."""
    try:
        app(args=argv if argv is not None else sys.argv[1:], prog_name="bluezone")
    except BluezoneError as error:
        # The message is text, not markup: "missing section [run]" must keep its brackets.
        _stderr.print(f"[red]error:[/red] {escape(error.message)} [dim]({error.code})[/dim]", soft_wrap=True)
        raise SystemExit(1 if isinstance(error, FormatError | SignatureError) else 2) from None
