"""Who is calling the API: FastAPI dependencies for "an API key of kind K" (and its realm) and for the
caller's address. A phone's fake (chaff) request is checked the same way as a real one, so that its answer,
refusals included, cannot tell it apart (web/api/privacy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header

from bluezone.authority.realms import authenticate, realm_of
from bluezone.authority.roles import KeyKind
from bluezone.campaign import access as campaign_access
from bluezone.store.models import ApiKey, Realm
from bluezone.web.dependencies import Svc

ApiKeyHeader = Annotated[str | None, Header(alias="X-API-Key")]


@dataclass(frozen=True)
class Caller:
    key: ApiKey
    realm: Realm

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        return f"key:{self.key.label}"

    @property
    def campaign_scope(self) -> campaign_access.Scope:
        return campaign_access.of_realm(self.realm)


def _caller(svc: Svc, api_key: str | None, kind: KeyKind) -> Caller:
    with svc.db.session() as session:
        key = authenticate(session, svc.secrets, api_key, kind)
        return Caller(key, realm_of(session, key))


def _admin(svc: Svc, x_api_key: ApiKeyHeader = None) -> Caller:
    return _caller(svc, x_api_key, KeyKind.ADMIN)


def _device(svc: Svc, x_api_key: ApiKeyHeader = None) -> Caller:
    return _caller(svc, x_api_key, KeyKind.DEVICE)


def _stats(svc: Svc, x_api_key: ApiKeyHeader = None) -> Caller:
    return _caller(svc, x_api_key, KeyKind.STATS)


def _lab(svc: Svc, x_api_key: ApiKeyHeader = None) -> Caller:
    return _caller(svc, x_api_key, KeyKind.LAB)


AdminKey = Annotated[Caller, Depends(_admin)]  # a health department's systems: codes, queue, campaign
DeviceKey = Annotated[Caller, Depends(_device)]  # the app
StatsKey = Annotated[Caller, Depends(_stats)]  # dashboards
LabKey = Annotated[Caller, Depends(_lab)]  # a lab's systems: test results
