"""The 31-byte advertisement and the metadata byte layout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluezone.errors import BluezoneError, FormatError, InvalidInput
from bluezone.protocol.ble import Metadata, encode_advertisement, parse_advertisement

RPI = bytes(range(16))
AEM = b"\xa1\xa2\xa3\xa4"


def test_advertisement_layout() -> None:
    payload = encode_advertisement(RPI, AEM)
    assert len(payload) == 31
    assert payload[:11].hex() == "0201" + "1a" + "0303" + "6ffd" + "1716" + "6ffd"
    assert payload[11:] == RPI + AEM
    assert parse_advertisement(payload) == (RPI, AEM)


def test_parser_finds_service_data_among_other_structures() -> None:
    service = bytes([23, 0x16, 0x6F, 0xFD]) + RPI + AEM
    assert parse_advertisement(bytes([2, 0x0A, 0xF4]) + service) == (RPI, AEM)
    assert parse_advertisement(service + bytes(3)) == (RPI, AEM)  # zero padding after


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (encode_advertisement(RPI, AEM)[:-1], "truncated"),
        (bytes([2, 1, 0x1A]), "not_en"),
        (bytes([7, 0x16, 0x6F, 0xFD, 1, 2, 3, 4]), "bad_length"),
        (bytes([7, 0x16, 0x6E, 0xFD, 1, 2, 3, 4]), "not_en"),
        (encode_advertisement(RPI, AEM) + b"\x00", "oversize"),
    ],
)
def test_bad_advertisements_are_named(payload: bytes, code: str) -> None:
    with pytest.raises(FormatError) as error:
        parse_advertisement(payload)
    assert error.value.code == code


def test_metadata_versions_and_signed_power() -> None:
    assert Metadata(tx_power=-24).to_bytes().hex() == "40e80000"
    decoded = Metadata.from_bytes(bytes.fromhex("5ce80000"))
    assert (decoded.major, decoded.minor, decoded.confidence, decoded.tx_power) == (1, 1, 3, -24)
    with pytest.raises(InvalidInput):
        Metadata(tx_power=200)
    with pytest.raises(FormatError):
        Metadata.from_bytes(b"\x40")


@given(st.binary(max_size=40))
def test_random_payloads_never_crash(payload: bytes) -> None:
    try:
        rpi, aem = parse_advertisement(payload)
    except BluezoneError:
        return
    assert (len(rpi), len(aem)) == (16, 4)


@given(st.binary(min_size=16, max_size=16), st.binary(min_size=4, max_size=4))
def test_round_trip(rpi: bytes, aem: bytes) -> None:
    assert parse_advertisement(encode_advertisement(rpi, aem)) == (rpi, aem)
