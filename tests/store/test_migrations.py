"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and a database
from before them is refused with a clear error instead of being half-migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bluezone.config import load_settings
from bluezone.errors import FormatError
from bluezone.services import open_services
from bluezone.store.db import Database, alembic_config
from bluezone.store.models import Base
from tests.cli.test_cli import run


def _database(tmp_path: Path, database_url: str) -> Database:
    return Database(database_url or f"sqlite:///{tmp_path / 'bluezone.db'}")


def test_migrations_build_the_models_schema(tmp_path: Path, database_url: str) -> None:
    db = _database(tmp_path, database_url)
    db.migrate()
    db.migrate()  # safe to run on every start
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert context.get_current_revision() == head
    db.dispose()


def test_a_database_of_an_unknown_revision_is_refused(tmp_path: Path, database_url: str) -> None:
    db = _database(tmp_path, database_url)
    db.migrate()
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    with pytest.raises(FormatError) as refused:
        db.migrate()
    assert refused.value.code == "unknown_schema" and "0005" in refused.value.message
    db.dispose()


def test_app_processes_can_leave_migrating_to_one_upgrade_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With BZ_MIGRATE_AT_START=false a process refuses a schema that is behind; `bluezone db upgrade`
    migrates it once, and says so."""
    settings = load_settings(data_dir=tmp_path / "data", migrate_at_start=False)
    with pytest.raises(FormatError) as refused:
        open_services(settings)
    assert refused.value.code == "schema_behind" and "bluezone db upgrade" in str(refused.value)
    code, out, err = run(capsys, "db", "upgrade", "--data-dir", str(tmp_path / "data"))
    assert code == 0, err
    assert out.startswith("Migrated the schema from nothing to ")
    assert run(capsys, "db", "upgrade", "--data-dir", str(tmp_path / "data"))[1].startswith(
        "The schema is at the newest revision"
    )
    open_services(settings).db.dispose()  # now current: it serves
