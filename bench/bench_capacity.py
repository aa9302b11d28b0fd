"""Capacity at national scale: what 30 million phones ask of the export origin, from a model whose inputs
are stated, with the origin's own throughput measured here by wrk against `bluezone serve`.

Measures a real padded export file's size and the requests a second one app process serves for the index
and for a batch file, then scales: requests a second by endpoint, bytes a day per phone and in total (hourly
files alone, with daily roll-ups for phones catching up), and the origin's load behind a CDN.

    apt install wrk   # the load generator (Debian)
    .venv/bin/python bench/bench_capacity.py [--phones 30000000] [--cdn-hit 0.99] [--seconds 10]
                                             [--quiet-uploads-per-day 100] [--min-keys 140]
"""

from __future__ import annotations

import argparse
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bluezone.authority.realms import create_realm
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.keyserver.exporter import INDEX, run_exports
from bluezone.protocol.exposure_key import ReportType
from bluezone.services import open_services
from bluezone.store.models import Exposure
from bluezone.web.serving import free_port, wait_until_healthy

DAY = 86_400


@dataclass(frozen=True)
class Inputs:
    phones: float  # installs at the peak (Bluezone: 30–40 million)
    checks_per_day: float  # each phone checks the index this often
    uploads_per_day: float  # confirmed cases who upload (Viet Nam's worst days of 2021: some thousands)
    keys_per_upload: float  # 14 days of daily keys
    cdn_hit: float  # share of downloads the CDN answers without asking the origin
    catching_up: float  # share of phones a day that come back after two weeks away


def prepare(data_dir: Path, real_keys: int) -> tuple[str, int]:
    """A server with one closed hourly window of `real_keys` keys, exported: its file's name and size."""
    now = int(time.time())
    settings = load_settings(data_dir=data_dir)
    svc = open_services(settings, ManualClock(now))
    hour = now - now % 3600 - 3600
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", now, province_code="01")
    with svc.db.session() as session:
        session.add_all(
            Exposure(
                key_data=secrets.token_bytes(16),
                rolling_start=(hour // 600) - (hour // 600) % 144,
                rolling_period=144,
                transmission_risk=2,
                report_type=int(ReportType.CONFIRMED_TEST),
                days_since_onset=0,
                realm_id=1,
                created_at=hour + 60,
            )
            for _ in range(real_keys)
        )
    report = run_exports(svc.db, settings, svc.secrets, svc.exports, now)
    svc.db.dispose()
    name = report.files[0]
    return name, len((settings.exports_dir / name).read_bytes())


def wrk(url: str, seconds: int) -> tuple[float, str]:
    """Requests a second and the 99th percentile latency, as wrk measures them."""
    found = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", found).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+(\S+)", found).group(1)  # type: ignore[union-attr]
    return rate, p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=float, default=30e6)
    parser.add_argument("--checks-per-day", type=float, default=6)
    parser.add_argument("--uploads-per-day", type=float, default=5_000)
    parser.add_argument("--quiet-uploads-per-day", type=float, default=100)
    parser.add_argument("--min-keys", type=int, default=140, help="hold-back threshold (CWA's 140)")
    parser.add_argument("--cdn-hit", type=float, default=0.99)
    parser.add_argument("--catching-up", type=float, default=0.02)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt install wrk")
    given = Inputs(args.phones, args.checks_per_day, args.uploads_per_day, 14, args.cdn_hit, args.catching_up)
    console = Console()
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data"
        name, padded_bytes = prepare(data, real_keys=10)  # a quiet hour: padded to 1,000 keys
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "bluezone"),
                "serve",
                "--data-dir",
                str(data),
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}")
            index_rate, index_p99 = wrk(f"http://127.0.0.1:{port}/exports/{INDEX}", args.seconds)
            file_rate, file_p99 = wrk(f"http://127.0.0.1:{port}/exports/{name}", args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)

    measured = Table("measured on this machine (one app process, wrk -t2 -c64)", "requests/s", "p99")
    measured.add_row("GET /exports/index.txt", f"{index_rate:,.0f}", index_p99)
    measured.add_row(f"GET a padded hourly file ({padded_bytes:,} bytes)", f"{file_rate:,.0f}", file_p99)
    console.print(measured)

    keys_an_hour = given.uploads_per_day * given.keys_per_upload / 24
    per_key = padded_bytes / 1000  # a padded file holds about 1,000 keys: bytes a key, signature included
    hourly_bytes = max(keys_an_hour, 1000) * per_key
    index_rps = given.phones * given.checks_per_day / DAY
    files_a_day = given.phones * 24  # each phone fetches each hourly file once
    catch_up_hourly = given.phones * given.catching_up * 14 * 24
    catch_up_daily = given.phones * given.catching_up * 14
    missed = 1 - given.cdn_hit
    processes = index_rps * missed / index_rate + files_a_day / DAY * missed / file_rate
    model = Table("30 million phones: the model", "figure", title=None)
    rows = [
        (
            "phones · checks a day · uploads a day",
            f"{given.phones:,.0f} · {given.checks_per_day:g} · {given.uploads_per_day:,.0f}",
        ),
        (
            "keys an hour (uploads × 14 / 24) · an hourly file's size",
            f"{keys_an_hour:,.0f} · {hourly_bytes / 1e3:,.0f} kB",
        ),
        ("index requests a second (average; spread by each phone's offset)", f"{index_rps:,.0f}"),
        ("the same if every phone asked in the same minute of the hour", f"{index_rps * 60:,.0f}"),
        ("file downloads a second (each hourly file once per phone)", f"{files_a_day / DAY:,.0f}"),
        ("bytes a day per phone (24 hourly files)", f"{24 * hourly_bytes / 1e6:,.1f} MB"),
        ("bytes a day, all phones", f"{files_a_day * hourly_bytes / 1e12:,.1f} TB"),
        (
            f"catching up 14 days ({given.catching_up:.0%} of phones a day): files, hourly → roll-ups",
            f"{catch_up_hourly:,.0f} → {catch_up_daily:,.0f}",
        ),
        (
            f"origin requests a second behind a CDN answering {given.cdn_hit:.0%}",
            f"{(index_rps + files_a_day / DAY) * (1 - given.cdn_hit):,.0f}",
        ),
        (
            "app processes for the origin at the measured rates (index + files)",
            f"{processes:,.2f}",
        ),
        ("without a CDN: app processes for the index alone", f"{index_rps / index_rate:,.1f}"),
    ]
    quiet_keys = args.quiet_uploads_per_day * given.keys_per_upload  # a day's keys on a quiet day
    padded_every_hour = 24 * max(quiet_keys / 24, 1000) * per_key
    held_back = max(quiet_keys, args.min_keys) * per_key  # files of ≥ min_keys; one padded a day at least
    rows += [
        (
            f"a quiet day ({args.quiet_uploads_per_day:,.0f} uploads): bytes a phone a day, every hour "
            f"padded to 1,000 keys → held back to {args.min_keys} (BZ_EXPORT_MIN_KEYS)",
            f"{padded_every_hour / 1e3:,.0f} kB → {held_back / 1e3:,.1f} kB",
        ),
        (
            "the same, all phones",
            f"{given.phones * padded_every_hour / 1e12:,.1f} TB → {given.phones * held_back / 1e12:,.2f} TB",
        ),
    ]
    for row in rows:
        model.add_row(*row)
    console.print(model)


if __name__ == "__main__":
    main()
