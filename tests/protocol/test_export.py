"""Export files: every real file decodes to its expected content, signatures verify, bad input is named."""

from __future__ import annotations

import contextlib
import io
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluezone.errors import BluezoneError, FormatError, InvalidInput, SignatureError
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from tests.conftest import TESTDATA, load_json

SERVER = TESTDATA / "exports" / "google_server_example"
INTERNALS = TESTDATA / "exports" / "google_internals_sample"


def _as_expected(key: ExposureKey) -> dict[str, Any]:
    """The expected_decoded.json form: fields absent from the file are omitted."""
    out: dict[str, Any] = {
        "key_data": key.key_data.hex(),
        "transmission_risk_level": key.transmission_risk_level,
        "rolling_start_interval_number": key.rolling_start_interval_number,
    }
    if key.rolling_period != 144:
        out["rolling_period"] = key.rolling_period
    return out


def _check_batch(batch: ex.ExportBatch, expected: dict[str, Any]) -> None:
    for name in ("start_timestamp", "end_timestamp", "region", "batch_num", "batch_size"):
        assert getattr(batch, name) == expected[name], name
    assert [_as_expected(k) for k in batch.keys] == expected["keys"]
    assert batch.revised_keys == [] and expected["revised_keys"] == []


@pytest.mark.parametrize(
    ("folder", "zip_name"),
    [(SERVER, "testExport-2-records-1-of-1.zip"), (INTERNALS, "sample_diagnosis_key_file.zip")],
)
def test_real_zips_decode_and_verify_as_expected(folder: Any, zip_name: str) -> None:
    expected_all = load_json(f"exports/{folder.name}/expected_decoded.json")
    expected = expected_all.get("zip", expected_all)
    archive = ex.read_archive((folder / zip_name).read_bytes())
    _check_batch(archive.batch, expected["export"])
    assert [
        {
            "verification_key_version": i.verification_key_version,
            "verification_key_id": i.verification_key_id,
            "signature_algorithm": i.signature_algorithm,
        }
        for i in archive.batch.signature_infos
    ] == expected["export"]["signature_infos"]
    assert [s.signature.hex() for s in archive.signatures] == [s["signature"] for s in expected["signatures"]]
    for check in expected["signature_checks"]:
        key = ex.load_public_key((folder / check["public_key_file"]).read_bytes())
        if check["ecdsa_p256_sha256_over_export_bin"]:
            ex.verify_archive(archive, [key])
        else:
            with pytest.raises(SignatureError):
                ex.verify_archive(archive, [key])


@pytest.mark.parametrize(
    "entry", load_json("exports/google_internals_sample/expected_decoded.json")["raw_bins"]
)
def test_real_bare_bins_with_legacy_fields_decode(entry: dict[str, Any]) -> None:
    batch = ex.parse_export_bin((INTERNALS / entry["file"]).read_bytes())
    _check_batch(batch, entry["export"])
    assert [i.legacy_android_package for i in batch.signature_infos] == [
        i["legacy_field2_android_package"] for i in entry["export"]["signature_infos"]
    ]


def _key(byte: int, **kw: Any) -> ExposureKey:
    return ExposureKey(bytes([byte]) * 16, 2_650_000, **kw)


def test_write_then_read_round_trip_with_two_signers() -> None:
    signers = [ex.Signer.generate("452", "v1"), ex.Signer.generate("452", "v2")]
    keys = [
        _key(9, report_type=ReportType.CONFIRMED_TEST, days_since_onset_of_symptoms=-3),
        _key(1, rolling_period=100, transmission_risk_level=4),
        _key(5, report_type=ReportType.RECURSIVE, days_since_onset_of_symptoms=14),
    ]
    batch = ex.ExportBatch(start_timestamp=100, end_timestamp=200, region="452", keys=keys)
    archive = ex.read_archive(ex.write_archive(batch, signers))
    assert [k.key_data[0] for k in archive.batch.keys] == [1, 5, 9]  # sorted by key bytes
    assert sorted(archive.batch.keys, key=lambda k: k.key_data) == sorted(keys, key=lambda k: k.key_data)
    for signer in signers:
        ex.verify_archive(archive, [signer.private_key.public_key()])
    with pytest.raises(SignatureError):
        ex.verify_archive(archive, [ex.Signer.generate("x").private_key.public_key()])


def test_rolling_period_144_is_left_to_the_proto2_default() -> None:
    plain = ex.encode_export_bin(ex.ExportBatch(0, 1, "VN", [_key(1)]))
    shorter = ex.encode_export_bin(ex.ExportBatch(0, 1, "VN", [_key(1, rolling_period=143)]))
    assert len(shorter) == len(plain) + 3  # tag, value (2 bytes)
    assert ex.parse_export_bin(plain).keys[0].rolling_period == 144


def test_split_into_numbered_batches() -> None:
    keys = [_key(i) for i in range(10)]
    batches = ex.split_batches(keys, start_timestamp=0, end_timestamp=3600, region="VN", max_records=4)
    assert [(b.batch_num, b.batch_size, len(b.keys)) for b in batches] == [(1, 3, 4), (2, 3, 4), (3, 3, 2)]
    assert [k for b in batches for k in b.keys] == keys
    assert len(ex.split_batches([], start_timestamp=0, end_timestamp=1, region="VN")) == 1


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD_BIN = ex.encode_export_bin(ex.ExportBatch(0, 1, "VN", [_key(1)]))


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "bad_zip"),
        (b"PK\x03\x04" + bytes(40), "bad_zip"),
        ((SERVER / "testExport-2-records-1-of-1.zip").read_bytes()[:300], "bad_zip"),
        (_zip({"export.bin": GOOD_BIN}), "missing_member"),
        (_zip({"export.bin": b"EK Export v2    ", "export.sig": b""}), "bad_header"),
        (_zip({"export.bin": b"EK Exp", "export.sig": b""}), "truncated"),
        (_zip({"export.bin": GOOD_BIN[:-5], "export.sig": b""}), "truncated"),
        (_zip({"export.bin": GOOD_BIN, "export.sig": b"\x0a\xff"}), "truncated"),
        (
            _zip({"export.bin": GOOD_BIN.replace(b"\x01" * 16, b"\x01" * 15 + b"\x02"), "export.sig": b""}),
            None,
        ),
        (bytes(ex.MAX_ARCHIVE_BYTES + 1), "oversize"),
    ],
)
def test_malformed_archives_are_named(data: bytes, code: str | None) -> None:
    if code is None:  # a well-formed file with other content parses
        ex.read_archive(data)
        return
    with pytest.raises(FormatError) as error:
        ex.read_archive(data)
    assert error.value.code == code


def test_key_errors_inside_a_file_are_named() -> None:
    import bluezone.protocol.export_pb2 as pb

    def bin_with(**fields: Any) -> bytes:
        message = pb.TemporaryExposureKeyExport()
        message.keys.add(**{"key_data": bytes(16), "rolling_start_interval_number": 2_650_000, **fields})
        return ex.HEADER + message.SerializeToString()

    cases = {
        "bad_key_length": bin_with(key_data=bytes(15)),
        "bad_rolling_period": bin_with(rolling_period=145),
        "bad_days_since_onset": bin_with(days_since_onset_of_symptoms=15),
        "bad_transmission_risk": bin_with(transmission_risk_level=9),
    }
    for code, data in cases.items():
        with pytest.raises(FormatError) as error:
            ex.parse_export_bin(data)
        assert error.value.code == code
    with pytest.raises(FormatError) as error:
        ex.parse_export_bin(bin_with(), now_interval=2_649_999)
    assert error.value.code == "interval_in_future"
    ex.parse_export_bin(bin_with(), now_interval=2_650_000)
    # A second key (field 7) holding key_data and report type (field 5) 9, which the format does not define.
    unknown_report_type = bin_with() + b"\x3a\x14\x0a\x10" + bytes(16) + b"\x28\x09"
    assert [k.report_type for k in ex.parse_export_bin(unknown_report_type).keys] == [None, None]


def test_unsigned_and_unknown_algorithm_files_do_not_verify() -> None:
    signer = ex.Signer.generate("452")
    unsigned = ex.read_archive(_zip({"export.bin": GOOD_BIN, "export.sig": b""}))
    with pytest.raises(SignatureError) as error:
        ex.verify_archive(unsigned, [signer.private_key.public_key()])
    assert error.value.code == "unsigned"
    other = ex.SignatureInfo("v1", "452", "1.2.840.10045.4.3.4")
    sig = ex.encode_signature_list([ex.ExportSignature(other, signer.sign(GOOD_BIN))])
    with pytest.raises(SignatureError):
        ex.verify_archive(
            ex.read_archive(_zip({"export.bin": GOOD_BIN, "export.sig": sig})),
            [signer.private_key.public_key()],
        )


def test_public_key_must_be_p256_pem() -> None:
    with pytest.raises(InvalidInput):
        ex.load_public_key(b"not a key")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600))
def test_random_bytes_never_crash_the_readers(data: bytes) -> None:
    for reader in (ex.read_archive, ex.parse_export_bin, ex.parse_signature_list):
        with contextlib.suppress(BluezoneError):
            reader(data)
        for prefixed in (ex.HEADER + data, b"PK\x03\x04" + data):
            with contextlib.suppress(BluezoneError):
                reader(prefixed)


@settings(max_examples=100)
@given(
    st.lists(
        st.builds(
            ExposureKey,
            key_data=st.binary(min_size=16, max_size=16),
            rolling_start_interval_number=st.integers(0, 2**31 - 1),
            rolling_period=st.integers(1, 144),
            transmission_risk_level=st.integers(0, 8),
            report_type=st.none() | st.sampled_from(ReportType),
            days_since_onset_of_symptoms=st.none() | st.integers(-14, 14),
        ),
        max_size=20,
    )
)
def test_export_bin_round_trip(keys: list[ExposureKey]) -> None:
    batch = ex.ExportBatch(start_timestamp=1, end_timestamp=2, region="VN", keys=keys)
    decoded = ex.parse_export_bin(ex.encode_export_bin(batch))
    assert decoded.keys == sorted(keys, key=lambda k: k.key_data)
