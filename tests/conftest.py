"""Shared fixtures: the reference test data beside the project, and the crypto backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bluezone.protocol.backend import CryptoBackend, available_backends

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
if not TESTDATA.is_dir():  # a missing data set must fail the run, never skip it
    raise RuntimeError(f"reference test data not found at {TESTDATA}")


def load_json(relative: str) -> Any:
    return json.loads((TESTDATA / relative).read_text(encoding="utf-8"))


@pytest.fixture(params=[b.name for b in available_backends()])
def backend(request: pytest.FixtureRequest) -> CryptoBackend:
    """Every backend available here: tests run once per implementation."""
    return next(b for b in available_backends() if b.name == request.param)
