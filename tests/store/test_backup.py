"""Backups: the database and the secrets together; a restore into a new server still verifies the old
server's certificates, accepts its API keys and reads its declarations. A restore never mixes two servers."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from bluezone.authority.certificates import verify_certificate
from bluezone.authority.realms import authenticate
from bluezone.authority.roles import KeyKind
from bluezone.config import load_settings
from bluezone.declarations.forms import EntryDeclaration
from bluezone.declarations.store import check_receipt, submit_entry
from bluezone.errors import InvalidInput
from bluezone.services import Services, open_services
from bluezone.store import backup as backups
from bluezone.store.db import Database
from bluezone.store.models import Realm
from tests.cli.test_cli import run
from tests.conftest import Authority, certificate_for
from tests.declarations.test_declarations_api import traveller


def _fresh(tmp_path: Path, name: str) -> tuple[Path, Database]:
    data = tmp_path / name
    data.mkdir()
    return data, Database(f"sqlite:///{data / 'bluezone.db'}")


def test_a_restored_server_reads_and_checks_what_the_old_one_wrote(
    authority: Authority, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = authority.services
    certificate = certificate_for(
        svc, authority.keys["device"], base64.b64encode(bytes(32)).decode(), test_date="2026-03-04"
    )
    with svc.db.session() as session:
        receipt = submit_entry(
            session, svc.secrets, svc.settings, EntryDeclaration.model_validate(traveller()), svc.now()
        )
    archive = tmp_path / "backups" / "bluezone.tar.gz"
    report = backups.backup(svc.db, svc.settings.secrets_dir, archive)
    assert report.rows["realms"] == 2 and report.rows["health_declarations"] == 1
    assert archive.stat().st_mode & 0o077 == 0  # it holds the secrets: the operator's alone

    # The command restores it into a new data directory (SQLite here, whatever the source's database).
    code, printed, err = run(capsys, "db", "restore", str(archive), "--data-dir", str(tmp_path / "new"))
    assert code == 0, err
    assert printed.startswith(f"Restored {report.total:,} rows and the secrets")
    restored: Services = open_services(load_settings(data_dir=tmp_path / "new"), authority.clock)
    with restored.db.session() as session:
        claims = verify_certificate(session, certificate, "HN", restored.now())
        assert claims.report_type is not None
        assert authenticate(session, restored.secrets, authority.keys["admin"], KeyKind.ADMIN).realm_id
        checked = check_receipt(session, restored.secrets, receipt)
        assert checked.province == "Sở Y tế Hà Nội"
        assert session.scalar(select(Realm.code).where(Realm.code == "HCM")) == "HCM"
    restored.db.dispose()


def test_a_restore_never_mixes_two_servers(authority: Authority, tmp_path: Path) -> None:
    svc = authority.services
    archive = tmp_path / "bluezone.tar.gz"
    backups.backup(svc.db, svc.settings.secrets_dir, archive)
    # Into a server that has secrets of its own, or records: refused, nothing changed.
    with pytest.raises(InvalidInput, match="already holds secrets"):
        backups.restore(archive, svc.db, svc.settings.secrets_dir)
    data, db = _fresh(tmp_path, "records")
    db.migrate()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO realms (code, name, created_at) VALUES ('X', 'X', 0)")
    with pytest.raises(InvalidInput, match="already holds realms"):
        backups.restore(archive, db, data / "secrets")
    db.dispose()


def test_a_backup_where_it_cannot_be_written_says_so(authority: Authority, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    with pytest.raises(InvalidInput, match="cannot write a backup"):
        backups.backup(authority.services.db, authority.services.settings.secrets_dir, blocked / "b.tar.gz")


def test_a_damaged_or_foreign_archive_is_refused(authority: Authority, tmp_path: Path) -> None:
    data, db = _fresh(tmp_path, "target")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(InvalidInput, match="not a Bluezone backup"):
        backups.restore(junk, db, data / "secrets")
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        manifest = json.dumps({"format": "something-else/9"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    with pytest.raises(InvalidInput, match="format 'something-else/9'"):
        backups.restore(other, db, data / "secrets")
    assert not (data / "secrets").exists()
    db.dispose()
