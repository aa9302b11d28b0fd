"""Export speed: 1.4 million published keys (100,000 uploads × 14 keys, 144 hourly windows) to signed files.

Measured in one run beside the straightforward way (ORM objects per window, then the same files), on the
embedded SQLite database or on PostgreSQL (`--database-url`). Google's reference server took 2.2 minutes for
this load (its PR #764); target ≤ 15 s.

    .venv/bin/python bench/bench_export.py [--keys 1400000] [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table
from sqlalchemy import insert, select

from bluezone.authority.realms import create_realm
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.keyserver.exporter import due_windows, run_exports, signer
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.services import Services, open_services
from bluezone.store.models import Exposure

START = 1_772_409_600  # 2026-03-02 00:00 UTC
WINDOWS = 144
GOOGLE_SECONDS = 132.0


def seed(svc: Services, count: int) -> None:
    day = START // 600
    chunk = 50_000
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", START)
    for first in track(range(0, count, chunk), description="publishing keys", transient=True):
        rows = [
            {
                "key_data": secrets.token_bytes(16),
                "rolling_start": day - 144 * (i % 14),
                "rolling_period": 144,
                "transmission_risk": 2,
                "report_type": 1,
                "days_since_onset": i % 14 - 7,
                "realm_id": 1,
                "created_at": START + (i % WINDOWS) * 3600,
            }
            for i in range(first, min(first + chunk, count))
        ]
        with svc.db.engine.begin() as connection:
            connection.execute(insert(Exposure), rows)


def straightforward(svc: Services, now: int, out: Path) -> int:
    """ORM objects per window, then the same signed files: the baseline."""
    files = 0
    for start, end in due_windows(svc.settings, now):
        with svc.db.session() as session:
            rows = session.scalars(
                select(Exposure)
                .where(Exposure.created_at >= start, Exposure.created_at < end)
                .order_by(Exposure.key_data)
            ).all()
            keys = [
                ExposureKey(
                    r.key_data,
                    r.rolling_start,
                    r.rolling_period,
                    r.transmission_risk,
                    ReportType(r.report_type),
                    r.days_since_onset,
                )
                for r in rows
            ]
        for part in (
            ex.split_batches(keys, start_timestamp=start, end_timestamp=end, region="452") if keys else []
        ):
            (out / f"{start}-{part.batch_num}.zip").write_bytes(
                ex.write_archive(part, [signer(svc.settings, svc.secrets)])
            )
            files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=1_400_000)
    parser.add_argument("--database-url", default=os.environ.get("BZ_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    console = Console()
    now = START + (WINDOWS + 2) * 3600
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(
            load_settings(data_dir=Path(tmp) / "data", database_url=args.database_url), ManualClock(now)
        )
        database = "PostgreSQL" if svc.db.url.startswith("postgresql") else "SQLite"
        console.print(
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {database}; "
            f"{args.keys:,} keys over {WINDOWS} windows"
        )
        seed(svc, args.keys)
        baseline_dir = Path(tmp) / "baseline"
        baseline_dir.mkdir()
        began = time.perf_counter()
        baseline_files = straightforward(svc, now, baseline_dir)
        baseline = time.perf_counter() - began
        began = time.perf_counter()
        report = run_exports(svc.db, svc.settings, svc.secrets, svc.exports, now)
        ours = time.perf_counter() - began
        assert report.keys == args.keys and len(report.files) == baseline_files == WINDOWS
        svc.db.dispose()
    table = Table("method", "seconds", "keys/s", "× baseline")
    table.add_row(
        "bluezone exporter (run_exports: claims, files, index)",
        f"{ours:.1f}",
        f"{args.keys / ours:,.0f}",
        f"{baseline / ours:.1f}",
    )
    table.add_row(
        "straightforward: ORM objects per window (baseline)",
        f"{baseline:.1f}",
        f"{args.keys / baseline:,.0f}",
        "1.0",
    )
    table.add_row(
        "Google's reference server (published, other machine)",
        f"{GOOGLE_SECONDS:.0f}",
        f"{1_400_000 / GOOGLE_SECONDS:,.0f}",
        "-",
    )
    console.print(table)
    console.print(f"target ≤ 15 s for 1.4 M keys: {'met' if ours <= 15 else 'NOT met'} ({ours:.1f} s)")


if __name__ == "__main__":
    main()
