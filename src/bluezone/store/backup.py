"""Backups: the database and the secrets in one archive (the secret files, or the database's sealed secrets,
which then need the same master key), since declarations, realm keys and code hashes
cannot be read or checked without the keys that sealed them; and the restore into a new, empty server.

The archive (a gzip'd tar, readable by the operator only) holds `manifest.json` (format, schema revision,
rows per table), one JSON-lines file per table read in one consistent transaction, and the secret files. It
is the same on SQLite and PostgreSQL, so a backup of one restores into the other.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bluezone.errors import InvalidInput
from bluezone.store.db import Database, newest_revision
from bluezone.store.models import Base, ServerSecret
from bluezone.store.secrets import SIGNING_KEYS

FORMAT = "bluezone-backup/1"
SECRET_FILES = ("hmac.key", "wrap.key", *SIGNING_KEYS)
BATCH_ROWS = 5_000


@dataclass(frozen=True)
class BackupReport:
    revision: str
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _encoded(value: Any) -> Any:
    return {"b64": base64.b64encode(value).decode()} if isinstance(value, bytes | memoryview) else value


def _decoded(value: Any) -> Any:
    return base64.b64decode(value["b64"]) if isinstance(value, dict) else value


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(db: Database, secrets_dir: Path, out: Path) -> BackupReport:
    """Write the archive to `out` (whole, or not at all: a temporary file renamed over it)."""
    files = [name for name in SECRET_FILES if (secrets_dir / name).is_file()]
    with db.session() as session:
        in_database = session.scalar(select(func.count()).select_from(ServerSecret))
    if len(files) < len(SECRET_FILES) and not in_database:
        raise InvalidInput(f"no secrets to back up in {secrets_dir} or the database", code="no_secrets")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=out.parent)
    except OSError as error:
        raise InvalidInput(f"cannot write a backup in {out.parent}: {error}", code="unwritable") from None
    rows: dict[str, int] = {}
    try:
        with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            # Every table as of one moment: one transaction (SQLite's is a snapshot already).
            level = {} if db.is_sqlite else {"isolation_level": "REPEATABLE READ"}
            with db.engine.connect().execution_options(**level) as connection, connection.begin():
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                for table in Base.metadata.sorted_tables:
                    lines = [
                        json.dumps({k: _encoded(v) for k, v in row._mapping.items()}, ensure_ascii=False)
                        for row in connection.execute(select(table))
                    ]
                    rows[table.name] = len(lines)
                    _add(
                        archive, f"tables/{table.name}.jsonl", "".join(f"{line}\n" for line in lines).encode()
                    )
            for name in files:  # none when the database keeps them, sealed under the master key
                _add(archive, f"secrets/{name}", (secrets_dir / name).read_bytes())
            manifest = {"format": FORMAT, "revision": revision, "rows": rows, "created_at": int(time.time())}
            _add(archive, "manifest.json", json.dumps(manifest, indent=1).encode())
        os.chmod(temporary, 0o600)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return BackupReport(revision, rows)


def _read(archive: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            files = {name: tar.extractfile(m).read() for name, m in members.items()}  # type: ignore[union-attr]
    except (OSError, tarfile.TarError) as error:
        raise InvalidInput(f"{archive} is not a Bluezone backup: {error}", code="bad_backup") from None
    try:
        manifest = json.loads(files["manifest.json"])
    except (KeyError, ValueError):
        raise InvalidInput(f"{archive} has no readable manifest.json", code="bad_backup") from None
    if manifest.get("format") != FORMAT:
        raise InvalidInput(
            f"{archive} is a backup of format {manifest.get('format')!r}, not {FORMAT}", code="bad_backup"
        )
    return manifest, files


def restore(archive: Path, db: Database, secrets_dir: Path) -> BackupReport:
    """Restore into an empty database and a data directory without secrets; refuse anything else, so that
    no restore ever mixes two servers' records or keys."""
    manifest, files = _read(archive)
    if manifest["revision"] != newest_revision():
        raise InvalidInput(
            f"the backup is of schema revision {manifest['revision']}, this build's is {newest_revision()}: "
            "restore it with the release that made it, then upgrade",
            code="bad_backup",
        )
    present = [name for name in SECRET_FILES if (secrets_dir / name).exists()]
    if present:
        raise InvalidInput(
            f"{secrets_dir} already holds secrets ({present[0]}): restore into a new one", code="not_empty"
        )
    db.migrate()
    with db.engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if connection.execute(select(func.count()).select_from(table)).scalar_one():
                raise InvalidInput(
                    f"the database already holds {table.name}: restore into an empty one", code="not_empty"
                )
        for table in Base.metadata.sorted_tables:
            lines = files.get(f"tables/{table.name}.jsonl", b"").decode().splitlines()
            records = [{k: _decoded(v) for k, v in json.loads(line).items()} for line in lines]
            if len(records) != manifest["rows"].get(table.name, 0):
                raise InvalidInput(f"the backup's {table.name} is incomplete", code="bad_backup")
            for start in range(0, len(records), BATCH_ROWS):
                connection.execute(insert(table), records[start : start + BATCH_ROWS])
            if not db.is_sqlite and records and "id" in table.c:  # new rows continue after the restored ones
                sequence = f"pg_get_serial_sequence('{table.name}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table.name}))"))
    kept = [name for name in SECRET_FILES if f"secrets/{name}" in files]
    if kept:
        secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name in kept:
        path = secrets_dir / name
        path.write_bytes(files[f"secrets/{name}"])
        path.chmod(0o600)
    return BackupReport(manifest["revision"], dict(manifest["rows"]))
