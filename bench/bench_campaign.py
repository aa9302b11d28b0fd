"""Campaign speed: a 1,000,000-row count import, a national ranking of every commune, and a province's page.

Each beside the straightforward way, measured in the same run: the import beside a csv.DictReader parse with
one ORM delete and insert per row; the ranking beside loading both snapshots as ORM objects. Targets: import
≤ 10 s, commune ranking ≤ 200 ms, a province's page p95 ≤ 300 ms (over HTTP, the app on loopback).
On the embedded SQLite database, or on PostgreSQL with `--database-url`.

    .venv/bin/python bench/bench_campaign.py [--rows 1000000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import delete, select

from bluezone.campaign import imports, service
from bluezone.campaign.ranking import Entry, rank
from bluezone.config import load_settings
from bluezone.geography.areas import Level, Structure, registry
from bluezone.services import Services
from bluezone.store.models import CampaignCount
from bluezone.web.app import create_app
from bluezone.web.serving import serve_in_background

FIRST_DAY = date(2020, 5, 1)
PROVINCE = "01"


def counts_csv(rows: int, seed: int = 1) -> str:
    """Daily counts of every commune of the 63-province structure, as many days as `rows` needs."""
    rng = random.Random(seed)
    communes = [a.code for a in registry(Structure.OLD).at_level(Level.COMMUNE)]
    out = io.StringIO()
    out.write("as_of,area_code,installs,smartphones,active\n")
    for i in range(rows):
        day = FIRST_DAY + timedelta(days=i // len(communes))
        phones = rng.randint(1000, 5000)
        installs = rng.randint(0, phones)
        active = rng.randint(0, installs)
        out.write(f"{day.isoformat()},{communes[i % len(communes)]},{installs},{phones},{active}\n")
    return out.getvalue()


def straightforward_import(svc: Services, text: str) -> None:
    """DictReader, each row checked on its own, one ORM delete and insert per row: the baseline."""
    areas = registry(Structure.OLD)
    with svc.db.session() as session:
        for record in csv.DictReader(io.StringIO(text)):
            as_of = imports.parse_time(record["as_of"])
            code = areas.get(record["area_code"]).code
            session.execute(
                delete(CampaignCount).where(CampaignCount.as_of == as_of, CampaignCount.area_code == code)
            )
            session.add(
                CampaignCount(
                    as_of=as_of,
                    structure="2008",
                    level="commune",
                    area_code=code,
                    installs=int(record["installs"]),
                    smartphones=int(record["smartphones"]),
                    active=int(record["active"]),
                )
            )


def straightforward_ranking(svc: Services) -> int:
    """Both snapshots as ORM objects, every commune looked up: the baseline."""
    areas = registry(Structure.OLD)
    with svc.db.session() as session:
        moments = sorted({row.as_of for row in session.scalars(select(CampaignCount))})[-2:]
        ranked = []
        for moment in moments:
            rows = session.scalars(select(CampaignCount).where(CampaignCount.as_of == moment)).all()
            ranked.append(
                rank(
                    [Entry(r.area_code, areas.get(r.area_code).name, r.installs, r.smartphones) for r in rows]
                )
            )
    return len(ranked[-1])


def timed(action, repeat: int = 1) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000, help="the per-row import is slow")
    parser.add_argument("--database-url", default=os.environ.get("BZ_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    console = Console()
    table = Table("measure", "Bluezone", "straightforward", "target")
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(data_dir=Path(tmp) / "data", database_url=args.database_url)
        app = create_app(settings)
        svc: Services = app.state.services
        database = "PostgreSQL" if svc.db.url.startswith("postgresql") else "SQLite"
        console.print(
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {database}"
        )

        with console.status("writing the counts file"):
            text = counts_csv(args.rows)
            small = counts_csv(args.baseline_rows, seed=2)

        def ours() -> None:
            report = imports.parse_counts(text)
            assert not report.errors
            with svc.db.session() as session:
                imports.store_counts(session, report.rows)

        with console.status(f"importing {args.rows:,} rows"):
            import_s = timed(ours)[0]
        with console.status(f"importing {args.baseline_rows:,} rows the straightforward way"):
            base_s = timed(lambda: straightforward_import(svc, small))[0] * args.rows / args.baseline_rows
        table.add_row(f"import {args.rows:,} rows", f"{import_s:.1f} s", f"{base_s:.0f} s (scaled)", "≤ 10 s")

        def ranking() -> None:
            with svc.db.session() as session:
                service.ranking(session, as_of=None, level="commune", by="smartphones")

        ranking()  # warm both: registries, caches, the database pages
        straightforward_ranking(svc)
        ours_ms = [1000 * t for t in timed(ranking, 20)]
        base_ms = [1000 * t for t in timed(lambda: straightforward_ranking(svc), 3)]
        table.add_row(
            "commune ranking (10,035 communes), median",
            f"{statistics.median(ours_ms):.0f} ms",
            f"{statistics.median(base_ms):.0f} ms",
            "≤ 200 ms",
        )

        with serve_in_background(app) as base_url, httpx.Client(base_url=base_url, timeout=60) as http:
            http.get(f"/campaign/area/{PROVINCE}").raise_for_status()
            page_ms = [
                1000 * t for t in timed(lambda: http.get(f"/campaign/area/{PROVINCE}").raise_for_status(), 50)
            ]
            home_ms = [1000 * t for t in timed(lambda: http.get("/campaign").raise_for_status(), 20)]
        table.add_row("Hà Nội's page, p95 of 50", f"{p95(page_ms):.0f} ms", "–", "≤ 300 ms")
        table.add_row("national page (map, leaderboard), p95 of 20", f"{p95(home_ms):.0f} ms", "–", "–")
    console.print(table)


if __name__ == "__main__":
    main()
