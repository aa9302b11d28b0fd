"""Texts the app can trust: the health authority signs each text it sends, and the app checks the signature
before it offers to use the code in it (as Google's Authenticated SMS does), so a look-alike text from
anyone else is shown as unverified. Pure: no I/O.

The signature covers the version, the number the text was sent to, the day it was sent (Viet Nam's) and
the text itself, so a genuine text cannot be replayed to another number or weeks later. It is the text's
last line: `BZ-SIG:<YYYYMMDD>:<key id>:<ECDSA P-256 r‖s, base64url>`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from bluezone.errors import InvalidInput, SignatureError

VERSION = "bluezone-sms-1"
PREFIX = "BZ-SIG:"
LINK = "bluezone://v?c="
MAX_AGE_DAYS = 2  # a text older than this is not offered: its code has long expired anyway
VN_NUMBER = re.compile(r"^(?:\+84|84|0)(\d{9,10})$")
SIGNATURE = re.compile(r"^BZ-SIG:(\d{8}):([\w-]{1,32}):([A-Za-z0-9_-]{86})$")


def international(number: str) -> str:
    """A Vietnamese mobile number as +84…, however it was typed (0912 345 678, 84912345678, +84 912…)."""
    digits = re.sub(r"[\s.()-]", "", number)
    found = VN_NUMBER.match(digits)
    if found is None:
        raise InvalidInput("phone must be a Vietnamese number such as 0912345678", code="bad_phone")
    return "+84" + found.group(1)


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """A short name for the key, so the app can hold the next key before the switch."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()[:12]


def deep_link(code: str) -> str:
    """The link in the text that opens the app with the code filled in."""
    return LINK + code


def code_from_link(text: str) -> str | None:
    """The code of the first `bluezone://v?c=…` link in a text, if any."""
    found = re.search(r"bluezone://v\?\S+", text)
    if found is None:
        return None
    values = parse_qs(urlsplit(found.group(0)).query).get("c")
    return values[0] if values else None


def _payload(number: str, day: date, body: str) -> bytes:
    return f"{VERSION}\n{international(number)}\n{day:%Y%m%d}\n{body}".encode()


def sign_text(body: str, number: str, day: date, key: ec.EllipticCurvePrivateKey) -> str:
    """The text as sent: the body, then the signature line."""
    der = key.sign(_payload(number, day, body), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    signature = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return f"{body}\n{PREFIX}{day:%Y%m%d}:{key_id(key.public_key())}:{signature}"


@dataclass(frozen=True)
class VerifiedText:
    body: str
    sent_on: date
    code: str | None  # the code of its link, for the app to fill in


def verify_text(
    text: str, number: str, keys: Mapping[str, ec.EllipticCurvePublicKey], today: date
) -> VerifiedText:
    """The body of a text the health authority signed for this number in the last days; SignatureError for
    any other (unsigned, altered, for another number, too old, or signed with a key the app does not hold)."""
    body, _, last = text.rstrip("\n").rpartition("\n")
    found = SIGNATURE.match(last.strip())
    if found is None:
        raise SignatureError("the text carries no signature", code="sms_unsigned")
    day_text, kid, signature = found.groups()
    try:
        day = date(int(day_text[:4]), int(day_text[4:6]), int(day_text[6:]))
        raw = base64.urlsafe_b64decode(signature + "==")
    except (ValueError, binascii.Error):
        raise SignatureError("the text's signature is malformed", code="sms_bad_signature") from None
    if not today - timedelta(days=MAX_AGE_DAYS) <= day <= today + timedelta(days=1):
        raise SignatureError("the text is too old to use", code="sms_too_old")
    public_key = keys.get(kid)
    if public_key is None:
        raise SignatureError("the text is signed with a key the app does not know", code="sms_unknown_key")
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, _payload(number, day, body), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SignatureError("the text's signature does not verify", code="sms_bad_signature") from None
    return VerifiedText(body, day, code_from_link(body))
