"""Key derivation against the official Exposure Notification v1.2 vectors, on every backend."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bluezone.errors import InvalidInput
from bluezone.protocol import keys
from bluezone.protocol.backend import CryptoBackend, FastBackend, PureBackend, available_backends
from bluezone.protocol.ble import Metadata
from bluezone.protocol.intervals import day_start_interval, interval_number
from tests.conftest import load_json

VECTORS = load_json("gaen_crypto_vectors.json")
TEK = bytes.fromhex(VECTORS["tek"])
START = VECTORS["rolling_start_interval_number"]


def test_interval_number_of_the_vector_time() -> None:
    assert interval_number(VECTORS["key_generation_unix_seconds"]) == START
    assert day_start_interval(START + 77) == START


def test_single_key_functions_match_every_vector() -> None:
    rpik, aemk = keys.rpik(TEK), keys.aemk(TEK)
    assert rpik.hex() == VECTORS["rpik"]
    assert aemk.hex() == VECTORS["aemk"]
    metadata = bytes.fromhex(VECTORS["ble_metadata"])
    assert len(VECTORS["advertised_data"]) == 144
    for entry in VECTORS["advertised_data"]:
        rpi = keys.rpi(rpik, entry["en_interval_number"])
        assert rpi.hex() == entry["rpi"]
        assert keys.aem(aemk, rpi, metadata).hex() == entry["aem"]
        assert keys.aem(aemk, rpi, bytes.fromhex(entry["aem"])) == metadata  # CTR decrypts too


def test_backend_batch_derivation_matches_every_vector(backend: CryptoBackend) -> None:
    rpik = backend.hkdf16(TEK, keys.RPIK_INFO)
    assert rpik.hex() == VECTORS["rpik"]
    assert backend.hkdf16(TEK, keys.AEMK_INFO).hex() == VECTORS["aemk"]
    rpis = backend.rpis(rpik, np.array([START], np.int32), np.array([144], np.int32))
    assert [rpis[16 * i : 16 * i + 16].hex() for i in range(144)] == [
        e["rpi"] for e in VECTORS["advertised_data"]
    ]


def test_metadata_of_the_vectors() -> None:
    metadata = Metadata.from_bytes(bytes.fromhex(VECTORS["ble_metadata"]))
    assert (metadata.major, metadata.minor, metadata.tx_power) == (1, 0, 8)
    assert metadata.to_bytes().hex() == VECTORS["ble_metadata"]


def test_wrong_key_length_is_refused() -> None:
    with pytest.raises(InvalidInput) as error:
        keys.rpik(b"short")
    assert error.value.code == "bad_key_length"
    with pytest.raises(InvalidInput) as error:
        keys.derive_ids(TEK, START, 145, bytes(4))
    assert error.value.code == "bad_rolling_period"


def test_new_teks_are_random() -> None:
    assert len({keys.new_tek() for _ in range(100)}) == 100


def _fast_modes() -> Iterator[None]:
    """Run under every C path this CPU has (AVX-512, then 128-bit AES-NI/SHA-NI, then portable C),
    then restore."""
    import bluezone.protocol._fastcrypto as fast

    for accelerated, wide in ((True, True), (True, False), (False, False)):
        fast.set_accelerated(accelerated, wide=wide)
        yield
    fast.set_accelerated(True)


def test_every_c_path_matches_the_vectors() -> None:
    if len(available_backends()) < 2:
        pytest.skip("the C accelerator did not build on this machine")
    fast_backend = FastBackend()
    for _ in _fast_modes():
        test_backend_batch_derivation_matches_every_vector(fast_backend)


@pytest.mark.skipif(len(available_backends()) < 2, reason="the C accelerator did not build on this machine")
@settings(max_examples=50, deadline=None)
@given(
    keys=st.integers(1, 40),
    data=st.data(),
)
def test_c_paths_equal_the_pure_backend(keys: int, data: st.DataObject) -> None:
    ikm = data.draw(st.binary(min_size=16 * keys, max_size=16 * keys))
    starts = data.draw(st.lists(st.integers(0, 2**31 - 200), min_size=keys, max_size=keys))
    counts = data.draw(st.lists(st.integers(0, 144), min_size=keys, max_size=keys))
    pure, fast_backend = PureBackend(), FastBackend()
    s, c = np.array(starts, np.int32), np.array(counts, np.int32)
    expected = (pure.hkdf16(ikm, b"EN-AEMK"), pure.rpis(ikm, s, c), pure.ecb_pairs(ikm, ikm[::-1]))
    for _ in _fast_modes():
        got = (
            fast_backend.hkdf16(ikm, b"EN-AEMK"),
            fast_backend.rpis(ikm, s, c),
            fast_backend.ecb_pairs(ikm, ikm[::-1]),
        )
        assert got == expected


def test_accelerator_is_built_in_ci() -> None:
    """CI machines have a C compiler: a silently failed build must not pass as the pure fallback."""
    import os

    if os.environ.get("CI"):
        assert any(isinstance(b, FastBackend) for b in available_backends())
