"""The configuration phones follow, changed by two people: one proposes a version, another approves it, and
only then is it signed with the configuration key and published where phones fetch it. Every version, with
who proposed and who decided, stays as the audit trail; nobody approves their own proposal."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bluezone.errors import Conflict, Forbidden, NotFound
from bluezone.keyserver.storage import ExportStore
from bluezone.protocol.app_config import CONFIG_FILE, AppConfig, canonical, sign_config
from bluezone.store.models import AppConfigVersion
from bluezone.store.secrets import ServerSecrets

MAX_NOTE = 500


@dataclass(frozen=True)
class Version:
    id: int
    config: AppConfig
    status: str
    proposed_by: str
    proposed_at: int
    decided_by: str | None
    decided_at: int | None
    note: str | None


def _version(row: AppConfigVersion) -> Version:
    config = AppConfig.from_json(json.loads(row.body))
    return Version(
        row.id, config, row.status, row.proposed_by, row.proposed_at, row.decided_by, row.decided_at, row.note
    )


def history(session: Session) -> list[Version]:
    """Every version, newest first."""
    return [
        _version(r)
        for r in session.scalars(select(AppConfigVersion).order_by(AppConfigVersion.version.desc()))
    ]


def current(session: Session) -> AppConfig:
    """The published configuration; the app's built-in one (version 1) before any was published."""
    row = session.scalar(
        select(AppConfigVersion)
        .where(AppConfigVersion.status == "published")
        .order_by(AppConfigVersion.version.desc())
    )
    return AppConfig(version=1) if row is None else _version(row).config


def propose(session: Session, changes: dict[str, object], *, actor: str, note: str, now: int) -> Version:
    """A new version from the current one and the changes; checked whole, waiting for a second person."""
    latest = session.scalar(select(func.max(AppConfigVersion.version))) or 1
    base = current(session).as_json()
    config = AppConfig.from_json({**base, **changes, "version": latest + 1})
    row = AppConfigVersion(
        version=config.version,
        body=canonical(config).decode(),
        status="proposed",
        proposed_by=actor[:64],
        proposed_at=now,
        note=" ".join(note.split())[:MAX_NOTE] or None,
    )
    session.add(row)
    session.flush()
    return _version(row)


def _pending(session: Session, version_id: int) -> AppConfigVersion:
    row = session.get(AppConfigVersion, version_id, with_for_update=True)
    if row is None:
        raise NotFound("no such configuration version", code="unknown_config")
    if row.status != "proposed":
        raise Conflict(f"this version is {row.status} already", code="config_decided")
    return row


def approve(
    session: Session, secrets_: ServerSecrets, store: ExportStore, version_id: int, *, actor: str, now: int
) -> Version:
    """A second person's approval: the version is signed and published, and replaces the one before."""
    row = _pending(session, version_id)
    if row.proposed_by == actor[:64]:
        raise Forbidden("a second person must approve a configuration", code="own_proposal")
    newest = session.scalar(
        select(func.max(AppConfigVersion.version)).where(AppConfigVersion.status == "published")
    )
    if newest is not None and newest > row.version:
        raise Conflict("a newer configuration is published; propose again from it", code="config_stale")
    for published in session.scalars(select(AppConfigVersion).where(AppConfigVersion.status == "published")):
        published.status = "replaced"
    row.status, row.decided_by, row.decided_at = "published", actor[:64], now
    store.put(CONFIG_FILE, sign_config(_version(row).config, secrets_.config_key))
    return _version(row)


def reject(session: Session, version_id: int, *, actor: str, now: int) -> Version:
    row = _pending(session, version_id)
    row.status, row.decided_by, row.decided_at = "rejected", actor[:64], now
    return _version(row)
