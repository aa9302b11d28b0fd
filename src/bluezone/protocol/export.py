"""GAEN key export files: `export.bin` (16-byte header + protobuf) and `export.sig`, zipped together.

Readers verify before they trust: `read_archive` checks sizes and structure, `verify_archive` checks
the ECDSA P-256 / SHA-256 signature over the whole `export.bin`, header included.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.protobuf.message import DecodeError

from bluezone.errors import FormatError, InvalidInput, SignatureError
from bluezone.protocol import export_pb2 as pb
from bluezone.protocol.exposure_key import ExposureKey, ReportType
from bluezone.protocol.intervals import ROLLING_PERIOD

HEADER = b"EK Export v1    "
ECDSA_P256_SHA256 = "1.2.840.10045.4.3.2"
BIN_NAME, SIG_NAME = "export.bin", "export.sig"
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # ~750,000 keys: the most any platform accepts in one file
DEFAULT_MAX_RECORDS = 500_000


@dataclass(frozen=True, slots=True)
class SignatureInfo:
    verification_key_version: str = ""
    verification_key_id: str = ""
    signature_algorithm: str = ECDSA_P256_SHA256
    legacy_app_bundle_id: str | None = None  # reserved field 1, still present in 2020-era files
    legacy_android_package: str | None = None  # reserved field 2

    def to_pb(self, message: Any) -> None:
        message.verification_key_version = self.verification_key_version
        message.verification_key_id = self.verification_key_id
        message.signature_algorithm = self.signature_algorithm

    @classmethod
    def from_pb(cls, message: Any) -> SignatureInfo:
        def text(name: str) -> str | None:
            return str(getattr(message, name)) if message.HasField(name) else None

        return cls(
            verification_key_version=text("verification_key_version") or "",
            verification_key_id=text("verification_key_id") or "",
            signature_algorithm=text("signature_algorithm") or "",
            legacy_app_bundle_id=text("legacy_app_bundle_id"),
            legacy_android_package=text("legacy_android_package"),
        )


@dataclass(frozen=True)
class ExportBatch:
    """The content of one export.bin."""

    start_timestamp: int
    end_timestamp: int
    region: str
    keys: list[ExposureKey]
    revised_keys: list[ExposureKey] = field(default_factory=list)
    batch_num: int = 1
    batch_size: int = 1
    signature_infos: list[SignatureInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportSignature:
    info: SignatureInfo
    signature: bytes
    batch_num: int = 1
    batch_size: int = 1


@dataclass(frozen=True)
class ExportArchive:
    """A read export zip: the exact signed bytes, their decoded content and the signatures."""

    export_bin: bytes
    batch: ExportBatch
    signatures: list[ExportSignature]


@dataclass(frozen=True)
class Signer:
    """A private signing key and how phones recognise it."""

    private_key: ec.EllipticCurvePrivateKey
    info: SignatureInfo

    @classmethod
    def from_pem(cls, pem: bytes, key_id: str, key_version: str = "v1") -> Signer:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
            raise InvalidInput("the signing key must be an ECDSA P-256 private key", code="bad_signing_key")
        return cls(key, SignatureInfo(key_version, key_id))

    @classmethod
    def generate(cls, key_id: str, key_version: str = "v1") -> Signer:
        return cls(ec.generate_private_key(ec.SECP256R1()), SignatureInfo(key_version, key_id))

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data, ec.ECDSA(hashes.SHA256()))


# ---------------------------------------------------------------- export.bin


def _key_to_pb(key: ExposureKey, message: Any) -> None:
    message.key_data = key.key_data
    message.transmission_risk_level = key.transmission_risk_level
    if key.rolling_start_interval_number:
        message.rolling_start_interval_number = key.rolling_start_interval_number
    if key.rolling_period != ROLLING_PERIOD:
        message.rolling_period = key.rolling_period
    if key.report_type is not None:
        message.report_type = int(key.report_type)
    if key.days_since_onset_of_symptoms is not None:
        message.days_since_onset_of_symptoms = key.days_since_onset_of_symptoms


def _key_from_pb(message: Any, where: str, now_interval: int | None) -> ExposureKey:
    # proto2 enums are closed: an unknown report type arrives as an unknown field, i.e. absent.
    try:
        key = ExposureKey(
            key_data=bytes(message.key_data),
            rolling_start_interval_number=message.rolling_start_interval_number,
            rolling_period=message.rolling_period,
            transmission_risk_level=message.transmission_risk_level,
            report_type=ReportType(message.report_type) if message.HasField("report_type") else None,
            days_since_onset_of_symptoms=(
                message.days_since_onset_of_symptoms
                if message.HasField("days_since_onset_of_symptoms")
                else None
            ),
        )
    except InvalidInput as error:
        raise FormatError(f"{where}: {error.message}", code=error.code) from None
    if now_interval is not None and key.rolling_start_interval_number > now_interval:
        raise FormatError(
            f"{where}: rolling start interval {key.rolling_start_interval_number} is in the future",
            code="interval_in_future",
        )
    return key


def encode_export_bin(batch: ExportBatch) -> bytes:
    """Header + protobuf, keys sorted by key bytes so upload order is not revealed."""
    message = pb.TemporaryExposureKeyExport(
        start_timestamp=batch.start_timestamp,
        end_timestamp=batch.end_timestamp,
        region=batch.region,
        batch_num=batch.batch_num,
        batch_size=batch.batch_size,
    )
    for info in batch.signature_infos:
        info.to_pb(message.signature_infos.add())
    for key in sorted(batch.keys, key=lambda k: k.key_data):
        _key_to_pb(key, message.keys.add())
    for key in sorted(batch.revised_keys, key=lambda k: k.key_data):
        _key_to_pb(key, message.revised_keys.add())
    return HEADER + message.SerializeToString()


def parse_export_bin(data: bytes, *, now_interval: int | None = None) -> ExportBatch:
    """Decode an export.bin; `now_interval` (if given) rejects keys that start in the future."""
    if len(data) > MAX_MEMBER_BYTES:
        raise FormatError(
            f"export.bin is {len(data)} bytes, over the {MAX_MEMBER_BYTES} limit", code="oversize"
        )
    if len(data) < len(HEADER):
        raise FormatError(
            f"export.bin is {len(data)} bytes, shorter than its 16-byte header", code="truncated"
        )
    if data[: len(HEADER)] != HEADER:
        raise FormatError(f"wrong header {data[:16]!r}, expected {HEADER!r}", code="bad_header")
    message = pb.TemporaryExposureKeyExport()
    try:
        message.ParseFromString(data[len(HEADER) :])
    except DecodeError as error:
        raise FormatError(
            f"export.bin protobuf is malformed or truncated: {error}", code="truncated"
        ) from None
    return ExportBatch(
        start_timestamp=message.start_timestamp,
        end_timestamp=message.end_timestamp,
        region=message.region,
        batch_num=message.batch_num,
        batch_size=message.batch_size,
        signature_infos=[SignatureInfo.from_pb(info) for info in message.signature_infos],
        keys=[_key_from_pb(k, f"key {i}", now_interval) for i, k in enumerate(message.keys)],
        revised_keys=[
            _key_from_pb(k, f"revised key {i}", now_interval) for i, k in enumerate(message.revised_keys)
        ],
    )


# ---------------------------------------------------------------- export.sig


def encode_signature_list(signatures: Iterable[ExportSignature]) -> bytes:
    message = pb.TEKSignatureList()
    for sig in signatures:
        entry = message.signatures.add(
            batch_num=sig.batch_num, batch_size=sig.batch_size, signature=sig.signature
        )
        sig.info.to_pb(entry.signature_info)
    return message.SerializeToString()


def parse_signature_list(data: bytes) -> list[ExportSignature]:
    if len(data) > MAX_MEMBER_BYTES:
        raise FormatError("export.sig is over the size limit", code="oversize")
    message = pb.TEKSignatureList()
    try:
        message.ParseFromString(data)
    except DecodeError as error:
        raise FormatError(
            f"export.sig protobuf is malformed or truncated: {error}", code="truncated"
        ) from None
    return [
        ExportSignature(
            SignatureInfo.from_pb(s.signature_info), bytes(s.signature), s.batch_num, s.batch_size
        )
        for s in message.signatures
    ]


# ---------------------------------------------------------------- zip archives


def write_archive(batch: ExportBatch, signers: Sequence[Signer]) -> bytes:
    """A signed export zip. Every signer's info is listed in the batch and each signs the same bytes."""
    if not signers:
        raise InvalidInput("an export file needs at least one signer", code="no_signer")
    batch = ExportBatch(**{**batch.__dict__, "signature_infos": [s.info for s in signers]})
    export_bin = encode_export_bin(batch)
    signatures = [
        ExportSignature(s.info, s.sign(export_bin), batch.batch_num, batch.batch_size) for s in signers
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(BIN_NAME, export_bin)
        archive.writestr(SIG_NAME, encode_signature_list(signatures))
    return buffer.getvalue()


def _unzip(data: bytes) -> tuple[bytes, bytes]:
    """(export.bin, export.sig) from an export zip, with size limits checked before anything is unpacked."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise FormatError(
            f"export file is {len(data)} bytes, over the {MAX_ARCHIVE_BYTES} limit", code="oversize"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            missing = {BIN_NAME, SIG_NAME} - members.keys()
            if missing:
                raise FormatError(f"export zip lacks {', '.join(sorted(missing))}", code="missing_member")
            for info in members.values():
                if info.file_size > MAX_MEMBER_BYTES:
                    raise FormatError(f"{info.filename} unpacks to {info.file_size} bytes", code="oversize")
            return archive.read(BIN_NAME), archive.read(SIG_NAME)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError) as error:
        raise FormatError(f"not a readable zip archive: {error}", code="bad_zip") from None
    except (OSError, ValueError, RuntimeError) as error:  # zlib and zipfile report corrupt members this way
        raise FormatError(f"corrupt zip member: {error}", code="bad_zip") from None


def read_archive(data: bytes, *, now_interval: int | None = None) -> ExportArchive:
    """Open an export zip. Structure only: use `read_verified_archive` before acting on its keys."""
    export_bin, export_sig = _unzip(data)
    return ExportArchive(
        export_bin, parse_export_bin(export_bin, now_interval=now_interval), parse_signature_list(export_sig)
    )


def read_verified_archive(
    data: bytes, public_keys: Sequence[ec.EllipticCurvePublicKey], *, now_interval: int | None = None
) -> ExportArchive:
    """Open an export zip whose signature verifies with one of the keys; its keys are parsed only then."""
    export_bin, export_sig = _unzip(data)
    signatures = parse_signature_list(export_sig)
    unparsed = ExportArchive(export_bin, ExportBatch(0, 0, "", []), signatures)
    verify_archive(unparsed, public_keys)
    return ExportArchive(export_bin, parse_export_bin(export_bin, now_interval=now_interval), signatures)


def load_public_key(pem: bytes) -> ec.EllipticCurvePublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise InvalidInput("not a PEM public key", code="bad_public_key") from None
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise InvalidInput("the public key must be ECDSA P-256", code="bad_public_key")
    return key


def signature_verifies(export_bin: bytes, signature: bytes, public_key: ec.EllipticCurvePublicKey) -> bool:
    try:
        public_key.verify(signature, export_bin, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_archive(archive: ExportArchive, public_keys: Sequence[ec.EllipticCurvePublicKey]) -> None:
    """Raise SignatureError unless an ECDSA P-256/SHA-256 signature in the file verifies with a given key."""
    if not archive.signatures:
        raise SignatureError("the export file carries no signature", code="unsigned")
    for sig in archive.signatures:
        if sig.info.signature_algorithm not in ("", ECDSA_P256_SHA256):
            continue
        if any(signature_verifies(archive.export_bin, sig.signature, key) for key in public_keys):
            return
    raise SignatureError("no signature in the export file verifies with the given public keys")


def split_batches(
    keys: Sequence[ExposureKey],
    *,
    start_timestamp: int,
    end_timestamp: int,
    region: str,
    max_records: int = DEFAULT_MAX_RECORDS,
    revised_keys: Sequence[ExposureKey] = (),
) -> list[ExportBatch]:
    """Split one window's keys (sorted by key bytes) into files of at most `max_records`, numbered i of n."""
    if max_records < 1:
        raise InvalidInput("max_records must be at least 1")
    rows: list[tuple[bool, ExposureKey]] = sorted(
        [(False, k) for k in keys] + [(True, k) for k in revised_keys], key=lambda row: row[1].key_data
    )
    chunks = [rows[i : i + max_records] for i in range(0, len(rows), max_records)] or [[]]
    return [
        ExportBatch(
            start_timestamp=start_timestamp,
            end_timestamp=end_timestamp,
            region=region,
            keys=[k for revised, k in chunk if not revised],
            revised_keys=[k for revised, k in chunk if revised],
            batch_num=number,
            batch_size=len(chunks),
        )
        for number, chunk in enumerate(chunks, start=1)
    ]
