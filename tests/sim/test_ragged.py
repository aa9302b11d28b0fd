"""Runs laid end to end: each position's run and offset, and ranges gathered in order."""

from __future__ import annotations

import numpy as np

from bluezone.sim import ragged


def test_positions_know_their_run_and_offset() -> None:
    run, offset = ragged.runs(np.array([2, 0, 3, 1], np.int16))
    assert run.tolist() == [0, 0, 2, 2, 2, 3]
    assert offset.tolist() == [0, 1, 0, 1, 2, 0]


def test_ranges_are_gathered_range_after_range() -> None:
    got = ragged.gather(np.array([10, 3, 7]), np.array([2, 0, 3]))
    assert got.tolist() == [10, 11, 7, 8, 9]
    assert len(ragged.gather(np.zeros(0, np.int64), np.zeros(0, np.int64))) == 0
