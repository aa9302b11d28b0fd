"""Batch key derivation and matching, with two interchangeable implementations.

`FastBackend` wraps the C accelerator (built from `_fastcrypto.c` when a compiler is present);
`PureBackend` does the same with `cryptography` and `hmac`. Both take and return the same
types, and the tests run each case over both, so the fast one can never drift from the spec.
"""

from __future__ import annotations

import contextlib
import hmac
from functools import cache
from typing import Protocol

import numpy as np
import numpy.typing as npt
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bluezone.protocol.keys import RPI_PREFIX, RPIK_INFO

Int32Array = npt.NDArray[np.int32]
_ZERO_SALT = bytes(32)


class CryptoBackend(Protocol):
    name: str

    def hkdf16(self, ikm: bytes, info: bytes) -> bytes:
        """HKDF-SHA256 (no salt, 16-byte output) of each consecutive 16-byte IKM."""
        ...

    def rpis(self, rpiks: bytes, starts: Int32Array, counts: Int32Array) -> bytes:
        """For key i, the RPIs of intervals starts[i] .. starts[i]+counts[i]-1, all concatenated."""
        ...

    def ecb_pairs(self, keys: bytes, blocks: bytes) -> bytes:
        """AES-128 of block i under key i."""
        ...

    def build_index(self, rpis: bytes) -> object:
        """An opaque lookup structure over distinct 16-byte RPIs."""
        ...

    def match(self, teks: bytes, starts: Int32Array, periods: Int32Array, index: object) -> Int32Array:
        """Rows (key i, RPI row in the index, interval) for every derived RPI present in the index."""
        ...


class PureBackend:
    name = "pure"

    def hkdf16(self, ikm: bytes, info: bytes) -> bytes:
        expand = info + b"\x01"
        out = bytearray()
        for i in range(0, len(ikm), 16):
            prk = hmac.digest(_ZERO_SALT, ikm[i : i + 16], "sha256")
            out += hmac.digest(prk, expand, "sha256")[:16]
        return bytes(out)

    def rpis(self, rpiks: bytes, starts: Int32Array, counts: Int32Array) -> bytes:
        out = bytearray()
        for i, (start, count) in enumerate(zip(starts.tolist(), counts.tolist(), strict=True)):
            blocks = b"".join(RPI_PREFIX + (start + j).to_bytes(4, "little") for j in range(count))
            out += _ecb(rpiks[16 * i : 16 * i + 16], blocks)
        return bytes(out)

    def ecb_pairs(self, keys: bytes, blocks: bytes) -> bytes:
        return b"".join(_ecb(keys[i : i + 16], blocks[i : i + 16]) for i in range(0, len(keys), 16))

    def build_index(self, rpis: bytes) -> dict[bytes, int]:
        index: dict[bytes, int] = {}
        for row in range(len(rpis) // 16):
            index.setdefault(rpis[16 * row : 16 * row + 16], row)
        return index

    def match(self, teks: bytes, starts: Int32Array, periods: Int32Array, index: object) -> Int32Array:
        assert isinstance(index, dict)
        rpiks = self.hkdf16(teks, RPIK_INFO)
        derived = self.rpis(rpiks, starts, periods)
        found: list[int] = []
        offset = 0
        for key, (start, period) in enumerate(zip(starts.tolist(), periods.tolist(), strict=True)):
            for j in range(period):
                row = index.get(derived[offset : offset + 16])
                if row is not None:
                    found += (key, row, start + j)
                offset += 16
        return np.array(found, dtype=np.int32).reshape(-1, 3)


def _ecb(key: bytes, blocks: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(blocks) + encryptor.finalize()


class FastBackend:
    name = "c"

    def __init__(self) -> None:
        import bluezone.protocol._fastcrypto as fast  # noqa: PLC0415 (optional extension)

        self._c = fast

    def hkdf16(self, ikm: bytes, info: bytes) -> bytes:
        return bytes(self._c.hkdf16(ikm, info))

    def rpis(self, rpiks: bytes, starts: Int32Array, counts: Int32Array) -> bytes:
        return bytes(self._c.rpis(rpiks, _i32(starts), _i32(counts)))

    def ecb_pairs(self, keys: bytes, blocks: bytes) -> bytes:
        return bytes(self._c.ecb_pairs(keys, blocks))

    def build_index(self, rpis: bytes) -> bytes:
        return bytes(self._c.build_index(rpis))

    def match(self, teks: bytes, starts: Int32Array, periods: Int32Array, index: object) -> Int32Array:
        assert isinstance(index, bytes)
        raw = self._c.match(teks, _i32(starts), _i32(periods), index)
        return np.frombuffer(raw, dtype=np.int32).reshape(-1, 3)

    def accelerated(self) -> dict[str, bool]:
        """Which CPU instructions the accelerator uses (AES-NI, VAES, SHA-NI, SHA-256 in AVX-512)."""
        return dict(self._c.accelerated())


def _i32(values: Int32Array) -> Int32Array:
    return np.ascontiguousarray(values, dtype=np.int32)


def available_backends() -> list[CryptoBackend]:
    """Every backend that works on this machine, fastest first."""
    backends: list[CryptoBackend] = []
    with contextlib.suppress(ImportError):
        backends.append(FastBackend())
    backends.append(PureBackend())
    return backends


@cache
def default_backend() -> CryptoBackend:
    return available_backends()[0]
