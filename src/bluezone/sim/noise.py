"""Random numbers addressed by what they are for (counter-based), not by the order they are drawn in.

A run with the app and one without must see the same distances and the same chances of infection
wherever they meet the same event; drawing from a stream would shift every later draw as soon as one
person stays home. Here a value is a hash (splitmix64) of the run's seed and the event's coordinates:
the state starts from the seed, absorbs each coordinate in turn (`absorb`) and is finished into the value.
`bluezone.sim._scans` computes the same hashes in C.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
# A hash's eight bytes summed: 0..2040, mean and spread of the sum of eight uniform bytes.
BYTE_SUM_MAX = 8 * 255
BYTES_MEAN, BYTES_SD = BYTE_SUM_MAX / 2, float(np.sqrt(8 * (256**2 - 1) / 12))


def mix(x: U64) -> U64:
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * _M1
        x = x ^ (x >> np.uint64(27))
        x = x * _M2
        return x ^ (x >> np.uint64(31))


def absorb(state: U64, coordinate: npt.ArrayLike) -> U64:
    """The state after one more coordinate (an integer, or an array of them)."""
    with np.errstate(over="ignore"):
        return mix(state ^ np.asarray(coordinate).astype(np.int64).astype(np.uint64)) + GOLDEN


def seeded(seed: int) -> U64:
    with np.errstate(over="ignore"):
        return np.asarray(np.uint64(seed) * GOLDEN + GOLDEN)


def to_uniform(value: U64) -> F64:
    """The top 53 bits of a finished hash as a uniform number in [0, 1)."""
    return (value >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def box_muller(u1: F64, u2: F64) -> F64:
    return np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2 * np.pi * u2)


def hashed(seed: int, *coordinates: npt.ArrayLike) -> U64:
    """The finished hash of the seed and the coordinates, one per broadcast element."""
    state = seeded(seed)
    for c in coordinates:
        state = absorb(state, c)
    return mix(state)


def uniform(seed: int, *coordinates: npt.ArrayLike) -> F64:
    """Uniform in [0, 1), one per broadcast element of the coordinates."""
    return to_uniform(hashed(seed, *coordinates))


def normal(seed: int, *coordinates: npt.ArrayLike) -> F64:
    """Standard normal (Box–Muller on two addressed uniforms)."""
    return box_muller(uniform(seed, *coordinates, 1), uniform(seed, *coordinates, 2))


def byte_sums(values: U64) -> I64:
    """Each hash's eight bytes summed: an integer in 0..2040, close to normal, with no logarithm to take."""
    sums: I64 = values.view(np.uint8).reshape(-1, 8).sum(axis=1, dtype=np.int64).reshape(values.shape)
    return sums


def byte_normal(values: U64) -> F64:
    """Standard normal to within what the field data can tell: a hash's byte sum, scaled."""
    return (byte_sums(values) - BYTES_MEAN) / np.float64(BYTES_SD)
