"""Bulk inserts that skip rows clashing with a unique column, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    key = getattr(model, unique[0])
    statement = insert(model).values(list(rows)).on_conflict_do_nothing(index_elements=unique).returning(key)
    # RETURNING lists exactly the rows inserted; rowcount is not reliable here on every driver.
    return len(session.execute(statement).all())
