"""`bluezone admin` and `bluezone export run`: set up a server from the command line."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jwt
import pytest

from bluezone.authority import accounts, certificates, users
from bluezone.config import load_settings
from bluezone.services import open_services
from bluezone.web.serving import free_port
from tests.cli.test_cli import run
from tests.conftest import certificate_for


def _hanoi(capsys: pytest.CaptureFixture[str], data: str, province: str) -> tuple[int, str, str]:
    """Hà Nội's health department set up, its province given as an operator would."""
    return run(
        capsys,
        "admin",
        "create-realm",
        "HN",
        "--name",
        "Sở Y tế Hà Nội",
        "--province",
        province,
        "--data-dir",
        data,
    )


def test_setting_up_a_realm_and_rotating_its_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    code, _, err = run(capsys, "admin", "create-realm", "HN", "--name", "Sở Y tế Hà Nội", "--data-dir", data)
    assert code == 2 and "--province" in err and "--national" in err  # a realm says whom it serves
    code, out, _ = _hanoi(capsys, data, "ha noi")
    assert code == 0 and "serving Thành phố Hà Nội" in out
    code, out, _ = run(
        capsys, "admin", "create-api-key", "--realm", "HN", "--kind", "device", "--data-dir", data
    )
    device_key = out.strip()
    assert code == 0 and device_key.startswith("bz_") and "\n" not in device_key  # the key alone on stdout
    monkeypatch.setattr(sys, "stdin", io.StringIO("mat-khau-du-dai-123\n"))
    assert (
        run(
            capsys,
            "admin",
            "create-user",
            "cw.hoa",
            "--role",
            "case_worker",
            "--realm",
            "HN",
            "--data-dir",
            data,
        )[0]
        == 0
    )
    assert (
        run(capsys, "admin", "create-realm", "HN", "--name", "again", "--national", "--data-dir", data)[0]
        == 2
    )
    assert (
        run(capsys, "admin", "create-api-key", "--realm", "HN", "--kind", "root", "--data-dir", data)[0] == 2
    )

    svc = open_services(load_settings(data_dir=Path(data)))

    def certificate() -> str:
        today = time.strftime("%Y-%m-%d", time.gmtime(svc.now()))
        return certificate_for(svc, device_key, "A" * 43 + "=", test_date=today)

    before = certificate()
    assert run(capsys, "admin", "rotate-signing-key", "--realm", "HN", "--data-dir", data)[0] == 0
    after = certificate()
    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    with svc.db.session() as session:  # what the old key signed still verifies
        for signed in (before, after):
            certificates.verify_certificate(session, signed, "HN", svc.now())
    assert run(capsys, "export", "run", "--data-dir", data, "--now", "not-a-time")[0] == 2
    code, out, _ = run(capsys, "export", "run", "--data-dir", data, "--now", "2026-11-20T10:00:00Z")
    assert code == 0 and "batches" in out


def test_a_realm_created_without_a_province_is_given_one_later(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run(
        capsys, "admin", "create-realm", "KH", "--name", "Sở Y tế", "--national", "--data-dir", data
    )
    assert code == 0 and "acting nationally" in out
    code, _, err = run(capsys, "admin", "serve-province", "KH", "Quang", "--data-dir", data)
    assert code == 2 and "no single province" in err
    code, out, _ = run(capsys, "admin", "serve-province", "KH", "Khánh Hòa", "--data-dir", data)
    assert code == 0 and "serving Tỉnh Khánh Hòa" in out
    code, _, err = run(capsys, "admin", "serve-province", "KH", "01", "--data-dir", data)
    assert code == 2 and "serves province 56 already" in err


def test_the_operator_disables_enables_and_resets_accounts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = str(tmp_path / "data")
    _hanoi(capsys, data, "01")
    monkeypatch.setattr(sys, "stdin", io.StringIO("mat-khau-du-dai-123\n"))
    run(
        capsys,
        "admin",
        "create-user",
        "an.admin",
        "--role",
        "realm_admin",
        "--realm",
        "HN",
        "--data-dir",
        data,
    )
    svc = open_services(load_settings(data_dir=Path(data)))

    def signs_in(password: str) -> bool:
        with svc.db.session() as session:
            return (
                users.sign_in(session, svc.secrets, "an.admin", password, svc.now(), client="cli-test")
                is not None
            )

    assert run(capsys, "admin", "disable-user", "an.admin", "--data-dir", data)[0] == 0
    assert not signs_in("mat-khau-du-dai-123")
    assert run(capsys, "admin", "enable-user", "an.admin", "--data-dir", data)[0] == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("mot-mat-khau-moi-456\n"))
    assert run(capsys, "admin", "reset-password", "an.admin", "--data-dir", data)[0] == 0
    assert signs_in("mot-mat-khau-moi-456")
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    code, _, err = run(capsys, "admin", "reset-password", "an.admin", "--data-dir", data)
    assert code == 2 and "weak_password" in err
    assert run(capsys, "admin", "disable-user", "nobody", "--data-dir", data)[0] != 0
    with svc.db.session() as session:
        logged = [e.action for e in accounts.history(session, ["an.admin"])]
    assert logged == ["password_reset", "enabled", "disabled", "created"]


def test_serve_says_where_the_console_is_once_it_listens(tmp_path: Path) -> None:
    port = free_port()
    command = [str(Path(sys.executable).with_name("bluezone")), "serve", "--data-dir", str(tmp_path / "d")]
    server = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        with ThreadPoolExecutor(1) as reader:
            line = reader.submit(server.stdout.readline).result(timeout=60)
        assert f"http://127.0.0.1:{port}/console" in line
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200  # already listening
    finally:
        server.terminate()
        server.wait(timeout=30)
