"""Group commit: many requests' rows in one transaction, each answered only once its row is durable; a
failed batch answers each of its requests with the error, and the writer goes on with the next."""

from __future__ import annotations

import base64
import secrets
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bluezone.campaign import activity
from bluezone.config import load_settings
from bluezone.services import open_services
from bluezone.store.group_commit import GroupCommit
from bluezone.store.models import ActivityReceipt

NOW = 1_772_460_000
COMMUNE = "00070"


def _receipt(svc, token: bytes | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    raw = base64.b64encode(token or secrets.token_bytes(16)).decode()
    return activity.receipt_for(svc.secrets, kind="active", commune_code=COMMUNE, token=raw, now=NOW)


def test_rows_from_many_requests_are_committed_before_each_is_answered(
    tmp_path: Path, database_url: str
) -> None:
    svc = open_services(load_settings(data_dir=tmp_path / "data", database_url=database_url))
    batches: list[int] = []

    def write(session, rows):  # type: ignore[no-untyped-def]
        batches.append(len(rows))
        return activity.store_receipts(session, rows)

    writer = GroupCommit(svc.db, write)
    repeated = secrets.token_bytes(16)

    def one(i: int) -> int:
        writer.submit(_receipt(svc, repeated if i % 100 == 0 else None)).result(timeout=30)
        with svc.db.session() as session:  # answered: the row is there for any other connection
            return int(session.scalar(select(func.count()).select_from(ActivityReceipt)) or 0)

    with ThreadPoolExecutor(32) as pool:
        seen = list(pool.map(one, range(2000)))
    assert min(seen) >= 1
    with svc.db.session() as session:
        stored = session.scalar(select(func.count()).select_from(ActivityReceipt))
    assert stored == 2000 - 19  # the token sent 20 times is counted once
    assert len(batches) < 2000 and max(batches) > 1  # many rows to a commit
    svc.db.dispose()


def test_a_failed_batch_answers_its_requests_with_the_error_and_the_writer_goes_on(tmp_path: Path) -> None:
    svc = open_services(load_settings(data_dir=tmp_path / "data"))
    failing = {"on": True}

    def write(session, rows):  # type: ignore[no-untyped-def]
        if failing["on"]:
            raise RuntimeError("the database went away")
        return activity.store_receipts(session, rows)

    writer = GroupCommit(svc.db, write)
    with pytest.raises(RuntimeError, match="went away"):
        writer.submit(_receipt(svc)).result(timeout=30)
    failing["on"] = False
    writer.submit(_receipt(svc)).result(timeout=30)
    with svc.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ActivityReceipt)) == 1
    svc.db.dispose()
