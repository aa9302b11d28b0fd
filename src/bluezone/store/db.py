"""The one database session factory. Migrations are applied at start, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from bluezone.errors import FormatError

MIGRATION_LOCK = 0x427A6D69  # "Bzmi": any constant agreed by every process
INDEX_LOCK = 0x427A6978  # "Bzix": the export index is rewritten by one process at a time
HOLD_LOCK = 0x427A686F  # "Bzho": small windows' keys are carried on while no exporter reads or completes one


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    # Transactions are begun by _begin_immediate below, not by the driver.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA busy_timeout = 10000")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts. A transaction that read first and wrote later
    would otherwise fail at once, without waiting, whenever another process committed in between."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("bluezone.store") / "migrations"))
    return config


def newest_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships its migrations"
    return head


def _known_revisions(config: Config) -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        options: dict[str, Any] = {"pool_pre_ping": True}
        if self.is_sqlite:
            options["connect_args"] = {"check_same_thread": False}
        else:
            options.update(pool_size=10, max_overflow=20)
        self.engine: Engine = create_engine(url, **options)
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _begin_immediate)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def revision(self) -> str | None:
        """The schema revision the database is at (None: an empty database)."""
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def require_current(self) -> None:
        """Refuse to serve a database whose schema is not the newest: `bluezone db upgrade` first."""
        found, newest = self.revision(), newest_revision()
        if found != newest:
            raise FormatError(
                f"the database is at schema revision {found or 'none'}, this build needs {newest}: "
                "run `bluezone db upgrade` once, then start the app processes",
                code="schema_behind",
            )

    def migrate(self) -> None:
        """Bring the schema to the newest version (safe to run on every start)."""
        config = alembic_config()
        with self.engine.begin() as connection:
            if not self.is_sqlite:  # app processes starting together take turns (SQLite: BEGIN IMMEDIATE)
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            config.attributes["connection"] = connection
            found = MigrationContext.configure(connection).get_current_revision()
            if found is not None and found not in _known_revisions(config):
                raise FormatError(
                    f"this database is at schema revision {found}, from a development build before 0.1; "
                    "start with a new data directory or database",
                    code="unknown_schema",
                )
            command.upgrade(config, "head")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def exclusive(self, key: int) -> Iterator[Session]:
        """A transaction that holds a lock only one process at a time may hold (PostgreSQL: an advisory
        lock; SQLite: every write transaction is exclusive already)."""
        with self.session() as session:
            if not self.is_sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
