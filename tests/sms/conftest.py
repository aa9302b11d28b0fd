"""A carrier's SMS centre for the tests: tests/sms/smsc.js, a real SMPP server from npm, on loopback."""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

SMSC_SCRIPT = Path(__file__).with_name("smsc.js")
SMPP_MODULE = Path(__file__).parents[2] / "node_modules" / "smpp"
SYSTEM_ID, PASSWORD = "bluezone", "secret12"  # SMPP 3.4: at most 16 and 8 characters


@dataclass
class SmsCentre:
    url: str
    received: queue.Queue[dict[str, Any]] = field(default_factory=queue.Queue)

    def texts(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """The next `count` texts (parts joined; a refused one as far as it went), in submission order."""
        parts: list[dict[str, Any]] = []
        whole: list[dict[str, Any]] = []
        while len(whole) < count:
            part = self.received.get(timeout=timeout)
            parts.append(part)
            total = int(part["udh"][0][6:8], 16) if part["udh"] else 1  # 00 03 ref total seq
            if len(parts) == total or part["refused"]:  # a refused part ends the text
                whole.append({**parts[0], "text": "".join(p["text"] for p in parts)})
                parts = []
        return whole


def start_smsc() -> tuple[subprocess.Popen[str], SmsCentre]:
    """Start an SMS centre process (skipped where node or the smpp package is missing, failed in CI)."""
    node = shutil.which("node")
    if node is None or not SMPP_MODULE.is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI must test SMPP against a real server: node and `npm ci` (smpp)")
        pytest.skip("no node or no smpp package here (npm ci)")
    process = subprocess.Popen(
        [node, str(SMSC_SCRIPT), SYSTEM_ID, PASSWORD], stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    assert process.stdout is not None
    port = json.loads(process.stdout.readline())["port"]
    centre = SmsCentre(f"smpp://{SYSTEM_ID}:{PASSWORD}@127.0.0.1:{port}?from=BoYTe")
    stdout = process.stdout

    def read() -> None:
        for line in stdout:
            centre.received.put(json.loads(line))

    threading.Thread(target=read, daemon=True).start()
    return process, centre


@pytest.fixture(scope="session")
def smsc() -> Iterator[SmsCentre]:
    process, centre = start_smsc()
    yield centre
    process.terminate()
    process.wait(timeout=10)
