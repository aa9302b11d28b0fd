"""`bluezone db`: the database's schema, migrated once per release before the app processes start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bluezone.cli.output import console, print_json
from bluezone.cli.server import ConfigFile, DataDir, settings_for

app = typer.Typer(rich_markup_mode=None, help="The database's schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    data_dir: DataDir = None,
    config: ConfigFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Migrate the schema to this build's newest revision (app processes started with
    BZ_MIGRATE_AT_START=false wait for it and refuse an older schema)."""
    from bluezone.store.db import Database  # noqa: PLC0415 (the server stack loads only when it is used)

    settings = settings_for(data_dir, config)
    if settings.database_url.startswith("sqlite"):
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    try:
        before = db.revision()
        db.migrate()
        after = db.revision()
    finally:
        db.dispose()
    if as_json:
        print_json({"from": before, "to": after})
    elif before == after:
        console.print(f"The schema is at the newest revision, {after}.", highlight=False)
    else:
        console.print(f"Migrated the schema from {before or 'nothing'} to {after}.", highlight=False)
