"""Signed JSON documents the app downloads (its configuration, the local risk levels): an envelope
`{"<name>": {...}, "keyId": "...", "signature": "<ECDSA P-256 r‖s, base64>"}` whose signature covers the
document's canonical JSON (keys sorted, no spaces, UTF-8). Pure: no I/O."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from bluezone.errors import FormatError, SignatureError
from bluezone.protocol.sms import key_id


def canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign_document(name: str, document: Mapping[str, Any], key: ec.EllipticCurvePrivateKey) -> bytes:
    """The file as published."""
    r, s = decode_dss_signature(key.sign(canonical(document), ec.ECDSA(hashes.SHA256())))
    signature = base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()
    envelope = {name: document, "keyId": key_id(key.public_key()), "signature": signature}
    return json.dumps(envelope, ensure_ascii=False, indent=1).encode()


def read_document(name: str, data: bytes, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> dict[str, Any]:
    """The document, once its signature verifies with one of the app's keys: FormatError for a file that is
    not such an envelope, SignatureError for a wrong signature or a key the app does not hold."""
    try:
        envelope = json.loads(data)
        document, kid = envelope[name], str(envelope["keyId"])
        raw = base64.b64decode(envelope["signature"], validate=True)
        if not isinstance(document, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise FormatError(f"not a signed {name} file", code=f"bad_{name}_file") from None
    public = keys.get(kid)
    if public is None or len(raw) != 64:
        raise SignatureError(
            f"the {name} file is signed with a key the app does not know", code=f"{name}_key"
        )
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public.verify(der, canonical(document), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SignatureError(
            f"the {name} file's signature does not verify", code=f"{name}_signature"
        ) from None
    return document
