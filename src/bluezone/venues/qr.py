"""The venue QR code: `BLUEZONE-VENUE:1:` and a JWT signed (ES256) by the health authority, so that a phone
refuses a forged or altered poster. The venue's location ID, from which check-in reports are keyed, is the
SHA-256 of a prefix and the whole payload: anyone who never saw the poster cannot read reports about it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.errors import FormatError, SignatureError

PREFIX = "BLUEZONE-VENUE:1:"
LOCATION_ID_PREFIX = b"BLUEZONE-VENUE"
MAX_PAYLOAD = 1024
KINDS = (
    "restaurant", "cafe", "market", "shop", "office", "school", "hospital", "transport", "worship", "event",
    "other",
)  # fmt: skip
VENUE_ID = re.compile(r"^[A-Z2-7]{12}$")
COMMUNE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class Venue:
    venue_id: str  # 12 characters of base32
    name: str
    address: str
    commune_code: str
    kind: str
    visit_minutes: int  # a stay's usual length: the automatic check-out

    def claims(self) -> dict[str, Any]:
        return {
            "id": self.venue_id,
            "n": self.name,
            "a": self.address,
            "c": self.commune_code,
            "t": self.kind,
            "d": self.visit_minutes,
        }


def check(venue: Venue) -> Venue:
    if not VENUE_ID.match(venue.venue_id):
        raise FormatError("a venue ID is 12 characters of base32", code="bad_venue")
    if not 1 <= len(venue.name) <= 100 or len(venue.address) > 100:
        raise FormatError("a venue needs a name (≤ 100 characters) and an address ≤ 100", code="bad_venue")
    if not COMMUNE.match(venue.commune_code):
        raise FormatError("the commune is a 5-digit GSO code", code="bad_venue")
    if venue.kind not in KINDS:
        raise FormatError(f"the venue kind is one of {', '.join(KINDS)}", code="bad_venue")
    if not 5 <= venue.visit_minutes <= 720:
        raise FormatError("a usual visit lasts 5 to 720 minutes", code="bad_venue")
    return venue


def make_payload(venue: Venue, key: ec.EllipticCurvePrivateKey, kid: str) -> str:
    token = jwt.encode(check(venue).claims(), key, algorithm="ES256", headers={"kid": kid})
    payload = PREFIX + token
    if len(payload) > MAX_PAYLOAD:
        raise FormatError("the venue's name and address make the code too long", code="bad_venue")
    return payload


def read_payload(payload: str, public_keys: Mapping[str, ec.EllipticCurvePublicKey]) -> Venue:
    """The venue a scanned code names, once its signature is verified; anything else is refused."""
    if len(payload) > MAX_PAYLOAD or not payload.startswith(PREFIX):
        raise FormatError("not a Bluezone venue code", code="not_a_venue")
    token = payload[len(PREFIX) :]
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise FormatError("the venue code is malformed", code="bad_venue_code") from None
    key = public_keys.get(str(header.get("kid")))
    if key is None:
        raise SignatureError("the venue code is signed with an unknown key", code="unknown_key")
    try:
        claims = jwt.decode(token, key, algorithms=["ES256"], options={"require": ["id", "n", "c", "t", "d"]})
    except jwt.InvalidSignatureError:
        raise SignatureError(
            "the venue code's signature does not match: forged or altered", code="bad_signature"
        ) from None
    except jwt.InvalidTokenError as error:
        raise FormatError(f"the venue code is malformed: {error}", code="bad_venue_code") from None
    try:
        venue = Venue(
            str(claims["id"]),
            str(claims["n"]),
            str(claims.get("a", "")),
            str(claims["c"]),
            str(claims["t"]),
            int(claims["d"]),
        )
    except (TypeError, ValueError):
        raise FormatError("the venue code's fields have the wrong types", code="bad_venue_code") from None
    return check(venue)


def location_id(payload: str) -> bytes:
    return hashlib.sha256(LOCATION_ID_PREFIX + payload.encode()).digest()
