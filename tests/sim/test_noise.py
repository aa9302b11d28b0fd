"""Addressed random numbers: the C hashing of whole columns is NumPy's, value for value."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from bluezone.sim import noise

if noise.ACCELERATED:
    from bluezone.sim import _scans  # type: ignore[attr-defined]


def _in_numpy(seed: int, *coordinates: npt.ArrayLike) -> np.ndarray:
    state = noise.seeded(seed)
    for c in coordinates:
        state = noise.absorb(state, c)
    return noise.mix(state)


def test_columns_hashed_in_c_are_the_numpy_hashes(c_width: bool) -> None:
    rng = np.random.default_rng(5)
    a = rng.integers(-(2**31), 2**31 - 1, 5003).astype(np.int32)  # not a multiple of 8: a tail of rows
    b = rng.integers(0, 300, 5003).astype(np.int16)
    c = rng.integers(-(2**62), 2**62, 5003)
    got = noise.hashed(17, 3, a, b, np.int8(4), c, np.array([9]), np.arange(5003, dtype=np.uint16))
    assert got.dtype == np.uint64 and got.shape == (5003,)
    assert np.array_equal(
        got, _in_numpy(17, 3, a, b, np.int8(4), c, np.array([9]), np.arange(5003, dtype=np.uint16))
    )
    assert np.array_equal(noise.hashed(17, a[:1]), _in_numpy(17, a[:1]))
    table = rng.random(noise.BYTE_SUM_MAX + 1).astype(np.float32)
    looked_up = np.empty(5003, np.float32)
    noise.looked_up(17, 3, a, b, c, table=table, out=looked_up)
    assert np.array_equal(looked_up, table[noise.byte_sums(_in_numpy(17, 3, a, b, c))])


@pytest.mark.skipif(not noise.ACCELERATED, reason="the C loop is not built here")
def test_a_column_of_the_wrong_length_or_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="column 1 must hold 1 or 4 values, got 3"):
        _scans.hashed(0, (np.zeros(4, np.int64), np.zeros(3, np.int16)), np.empty(4, np.uint64))
    with pytest.raises(ValueError, match="column 0 must hold signed integers, got format d"):
        _scans.hashed(0, (np.zeros(4, np.float64),), np.empty(4, np.uint64))
    with pytest.raises(ValueError, match="out holds 3 values for 4 hashes"):
        noise.looked_up(
            0, np.zeros(4, np.int64), table=np.zeros(2041, np.float32), out=np.empty(3, np.float32)
        )
    with pytest.raises(ValueError, match="the table must hold 2041 float32 values"):
        _scans.hashed(0, (np.zeros(4, np.int64),), np.empty(4, np.float32), np.zeros(2040, np.float32))


def test_byte_sums_add_each_hashs_eight_bytes() -> None:
    values = _in_numpy(3, np.arange(10_000))
    expected = values.view(np.uint8).reshape(-1, 8).sum(axis=1)
    assert np.array_equal(noise.byte_sums(values), expected)
    assert noise.byte_sums(np.array([2**64 - 1], np.uint64))[0] == noise.BYTE_SUM_MAX


def test_the_byte_sum_table_is_the_hashes_distribution() -> None:
    sums = noise.byte_sums(noise.hashed(3, np.arange(400_000)))
    for k in (700, 900, 1020, 1200, 1400):
        assert abs(float(np.mean(sums <= k)) - noise.BYTE_SUM_CDF[k]) < 0.003
    assert noise.BYTE_SUM_CDF[0] == 256.0**-8 and noise.BYTE_SUM_CDF[-1] == 1.0
    assert np.all(np.diff(noise.BYTE_SUM_CDF) >= 0)
