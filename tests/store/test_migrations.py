"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and a database
from before them is refused with a clear error instead of being half-migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bluezone.errors import FormatError
from bluezone.store.db import Database, alembic_config
from bluezone.store.models import Base


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
