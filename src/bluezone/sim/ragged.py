"""Runs of varying length laid end to end: which run each position belongs to and where in it."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]


def runs(lengths: npt.NDArray[np.integer]) -> tuple[I64, I64]:
    """For runs of `lengths` (none negative) laid end to end: each position's run and offset within it."""
    lengths = lengths.astype(np.int64, copy=False)
    run = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    offset = np.arange(len(run), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return run, offset


def gather(starts: npt.NDArray[np.integer], lengths: npt.NDArray[np.integer]) -> I64:
    """Every position of the ranges [start, start + length), range after range."""
    run, offset = runs(lengths)
    return starts.astype(np.int64, copy=False)[run] + offset
