"""Schemathesis against the app's own OpenAPI description: no generated request may cause a server error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from bluezone.authority.realms import create_api_key, create_realm
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.web.app import create_app
from tests.conftest import SERVER_START


def test_no_generated_request_causes_a_server_error(tmp_path: Path) -> None:
    app = create_app(load_settings(data_dir=tmp_path / "data"), ManualClock(SERVER_START.timestamp()))
    svc = app.state.services
    with svc.db.session() as session:
        create_realm(session, svc.secrets, "HN", "Sở Y tế Hà Nội", svc.now())
        admin = create_api_key(session, svc.secrets, "HN", "admin", svc.now())
        device = create_api_key(session, svc.secrets, "HN", "device", svc.now())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the OpenAPI description must be valid"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert {op.path for op in operations} >= {"/api/issue", "/api/verify", "/api/certificate", "/v1/publish"}

    for operation in operations:
        check_operation(operation, admin if operation.path == "/api/issue" else device)


def check_operation(operation: Any, key: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def no_server_error(case: Any) -> None:
        response = case.call(headers={"X-API-Key": key})
        assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code}"
        if response.status_code >= 400:
            assert set(response.json()) >= {"error", "code"}

    no_server_error()
