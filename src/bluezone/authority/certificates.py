"""Verify tokens and verification certificates (JWTs), as the GAEN verification protocol defines them.

The token (24 h, single use) proves a code was claimed; the certificate (ES256, minutes) binds the keys the
phone will publish, through their HMAC (`tekmac`), to the test type and dates of that code. The key server
checks it against the realm's published keys; nothing in it identifies the person.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.types import Options
from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.codes import VerifiedCode
from bluezone.authority.realms import realm_by_code
from bluezone.config import Settings
from bluezone.errors import InvalidInput, Unauthorized
from bluezone.protocol.export import load_public_key
from bluezone.protocol.intervals import date_to_interval
from bluezone.store.models import ApiKey, Realm, SigningKey, VerificationCode
from bluezone.store.secrets import ServerSecrets

TOKEN_AUDIENCE = "bluezone-verification"
CERTIFICATE_AUDIENCE = "bluezone-keyserver"
TOKEN_HOURS = 24


def _options(*required: str) -> Options:
    """Lifetimes are checked against the injected clock, not by the JWT library's own reading of the time."""
    return {"require": list(required), "verify_exp": False, "verify_nbf": False, "verify_iat": False}


@dataclass(frozen=True)
class CertificateClaims:
    realm_code: str
    realm_id: int
    tekmac: str
    report_type: str  # confirmed | likely | negative | close-contact
    symptom_onset_interval: int | None
    test_date_interval: int | None


def make_token(secrets_: ServerSecrets, verified: VerifiedCode, now: int) -> str:
    claims = {
        "jti": str(verified.code_id),
        "realm": verified.realm_code,
        "aud": TOKEN_AUDIENCE,
        "iat": now,
        "exp": now + TOKEN_HOURS * 3600,
    }
    return jwt.encode(claims, secrets_.hmac_key, algorithm="HS256")


def imitation_token(realm_code: str, now: int) -> str:
    """What a chaff request gets instead of a token: a JWT of the same shape and size, signed with a key
    nobody keeps, so it is worth nothing."""
    claims = {
        "jti": str(1 + secrets.randbelow(10**6)),
        "realm": realm_code,
        "aud": TOKEN_AUDIENCE,
        "iat": now,
    }
    claims["exp"] = now + TOKEN_HOURS * 3600
    return jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256")


def imitation_certificate(session: Session, settings: Settings, realm_id: int, now: int) -> str:
    """What a chaff request gets instead of a certificate: the realm's claims and key id, a random `tekmac`,
    signed with a fresh key (as much work as a real signature, and worthless)."""
    signing = session.scalar(select(SigningKey).where(SigningKey.realm_id == realm_id, SigningKey.active))
    realm = session.get(Realm, realm_id)
    assert signing is not None and realm is not None, "every realm is created with a signing key"
    payload: dict[str, Any] = {
        "iss": realm.code,
        "aud": CERTIFICATE_AUDIENCE,
        "iat": now,
        "nbf": now - 60,
        "exp": now + settings.certificate_minutes * 60,
        "tekmac": base64.b64encode(secrets.token_bytes(32)).decode(),
        "reportType": "confirmed",
        "symptomOnsetInterval": date_to_interval(date.fromtimestamp(now)) - 3 * 144,
        "testDateInterval": date_to_interval(date.fromtimestamp(now)) - 3 * 144,
    }  # a confirmed case with a test date: the most common certificate
    throwaway = ec.generate_private_key(ec.SECP256R1())
    return jwt.encode(payload, throwaway, algorithm="ES256", headers={"kid": signing.kid})


def _interval(day: str | None) -> int | None:
    return None if day is None else date_to_interval(date.fromisoformat(day))


def issue_certificate(
    session: Session,
    secrets_: ServerSecrets,
    settings: Settings,
    api_key: ApiKey,
    *,
    token: str,
    ekeyhmac: str,
    now: int,
) -> str:
    """Trade a token and the keys' HMAC for a certificate. A token works once."""
    try:
        claims = jwt.decode(
            token,
            secrets_.hmac_key,
            algorithms=["HS256"],
            audience=TOKEN_AUDIENCE,
            options=_options("exp", "iat", "jti"),
        )
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is not valid", code="token_invalid") from None
    if not claims["iat"] <= now < claims["exp"]:
        raise Unauthorized("the token is not valid", code="token_invalid")
    try:
        mac = base64.b64decode(ekeyhmac, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("ekeyhmac must be base64", code="bad_hmac") from None
    if len(mac) != 32:
        raise InvalidInput("ekeyhmac must be a 32-byte HMAC-SHA256", code="bad_hmac")
    code = session.scalar(
        select(VerificationCode).where(VerificationCode.id == int(claims["jti"])).with_for_update()
    )
    if code is None or code.token_used_at is not None or code.realm_id != api_key.realm_id:
        raise Unauthorized("the token is not valid", code="token_invalid")
    code.token_used_at = now
    signing = session.scalar(
        select(SigningKey).where(SigningKey.realm_id == code.realm_id, SigningKey.active)
    )
    assert signing is not None, "every realm is created with a signing key"
    private = serialization.load_pem_private_key(
        secrets_.decrypt(signing.private_key, signing.kid.encode()), password=None
    )
    payload: dict[str, Any] = {
        "iss": claims["realm"],
        "aud": CERTIFICATE_AUDIENCE,
        "iat": now,
        "nbf": now - 60,
        "exp": now + settings.certificate_minutes * 60,
        "tekmac": ekeyhmac,
        "reportType": code.test_type,
    }
    onset = _interval(code.symptom_date) or _interval(code.test_date)
    if onset is not None:
        payload["symptomOnsetInterval"] = onset
    if code.test_date is not None:
        payload["testDateInterval"] = _interval(code.test_date)
    return jwt.encode(payload, private, algorithm="ES256", headers={"kid": signing.kid})  # type: ignore[arg-type]


# (realm code, kid) → (realm id, public key). A signing key never changes under its kid (rotation makes a
# new one), so parsing its PEM and reading the realm once per process is enough.
_verifying_keys: dict[tuple[str, str], tuple[int, ec.EllipticCurvePublicKey]] = {}


def _verifying_key(session: Session, realm_code: str, kid: str) -> tuple[int, ec.EllipticCurvePublicKey]:
    found = _verifying_keys.get((realm_code, kid))
    if found is None:
        realm = realm_by_code(session, realm_code)
        key = session.scalar(select(SigningKey).where(SigningKey.realm_id == realm.id, SigningKey.kid == kid))
        if key is None:
            raise Unauthorized(
                "the certificate was not signed by this health authority", code="certificate_invalid"
            )
        found = _verifying_keys[(realm_code, kid)] = (realm.id, load_public_key(key.public_pem.encode()))
    return found


def verify_certificate(session: Session, certificate: str, realm_code: str, now: int) -> CertificateClaims:
    """Check a certificate's signature (any key the realm ever used), audience, issuer and lifetime."""
    try:
        header = jwt.get_unverified_header(certificate)
    except jwt.InvalidTokenError:
        raise Unauthorized("the verification certificate is malformed", code="certificate_invalid") from None
    if header.get("alg") != "ES256":
        raise Unauthorized(
            "the certificate was not signed by this health authority", code="certificate_invalid"
        )
    realm_id, public_key = _verifying_key(session, realm_code, str(header.get("kid")))
    try:
        claims = jwt.decode(
            certificate,
            public_key,
            algorithms=["ES256"],
            audience=CERTIFICATE_AUDIENCE,
            issuer=realm_code,
            options=_options("exp", "iat", "tekmac", "reportType"),
        )
    except jwt.InvalidTokenError as error:
        raise Unauthorized(
            f"the verification certificate is not valid: {error}", code="certificate_invalid"
        ) from None
    if not claims.get("nbf", 0) <= now < claims["exp"]:
        raise Unauthorized("the verification certificate has expired", code="certificate_expired")
    return CertificateClaims(
        realm_code=realm_code,
        realm_id=realm_id,
        tekmac=str(claims["tekmac"]),
        report_type=str(claims["reportType"]),
        symptom_onset_interval=claims.get("symptomOnsetInterval"),
        test_date_interval=claims.get("testDateInterval"),
    )


def jwks(session: Session, realm_code: str) -> dict[str, list[dict[str, str]]]:
    """The realm's certificate keys as a JSON Web Key Set, so other key servers can verify them too."""
    realm = realm_by_code(session, realm_code)
    keys = []
    for row in session.scalars(
        select(SigningKey).where(SigningKey.realm_id == realm.id).order_by(SigningKey.id)
    ):
        numbers = load_public_key(row.public_pem.encode()).public_numbers()
        keys.append(
            {
                "kty": "EC",
                "crv": "P-256",
                "kid": row.kid,
                "alg": "ES256",
                "use": "sig",
                "x": _b64url(numbers.x.to_bytes(32, "big")),
                "y": _b64url(numbers.y.to_bytes(32, "big")),
            }
        )
    return {"keys": keys}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
