"""Inserts that skip rows clashing with a unique column, and counters locked while counted, on SQLite and
PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bluezone.store.models import Base


def insert_ignoring_duplicates(
    session: Session, model: type[Base], rows: Sequence[dict[str, Any]], unique: list[str]
) -> int:
    """Insert what is new; return how many rows were inserted."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.__table__
    assert isinstance(table, Table)
    statement = insert(table).on_conflict_do_nothing(index_elements=unique).returning(table.c[unique[0]])
    # Rows as parameters: the statement is compiled once and cached, the driver batches the rows.
    # RETURNING lists exactly the rows inserted (rowcount is not reliable here on every driver).
    return len(session.connection().execute(statement, list(rows)).all())


CounterT = TypeVar("CounterT", bound=Base)


def locked_counter(
    session: Session, model: type[CounterT], fresh: dict[str, Any] | None = None, **key: Any
) -> CounterT:
    """A counter row (`failures` from 0, and `fresh` values), made if missing and locked for this
    transaction, so that clients racing on one counter count one after another (PostgreSQL's row lock;
    SQLite's write lock does it already)."""
    insert_ignoring_duplicates(session, model, [{**key, "failures": 0, **(fresh or {})}], unique=list(key))
    row = session.get(model, tuple(key.values()), with_for_update=True, populate_existing=True)
    assert row is not None
    return row
