"""Random numbers addressed by what they are for (counter-based), not by the order they are drawn in.

A run with the app and one without must see the same distances and the same chances of infection
wherever they meet the same event; drawing from a stream would shift every later draw as soon as one
person stays home. Here a value is a hash (splitmix64) of the run's seed and the event's coordinates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
F64 = npt.NDArray[np.float64]
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: U64) -> U64:
    x = x ^ (x >> np.uint64(30))
    x = x * _M1
    x = x ^ (x >> np.uint64(27))
    x = x * _M2
    return x ^ (x >> np.uint64(31))


def _hash(seed: int, *coordinates: npt.ArrayLike) -> U64:
    with np.errstate(over="ignore"):
        h = np.full(
            np.broadcast(*[np.asarray(c) for c in coordinates]).shape, np.uint64(seed) * _GOLDEN + _GOLDEN
        )
        for c in coordinates:
            h = _mix(h ^ np.asarray(c).astype(np.int64).astype(np.uint64)) + _GOLDEN
        return _mix(h)


def uniform(seed: int, *coordinates: npt.ArrayLike) -> F64:
    """Uniform in [0, 1), one per broadcast element of the coordinates."""
    return (_hash(seed, *coordinates) >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def normal(seed: int, *coordinates: npt.ArrayLike) -> F64:
    """Standard normal (Box–Muller on two addressed uniforms)."""
    u1 = uniform(seed, *coordinates, 1)
    u2 = uniform(seed, *coordinates, 2)
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2 * np.pi * u2)
