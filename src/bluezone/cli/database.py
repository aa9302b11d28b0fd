"""`bluezone db`: the database's schema (migrated once per release before the app processes start), its
backups and their restore."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bluezone.cli.output import console, print_json
from bluezone.cli.server import ConfigFile, DataDir, settings_for

if TYPE_CHECKING:
    from bluezone.store.backup import BackupReport

app = typer.Typer(
    rich_markup_mode=None, help="The database: schema, backups and restore.", no_args_is_help=True
)


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


@app.command("backup")
def backup(
    file: Annotated[Path, typer.Argument(help="The archive to write (readable by you alone).")],
    data_dir: DataDir = None,
    config: ConfigFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Back up the database and the secrets together, in one archive: declarations and keys cannot be read
    or checked without the secrets that sealed them."""
    from bluezone.store import backup as backups  # noqa: PLC0415 (the server stack loads only when it is used)
    from bluezone.store.db import Database  # noqa: PLC0415

    settings = settings_for(data_dir, config)
    db = Database(settings.database_url)
    try:
        report = backups.backup(db, settings.secrets_dir, file)
    finally:
        db.dispose()
    _show(report, f"Backed up {report.total:,} rows and the secrets to {file}.", as_json)


@app.command("restore")
def restore(
    file: Annotated[Path, typer.Argument(help="An archive `bluezone db backup` wrote.")],
    data_dir: DataDir = None,
    config: ConfigFile = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Restore a backup into an empty database and a data directory without secrets."""
    from bluezone.store import backup as backups  # noqa: PLC0415 (the server stack loads only when it is used)
    from bluezone.store.db import Database  # noqa: PLC0415

    settings = settings_for(data_dir, config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    try:
        report = backups.restore(file, db, settings.secrets_dir)
    finally:
        db.dispose()
    _show(report, f"Restored {report.total:,} rows and the secrets from {file}.", as_json)


def _show(report: BackupReport, sentence: str, as_json: bool) -> None:
    if as_json:
        print_json({"revision": report.revision, "rows": report.rows})
    else:
        console.print(sentence, highlight=False)
