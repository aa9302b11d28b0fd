"""The Exposure Notification BLE payload: 4-byte metadata and the 31-byte legacy advertisement."""

from __future__ import annotations

from dataclasses import dataclass

from bluezone.errors import FormatError, InvalidInput

SERVICE_UUID16 = 0xFD6F
SERVICE_DATA_LENGTH = 20  # RPI (16) + AEM (4)
ADVERTISEMENT_LENGTH = 31

_AD_FLAGS = 0x01
_AD_COMPLETE_UUID16 = 0x03
_AD_SERVICE_DATA16 = 0x16
_FLAGS = 0x1A  # LE General Discoverable, BR/EDR not supported, simultaneous LE + BR/EDR capable
_UUID_LE = SERVICE_UUID16.to_bytes(2, "little")


@dataclass(frozen=True, slots=True)
class Metadata:
    """Byte 0: version (major bits 7-6, minor bits 5-4, calibration confidence bits 3-2); byte 1: Tx power."""

    tx_power: int
    major: int = 1
    minor: int = 0
    confidence: int = 0

    def __post_init__(self) -> None:
        if not -128 <= self.tx_power <= 127:
            raise InvalidInput(
                f"Tx power {self.tx_power} dBm does not fit a signed byte", code="bad_tx_power"
            )
        for name, value in (("major", self.major), ("minor", self.minor), ("confidence", self.confidence)):
            if not 0 <= value <= 3:
                raise InvalidInput(f"metadata {name} {value} out of 0..3", code="bad_metadata")

    def to_bytes(self) -> bytes:
        version = (self.major << 6) | (self.minor << 4) | (self.confidence << 2)
        return bytes([version, self.tx_power & 0xFF, 0, 0])

    @classmethod
    def from_bytes(cls, data: bytes) -> Metadata:
        if len(data) != 4:
            raise FormatError(f"metadata must be 4 bytes, got {len(data)}", code="bad_length")
        version = data[0]
        return cls(
            tx_power=int.from_bytes(data[1:2], "big", signed=True),
            major=version >> 6,
            minor=(version >> 4) & 3,
            confidence=(version >> 2) & 3,
        )


def encode_advertisement(rpi: bytes, aem: bytes) -> bytes:
    """Flags ‖ complete 16-bit UUID list (0xFD6F) ‖ service data (0xFD6F, RPI ‖ AEM): 31 bytes."""
    if len(rpi) != 16 or len(aem) != 4:
        raise InvalidInput("an advertisement needs a 16-byte RPI and a 4-byte AEM", code="bad_key_length")
    service_data = _UUID_LE + rpi + aem
    return (
        bytes([2, _AD_FLAGS, _FLAGS])
        + bytes([3, _AD_COMPLETE_UUID16])
        + _UUID_LE
        + bytes([1 + len(service_data), _AD_SERVICE_DATA16])
        + service_data
    )


def parse_advertisement(payload: bytes) -> tuple[bytes, bytes]:
    """Return (RPI, AEM) from a BLE advertisement, whatever other AD structures surround them."""
    if len(payload) > ADVERTISEMENT_LENGTH:
        raise FormatError(
            f"advertisement is {len(payload)} bytes; a legacy advertisement holds at most 31", code="oversize"
        )
    offset = 0
    while offset < len(payload):
        length = payload[offset]
        if length == 0:  # the rest is padding
            break
        end = offset + 1 + length
        if end > len(payload):
            raise FormatError(
                f"AD structure at byte {offset} claims {length} bytes, {len(payload) - offset - 1} remain",
                code="truncated",
            )
        ad_type, body = payload[offset + 1], payload[offset + 2 : end]
        if ad_type == _AD_SERVICE_DATA16 and body[:2] == _UUID_LE:
            data = body[2:]
            if len(data) != SERVICE_DATA_LENGTH:
                raise FormatError(
                    f"exposure notification service data is {len(data)} bytes, expected 20", code="bad_length"
                )
            return data[:16], data[16:]
        offset = end
    raise FormatError("no 0xFD6F exposure notification service data in the advertisement", code="not_en")
