"""Random numbers addressed by what they are for (counter-based), not by the order they are drawn in.

A run with the app and one without must see the same distances and the same chances of infection
wherever they meet the same event; drawing from a stream would shift every later draw as soon as one
person stays home. Here a value is a hash (splitmix64) of the run's seed and the event's coordinates:
the state starts from the seed, absorbs each coordinate in turn (`absorb`) and is finished into the value.
`bluezone.sim._scans` computes the same hashes in C, for whole columns here and inside its scan loop.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

try:
    from bluezone.sim import _scans as _fast  # type: ignore[attr-defined]
except ImportError:  # no compiler when installed: NumPy does the same hashing, slower
    _fast = None
ACCELERATED = _fast is not None

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
# A hash's eight bytes summed: 0..2040, mean and spread of the sum of eight uniform bytes.
BYTE_SUM_MAX = 8 * 255
BYTES_MEAN, BYTES_SD = BYTE_SUM_MAX / 2, float(np.sqrt(8 * (256**2 - 1) / 12))


def _byte_sum_cdf() -> npt.NDArray[np.float64]:
    byte = np.full(256, 1 / 256)
    chances = byte
    for _ in range(7):
        chances = np.convolve(chances, byte)
    cdf = np.cumsum(chances)
    cdf[-1] = 1.0
    return cdf


BYTE_SUM_CDF = _byte_sum_cdf()  # P(byte sum ≤ k), k = 0..2040


def mix(x: U64) -> U64:
    """splitmix64's finisher, in place on one temporary (these arrays run to tens of millions)."""
    with np.errstate(over="ignore"):
        y = np.right_shift(x, np.uint64(30), out=np.empty(np.shape(x), np.uint64))
        y ^= x
        y *= _M1
        shifted = np.right_shift(y, np.uint64(27), out=np.empty_like(y))
        y ^= shifted
        y *= _M2
        np.right_shift(y, np.uint64(31), out=shifted)
        y ^= shifted
        return y


def absorb(state: U64, coordinate: npt.ArrayLike) -> U64:
    """The state after one more coordinate (an integer, or an array of them)."""
    with np.errstate(over="ignore"):
        mixed = mix(state ^ np.asarray(coordinate).astype(np.int64).astype(np.uint64))
        mixed += GOLDEN
        return mixed


def seeded(seed: int) -> U64:
    with np.errstate(over="ignore"):
        return np.asarray(np.uint64(seed) * GOLDEN + GOLDEN)


def to_uniform(value: U64) -> F64:
    """The top 53 bits of a finished hash as a uniform number in [0, 1)."""
    return (value >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def hashed(seed: int, *coordinates: npt.ArrayLike) -> U64:
    """The finished hash of the seed and the coordinates, one per broadcast element."""
    in_c = _in_c(coordinates)
    if in_c is not None:
        out = np.empty(in_c[1], np.uint64)
        _fast.hashed(int(seeded(seed)), in_c[0], out)
        return out
    state = seeded(seed)
    for c in coordinates:
        state = absorb(state, c)
    return mix(state)


def looked_up(seed: int, *coordinates: npt.ArrayLike, table: F32, out: F32) -> None:
    """out = table[byte_sums(hashed(seed, *coordinates))], the hashes never stored where C can do it.
    `table` holds a float32 for every byte sum (0..BYTE_SUM_MAX)."""
    in_c = _in_c(coordinates)
    if in_c is None:
        out[...] = table[byte_sums(hashed(seed, *coordinates))]
        return
    if len(out) != in_c[1]:
        raise ValueError(f"out holds {len(out)} values for {in_c[1]} hashes")
    _fast.hashed(int(seeded(seed)), in_c[0], out, np.ascontiguousarray(table, np.float32))


def _in_c(
    coordinates: tuple[npt.ArrayLike, ...],
) -> tuple[tuple[npt.NDArray[np.signedinteger], ...], int] | None:
    """The coordinates as integer columns for the C hashing (whole columns and single values) and how many
    hashes they make, or None."""
    arrays = [np.asarray(c) for c in coordinates]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    if _fast is None or len(shape) != 1:
        return None
    return tuple(_column(a) for a in arrays), shape[0]


def _column(values: npt.NDArray[np.generic]) -> npt.NDArray[np.signedinteger]:
    """Signed integers go to C as they are (it widens them as `absorb` does); anything else as int64."""
    if values.dtype.kind == "i":
        return np.ascontiguousarray(values).reshape(-1)
    return np.ascontiguousarray(values, np.int64).reshape(-1)


def uniform(seed: int, *coordinates: npt.ArrayLike) -> F64:
    """Uniform in [0, 1), one per broadcast element of the coordinates."""
    return to_uniform(hashed(seed, *coordinates))


def byte_sums(values: U64) -> I64:
    """Each hash's eight bytes summed: an integer in 0..2040, close to normal, with no logarithm to take.
    Bytes are added in pairs within the word (no carry can cross), then the pairs' sums."""
    pairs = np.uint64(0x00FF00FF00FF00FF)
    sums = np.bitwise_and(values, pairs, out=np.empty(np.shape(values), np.uint64))
    shifted = np.right_shift(values, np.uint64(8), out=np.empty_like(sums))
    shifted &= pairs
    sums += shifted
    np.right_shift(sums, np.uint64(16), out=shifted)
    sums += shifted
    np.right_shift(sums, np.uint64(32), out=shifted)
    sums += shifted
    sums &= np.uint64(0xFFFF)
    return sums.view(np.int64)


def byte_normal_of_sum() -> F64:
    """The standard normal of every possible byte sum, for tables indexed by the sum."""
    return (np.arange(BYTE_SUM_MAX + 1) - BYTES_MEAN) / np.float64(BYTES_SD)
