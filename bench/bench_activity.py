"""Campaign activity ingestion: phones' daily reports as the API writes them (each a receipt row, many rows
to a commit by the group-commit writer, each request answered once its row is committed), beside the
straightforward way measured in the same run (a shared counter row per commune updated by every report, one
transaction each) and the one-row-a-transaction way between them. Target: ≥ 5,000 reports a second per app
process on PostgreSQL.

    scripts/with-postgres .venv/bin/python bench/bench_activity.py --database-url "$BZ_TEST_DATABASE_URL"
    .venv/bin/python bench/bench_activity.py [--reports 40000] [--threads 8]   # SQLite
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.orm import Session

from bluezone.campaign import activity
from bluezone.clock import EPOCH, local_day
from bluezone.config import load_settings
from bluezone.geography.areas import Level, registry, structure_on
from bluezone.services import Services, open_services
from bluezone.store.group_commit import GroupCommit
from bluezone.store.inserts import insert_ignoring_duplicates
from bluezone.store.models import ActivityCount, ActivityReceipt

NOW = 1_772_460_000  # 2026-03-02, mid-morning in Viet Nam


def counter_way(
    session: Session, svc: Services, *, kind: str, commune_code: str, token: str, now: int
) -> bool:
    """The straightforward way: a receipt, then the commune's shared counter row updated by every report."""
    day = local_day(now)
    raw = base64.b64decode(token)
    token_hash = svc.secrets.keyed_hash(f"activity:{day}:{kind}", raw.hex())
    if not insert_ignoring_duplicates(
        session,
        ActivityReceipt,
        [{"day": day, "kind": kind, "token_hash": token_hash}],
        ["day", "kind", "token_hash"],
    ):
        return False
    structure = structure_on(EPOCH + timedelta(days=day)).value
    key = {"day": day, "kind": kind, "structure": structure, "commune_code": commune_code}
    if not insert_ignoring_duplicates(session, ActivityCount, [{**key, "phones": 1}], list(key)):
        session.execute(
            update(ActivityCount)
            .where(*(getattr(ActivityCount, name) == value for name, value in key.items()))
            .values(phones=ActivityCount.phones + 1)
        )
    return True


def arrival_way(
    session: Session, svc: Services, *, kind: str, commune_code: str, token: str, now: int
) -> bool:
    return activity.record(session, svc.secrets, kind=kind, commune_code=commune_code, token=token, now=now)


def measure(
    svc: Services, way: Callable[..., bool], reports: int, threads: int, communes: list[str]
) -> float:
    tokens = [base64.b64encode(secrets.token_bytes(16)).decode() for _ in range(reports)]

    def one(i: int) -> bool:
        with svc.db.session() as session:
            return way(
                session,
                svc,
                kind="active",
                commune_code=communes[i % len(communes)],
                token=tokens[i],
                now=NOW,
            )

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        counted = sum(pool.map(one, range(reports)))
    seconds = time.perf_counter() - started
    assert counted == reports
    return reports / seconds


def measure_grouped(svc: Services, reports: int, waiting: int, communes: list[str]) -> float:
    """As the API writes now: each report's receipt handed to the group-commit writer, its request waiting
    until the receipt is committed; `waiting` requests at once, as a server holds many open at a time."""
    tokens = [base64.b64encode(secrets.token_bytes(16)).decode() for _ in range(reports)]
    writer = GroupCommit(svc.db, activity.store_receipts)

    def one(i: int) -> None:
        receipt = activity.receipt_for(
            svc.secrets, kind="active", commune_code=communes[i % len(communes)], token=tokens[i], now=NOW
        )
        writer.submit(receipt).result()

    started = time.perf_counter()
    with ThreadPoolExecutor(waiting) as pool:
        list(pool.map(one, range(reports)))
    seconds = time.perf_counter() - started
    with svc.db.session() as session:
        assert session.scalar(select(func.count()).select_from(ActivityReceipt)) == reports
    return reports / seconds


def _fresh_database(base_url: str | None, work: Path, name: str) -> str:
    if not base_url:
        return f"sqlite:///{work / name}.db"
    database = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    return base_url.rsplit("/", 1)[0] + f"/{database}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=40_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--waiting", type=int, default=64, help="requests open at once, for group commit")
    parser.add_argument("--database-url", default=os.environ.get("BZ_TEST_DATABASE_URL"))
    args = parser.parse_args()
    console = Console()
    # Hà Nội's communes of the day: the reports of one busy province.
    today = structure_on(EPOCH + timedelta(days=local_day(NOW)))
    communes = [a.code for a in registry(today).at_level(Level.COMMUNE, "01")]
    found = {}
    with tempfile.TemporaryDirectory() as work:
        for name, way in (
            ("shared counter per commune", counter_way),
            ("one row, counted at close", arrival_way),
        ):
            url = _fresh_database(args.database_url, Path(work), name.split()[0])
            svc = open_services(load_settings(data_dir=Path(work) / name.split()[0], database_url=url))
            found[name] = measure(svc, way, args.reports, args.threads, communes)
            svc.db.dispose()
        name = "one row, many to a commit (the API)"
        url = _fresh_database(args.database_url, Path(work), "grouped")
        svc = open_services(load_settings(data_dir=Path(work) / "grouped", database_url=url))
        found[name] = measure_grouped(svc, args.reports, args.waiting, communes)
        svc.db.dispose()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    title = f"{args.reports:,} reports, {args.threads} threads ({args.waiting} waiting, grouped), {backend}"
    table = Table("way", "reports/s", title=title)
    for name, rate in found.items():
        table.add_row(name, f"{rate:,.0f}")
    console.print(f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    console.print(table)
    new, old = found["one row, many to a commit (the API)"], found["shared counter per commune"]
    verdict = "met" if new >= 5000 else "not met"
    console.print(f"{new / old:.2f}× the straightforward way; target ≥ 5,000 reports/s: {verdict}")


if __name__ == "__main__":
    main()
