"""Publish throughput: `POST /v1/publish` with 14 keys each, against the server as two worker processes on
PostgreSQL (or SQLite), with the load from this second process on loopback.

Measured in the same run beside `GET /healthz` (the framework and database floor) at the same concurrency.
Target: ≥ 500 requests/s with p99 ≤ 200 ms, no errors. The load comes from wrk (Debian package `wrk`).

    scripts/with-postgres .venv/bin/python bench/bench_publish.py [--seconds 15] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table

from bluezone.authority import certificates, codes
from bluezone.authority.realms import authenticate, create_api_key, create_realm, realm_by_code
from bluezone.authority.roles import KeyKind
from bluezone.config import load_settings
from bluezone.protocol import tekmac
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.services import Services, open_services
from bluezone.web.serving import wait_until_healthy


def publish_bodies(svc: Services, count: int) -> list[dict[str, Any]]:
    """Real certificates, each for 14 fresh keys, made through code → token → certificate."""
    now = svc.now()
    today = now // 600 - (now // 600) % 144
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", now)
        device_key = create_api_key(session, svc.secrets, "HN", "device", now)
    bodies = []
    for _ in track(range(count), description="preparing certificates", transient=True):
        keys = [ExposureKey(secrets.token_bytes(16), today - 144 * day) for day in range(14)]
        hmac_key = secrets.token_bytes(32)
        with svc.db.session() as session:
            issued = codes.issue_code(
                session,
                svc.secrets,
                svc.settings,
                realm_by_code(session, "HN"),
                test_type="confirmed",
                symptom_date=None,
                test_date=time.strftime("%Y-%m-%d", time.gmtime(now)),
                phone=None,
                now=now,
            )
            device = authenticate(session, svc.secrets, device_key, KeyKind.DEVICE)
            verified = codes.verify_code(
                session, svc.secrets, svc.settings, device, code=issued.code, client="127.0.0.1", now=now
            )
            assert verified is not None
            certificate = certificates.issue_certificate(
                session,
                svc.secrets,
                svc.settings,
                device,
                token=certificates.make_token(svc.secrets, verified, now),
                ekeyhmac=tekmac.tekmac(hmac_key, keys),
                now=now,
            )
        bodies.append(
            {
                "temporaryExposureKeys": [
                    {
                        "key": base64.b64encode(k.key_data).decode(),
                        "rollingStartNumber": k.rolling_start_interval_number,
                        "rollingPeriod": 144,
                    }
                    for k in keys
                ],
                "healthAuthorityID": "HN",
                "verificationPayload": certificate,
                "hmacKey": base64.b64encode(hmac_key).decode(),
                "padding": base64.b64encode(secrets.token_bytes(768)).decode(),
            }
        )
    return bodies


WRK_SCRIPT = """
local bodies, n = {}, 0
function setup(thread)
  n = n + 1
  thread:set("id", n)
end
function init(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  i = 0
end
function request()
  i = i + 1
  local body = bodies[((id - 1) * 100000 + i) % #bodies + 1]
  return wrk.format("POST", "/v1/publish", {["Content-Type"] = "application/json"}, body)
end
"""


def wrk(
    base_url: str, path: str, seconds: int, concurrency: int, bodies: Path | None = None
) -> dict[str, Any]:
    """Load from a second process (wrk): requests/s, p50 and p99 in ms, and how many answers were not 2xx."""
    command = [
        "wrk",
        "-t",
        "2",
        "-c",
        str(concurrency),
        "-d",
        f"{seconds}s",
        "--latency",
        f"{base_url}{path}",
    ]
    if bodies is not None:
        script = bodies.with_suffix(".lua")
        script.write_text(WRK_SCRIPT)
        command[1:1] = ["-s", str(script)]
        command += ["--", str(bodies)]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": float(_find(r"Requests/sec:\s+([\d.]+)", out)),
        "p50": _ms(_find(r"^\s+50%\s+(\S+)", out)),
        "p99": _ms(_find(r"^\s+99%\s+(\S+)", out)),
        "errors": int(errors.group(1)) if errors else 0,
        "requests": int(_find(r"(\d+) requests in", out)),
    }


def _find(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.MULTILINE)
    if found is None:
        raise RuntimeError(f"wrk printed no {pattern!r}:\n{text}")
    return found.group(1)


def _ms(value: str) -> float:
    number, unit = _find(r"([\d.]+)(us|ms|s)$", value), re.sub(r"[\d.]", "", value)
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def start_server(data_dir: Path, database_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "BZ_DATA_DIR": str(data_dir), "BZ_DATABASE_URL": database_url}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "bluezone.web.app:app_from_environment",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url)
    except RuntimeError:
        server.terminate()
        raise
    return server, base_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BZ_TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        svc = open_services(load_settings(data_dir=data_dir, database_url=args.database_url))
        database = "PostgreSQL" if svc.db.url.startswith("postgresql") else "SQLite"
        url = svc.db.url
        console.print(
            f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {database}, "
            f"{args.workers} app processes, concurrency {args.concurrency}"
        )
        # Distinct uploads for the whole run at well over the target rate: no certificate is used twice.
        bodies = publish_bodies(svc, 1000 * args.seconds)
        svc.db.dispose()
        body_file = Path(tmp) / "bodies.jsonl"
        body_file.write_text("".join(json.dumps(b, separators=(",", ":")) + "\n" for b in bodies))
        server, base_url = start_server(data_dir, url if database == "PostgreSQL" else "", args.workers)
        try:
            floor = wrk(base_url, "/healthz", args.seconds, args.concurrency)
            publish = wrk(base_url, "/v1/publish", args.seconds, args.concurrency, body_file)
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert publish["requests"] <= len(bodies), "the run outgrew the prepared uploads: raise their number"
    table = Table("request", "requests/s", "p50 ms", "p99 ms", "not 2xx")
    for label, result in (("POST /v1/publish, 14 keys", publish), ("GET /healthz (floor, same run)", floor)):
        table.add_row(
            label,
            f"{result['rate']:,.0f}",
            f"{result['p50']:.1f}",
            f"{result['p99']:.1f}",
            str(result["errors"]),
        )
    console.print(table)
    ok = publish["rate"] >= 500 and publish["p99"] <= 200 and publish["errors"] == 0
    console.print(f"target ≥ 500 requests/s, p99 ≤ 200 ms, no errors: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
