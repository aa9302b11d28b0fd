"""Bulk inserts that skip rows clashing with a unique column, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
