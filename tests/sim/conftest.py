"""What the simulator's tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bluezone.sim import noise

if noise.ACCELERATED:
    from bluezone.sim import _scans as _fast  # type: ignore[attr-defined]


@pytest.fixture(params=[True, False], ids=["wide", "plain"])
def c_width(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Runs a test with the C code's AVX-512 paths (where the CPU has them) and with its plain ones."""
    if not noise.ACCELERATED:
        pytest.skip("the C loop is not built here")
    wide = _fast.set_wide(request.param)
    if request.param and not wide:
        pytest.skip("this CPU has no AVX-512")
    yield wide
    _fast.set_wide(True)
