"""Protected check-in reports against Corona-Warn-App's published vectors, and their failure modes."""

from __future__ import annotations

import base64

import pytest

from bluezone.errors import FormatError, SignatureError
from bluezone.venues import reports, venues_pb2
from tests.conftest import load_json

VECTORS = load_json("cwa_checkin_report_testvectors.json")


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def test_key_derivation_and_mac_match_the_vectors() -> None:
    keys = VECTORS["key_derivation"]
    location_id = _b64(keys["locationId_b64"])
    assert reports.encryption_key(location_id) == _b64(keys["encryption_key_b64"])
    assert reports.mac_key(location_id) == _b64(keys["mac_key_b64"])
    only = VECTORS["mac_only"]
    assert reports.mac(location_id, _b64(only["iv_b64"]), _b64(only["ciphertext_b64"])) == _b64(
        only["mac_b64"]
    )


@pytest.mark.parametrize("vector", VECTORS["protected_reports"], ids=lambda v: v["locationIdHash_hex"][:8])
def test_published_reports_decrypt_and_reencrypt_byte_for_byte(vector: dict[str, object]) -> None:
    location_id = _b64(str(vector["locationId_b64"]))
    report = venues_pb2.CheckInProtectedReport(
        location_id_hash=bytes.fromhex(str(vector["locationIdHash_hex"])),
        iv=_b64(str(vector["iv_b64"])),
        encrypted_check_in_record=_b64(str(vector["encryptedCheckInRecord_b64"])),
        mac=_b64(str(vector["mac_b64"])),
    )
    stay = reports.unprotect(location_id, report)
    decrypted = vector["decrypted"]
    assert isinstance(decrypted, dict)
    assert (stay.start_interval, stay.period, stay.transmission_risk) == (
        decrypted["startIntervalNumber"],
        decrypted["period"],
        decrypted["transmissionRiskLevel"],
    )
    assert reports.protect(location_id, stay, iv=report.iv) == report


def test_altered_reports_and_other_venues_are_refused() -> None:
    location_id = b"\x01" * 32
    report = reports.protect(location_id, reports.Stay(2_710_445, 6, 7))
    altered = venues_pb2.CheckInProtectedReport()
    altered.CopyFrom(report)
    altered.encrypted_check_in_record = (
        bytes([report.encrypted_check_in_record[0] ^ 1]) + report.encrypted_check_in_record[1:]
    )
    with pytest.raises(SignatureError, match="MAC"):
        reports.unprotect(location_id, altered)
    with pytest.raises(SignatureError, match="another venue"):
        reports.unprotect(b"\x02" * 32, report)
    short = venues_pb2.CheckInProtectedReport()
    short.CopyFrom(report)
    short.iv = b"\x00" * 8
    with pytest.raises(FormatError):
        reports.unprotect(location_id, short)
    with pytest.raises(FormatError):
        reports.protect(location_id, reports.Stay(1, 0, 7))
    assert (
        reports.protect(location_id, reports.Stay(1, 3, 7)).iv
        != reports.protect(location_id, reports.Stay(1, 3, 7)).iv
    )
