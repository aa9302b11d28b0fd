"""The production example in deploy/ names only settings, commands and entry points that exist."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from bluezone.config import Settings
from tests.cli.test_cli import run

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_every_setting_in_the_environment_file_is_one_the_server_reads() -> None:
    names = re.findall(r"^BZ_([A-Z0-9_]+)=", (DEPLOY / "bluezone.env.example").read_text(), re.MULTILINE)
    assert names and {n.lower() for n in names} <= set(Settings.model_fields)


def test_every_command_the_units_run_exists(capsys: pytest.CaptureFixture[str]) -> None:
    units = "".join(p.read_text() for p in (DEPLOY / "systemd").glob("*.service"))
    commands = re.findall(r"\.venv/bin/bluezone ([a-z-]+(?: [a-z-]+)?)", units)
    assert set(commands) == {"db upgrade", "export run"}
    for command in commands:
        code, _, err = run(capsys, *command.split(), "--help")
        assert code == 0, err
    module, factory = re.search(r"--factory ([\w.]+):(\w+)", units).groups()  # type: ignore[union-attr]
    assert callable(getattr(importlib.import_module(module), factory))


def test_the_proxy_keeps_metrics_private_and_caches_exports() -> None:
    conf = (DEPLOY / "nginx" / "bluezone.conf").read_text()
    assert "location = /metrics { return 404; }" in conf
    assert re.search(r"location /exports/ \{[^}]*proxy_cache exports;", conf)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf


def test_every_setting_is_in_the_operations_table() -> None:
    table = (DEPLOY.parent / "docs" / "operations.md").read_text()
    missing = [name for name in Settings.model_fields if f"| `BZ_{name.upper()}` |" not in table]
    assert missing == []
