"""The risky-venue package: one hour's protected check-in reports in a zip of `package.bin` (a
TraceWarningPackage) and `package.sig` (ECDSA P-256/SHA-256 over it, DER), signed with the export key; phones
verify the signature before they read a byte of the reports."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from google.protobuf.message import DecodeError

from bluezone.errors import FormatError, SignatureError
from bluezone.venues import venues_pb2

BIN, SIG = "package.bin", "package.sig"
PACKAGES = "venues"  # the packages' folder beside the key exports
INDEX = "index.txt"  # in it, one line per package: venues/<hour>.zip
MAX_PACKAGE_BYTES = 16 * 1024 * 1024


def write_package(package: venues_pb2.TraceWarningPackage, key: ec.EllipticCurvePrivateKey) -> bytes:
    body = package.SerializeToString()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(BIN, body)
        archive.writestr(SIG, key.sign(body, ec.ECDSA(hashes.SHA256())))
    return out.getvalue()


def read_verified_package(
    data: bytes, public_keys: Sequence[ec.EllipticCurvePublicKey]
) -> venues_pb2.TraceWarningPackage:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = {info.filename: info.file_size for info in archive.infolist()}
            if set(sizes) != {BIN, SIG} or sizes[BIN] > MAX_PACKAGE_BYTES:
                raise FormatError(f"a venue package holds {BIN} and {SIG} only", code="bad_package")
            body, signature = archive.read(BIN), archive.read(SIG)
    except (zipfile.BadZipFile, KeyError):
        raise FormatError("not a venue package (zip)", code="bad_package") from None
    for key in public_keys:
        try:
            key.verify(signature, body, ec.ECDSA(hashes.SHA256()))
            break
        except (InvalidSignature, ValueError):
            continue
    else:
        raise SignatureError("the venue package's signature does not verify", code="bad_signature")
    try:
        return venues_pb2.TraceWarningPackage.FromString(body)
    except DecodeError:
        raise FormatError(
            "the venue package's body is not a TraceWarningPackage", code="bad_package"
        ) from None
