"""Realms (one per province health department), their API keys and their certificate signing keys."""

from __future__ import annotations

import re
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import select
from sqlalchemy.orm import Session

from bluezone.authority.roles import KeyKind
from bluezone.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from bluezone.geography.areas import Area, Level, Structure, find_area, level_of, lies_in, registry
from bluezone.store.models import ApiKey, Lab, Realm, SigningKey
from bluezone.store.secrets import ServerSecrets

REALM_CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
API_KEY_PREFIX = "bz_"


def create_realm(
    session: Session,
    secrets_: ServerSecrets,
    code: str,
    name: str,
    now: int,
    *,
    province_code: str | None = None,
) -> Realm:
    if not REALM_CODE.match(code):
        raise InvalidInput("a realm code is 1-32 letters, digits, '-' or '_'", code="bad_realm_code")
    if not name.strip() or len(name) > 200:
        raise InvalidInput("a realm needs a name of at most 200 characters", code="bad_realm_name")
    if session.scalar(select(Realm).where(Realm.code == code)) is not None:
        raise Conflict(f"realm {code} exists already", code="realm_exists")
    if province_code is not None:
        _check_unserved(session, province_code)
    realm = Realm(code=code, name=name.strip(), created_at=now, province_code=province_code)
    session.add(realm)
    session.flush()
    rotate_signing_key(session, secrets_, realm, now)
    return realm


def _check_unserved(session: Session, province_code: str) -> None:
    if level_of(province_code) is not Level.PROVINCE:
        raise InvalidInput("a realm's province is a 2-digit GSO code", code="bad_province")
    find_area(province_code)
    if session.scalar(select(Realm).where(Realm.province_code == province_code)) is not None:
        raise Conflict(f"province {province_code} has a realm already", code="province_taken")


def serve_province(session: Session, realm: Realm, province_code: str) -> None:
    """Give a realm set up without a province the one it serves (from then on it acts for that province
    alone, no longer nationally)."""
    if realm.province_code is not None:
        raise Conflict(
            f"realm {realm.code} serves province {realm.province_code} already", code="has_province"
        )
    _check_unserved(session, province_code)
    realm.province_code = province_code


def unserved_provinces(session: Session, structure: Structure) -> list[Area]:
    """The provinces no realm serves: their residents' declarations cannot be taken (the console says so)."""
    served = set(session.scalars(select(Realm.province_code).where(Realm.province_code.is_not(None))))
    return [a for a in registry(structure).at_level(Level.PROVINCE) if a.code not in served]


def check_in_province(realm: Realm, *area_codes: str) -> None:
    """A health department places facilities and venues in its own province (the ministry's: anywhere);
    an unknown area is refused as such."""
    for code in filter(None, area_codes):
        if realm.province_code is None:
            find_area(code)
        elif not lies_in(code, realm.province_code):
            raise Forbidden(f"area {code} lies outside the department's province", code="outside_province")


def realm_of_province(session: Session, province_code: str) -> Realm:
    """The health department that serves a province (declarations go there)."""
    realm = session.scalar(select(Realm).where(Realm.province_code == province_code))
    if realm is None:
        raise NotFound(f"no health department is registered for province {province_code}", code="no_realm")
    return realm


def all_realms(session: Session) -> list[Realm]:
    """Every realm by name: the ministry's and the provinces' departments."""
    return list(session.scalars(select(Realm).order_by(Realm.name)))


def realm_by_code(session: Session, code: str) -> Realm:
    realm = session.scalar(select(Realm).where(Realm.code == code))
    if realm is None:
        raise NotFound(f"no realm {code}", code="unknown_realm")
    return realm


def realm_of(session: Session, api_key: ApiKey) -> Realm:
    realm = session.get(Realm, api_key.realm_id)
    assert realm is not None, "API keys reference their realm"
    return realm


def rotate_signing_key(session: Session, secrets_: ServerSecrets, realm: Realm, now: int) -> SigningKey:
    """A new ES256 key signs certificates from now on; older ones stay published to check what they signed."""
    for old in session.scalars(select(SigningKey).where(SigningKey.realm_id == realm.id, SigningKey.active)):
        old.active = False
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    kid = f"{realm.code}-{now}-{secrets.token_hex(4)}"
    key = SigningKey(
        realm_id=realm.id,
        kid=kid,
        private_key=secrets_.encrypt(pem, kid.encode()),
        public_pem=private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode(),
        created_at=now,
        active=True,
    )
    session.add(key)
    session.flush()
    return key


def create_api_key(
    session: Session,
    secrets_: ServerSecrets,
    realm_code: str,
    kind: str,
    now: int,
    *,
    lab_id: int | None = None,
) -> str:
    """Make an API key and return it; only its keyed hash is stored, so it is shown this once. A lab key is
    made for one of the realm's labs, and only a lab key is."""
    try:
        key_kind = KeyKind(kind)
    except ValueError:
        raise InvalidInput(f"API key kind must be one of {', '.join(KeyKind)}", code="bad_key_kind") from None
    realm = realm_by_code(session, realm_code)
    if (key_kind is KeyKind.LAB) != (lab_id is not None):
        raise InvalidInput("a lab key is made for a lab, and only a lab key is", code="lab_key_needs_lab")
    if lab_id is not None:
        lab = session.get(Lab, lab_id)
        if lab is None or lab.realm_id != realm.id:
            raise NotFound("no such lab in this health department", code="unknown_lab")
    plaintext = API_KEY_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiKey(
            realm_id=realm.id,
            kind=key_kind.value,
            key_hash=secrets_.keyed_hash("api-key", plaintext),
            label=plaintext[:10],
            created_at=now,
            lab_id=lab_id,
        )
    )
    return plaintext


def authenticate(session: Session, secrets_: ServerSecrets, api_key: str | None, kind: KeyKind) -> ApiKey:
    """The API key row for a request's `X-API-Key`, which must be of the given kind and not revoked."""
    if not api_key:
        raise Unauthorized("missing X-API-Key header")
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == secrets_.keyed_hash("api-key", api_key)))
    if row is None or row.revoked_at is not None:
        raise Unauthorized("unknown or revoked API key")
    if row.kind != kind.value:
        raise Forbidden(f"this endpoint needs a {kind.value} API key")
    return row


def api_keys(session: Session, realm: Realm) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.realm_id == realm.id).order_by(ApiKey.id)))


def revoke_api_key(session: Session, realm: Realm, key_id: int, now: int) -> None:
    key = session.get(ApiKey, key_id)
    if key is None or key.realm_id != realm.id:
        raise NotFound("no such API key in this realm", code="unknown_key")
    if key.revoked_at is None:
        key.revoked_at = now
