"""Schemathesis against the app's own OpenAPI description: no generated request may cause a server error,
whether it comes with the key the operation needs or with the same kind of key of another province."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok

from bluezone.authority import labs
from bluezone.authority.realms import create_api_key, create_realm
from bluezone.clock import ManualClock
from bluezone.config import load_settings
from bluezone.web.api import access
from bluezone.web.app import API, create_app
from tests.conftest import SERVER_START

KINDS = {access._admin: "admin", access._device: "device", access._stats: "stats", access._lab: "lab"}


def key_kinds() -> dict[tuple[str, str], str]:
    """(method, path) → the kind of API key each operation's dependencies ask for (none: public)."""
    kinds = {}
    for module in API:
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            wanted = [KINDS[d.call] for d in route.dependant.dependencies if d.call in KINDS]
            for method in route.methods or ():
                kinds[(method, route.path)] = wanted[0] if wanted else ""
    return kinds


@pytest.mark.parametrize("whose", ["own", "other province's"])
def test_no_generated_request_causes_a_server_error(tmp_path: Path, whose: str) -> None:
    app = create_app(load_settings(data_dir=tmp_path / "data"), ManualClock(SERVER_START.timestamp()))
    svc = app.state.services
    keys: dict[str, dict[str, str]] = {}
    with svc.db.session() as session:
        for realm, province in (("HN", "01"), ("HCM", "79")):
            made = create_realm(session, svc.secrets, realm, realm, svc.now(), province_code=province)
            lab = labs.create_lab(session, made, f"Lab of {realm}", svc.now())
            keys[realm] = {
                k: create_api_key(
                    session, svc.secrets, realm, k, svc.now(), lab_id=lab.id if k == "lab" else None
                )
                for k in KINDS.values()
            }
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the OpenAPI description must be valid"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    kinds = key_kinds()
    assert {op.path for op in operations} >= {"/api/issue", "/api/verify", "/api/certificate", "/v1/publish"}
    assert {kinds[("POST", "/api/issue")], kinds[("GET", "/api/stats")]} == {"admin", "stats"}
    holder = keys["HN" if whose == "own" else "HCM"]
    for operation in operations:
        kind = kinds[(operation.method.upper(), operation.path)]
        check_operation(operation, {"X-API-Key": holder[kind]} if kind else {})


def check_operation(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def no_server_error(case: Any) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code}"
        if response.status_code >= 400:
            assert set(response.json()) >= {"error", "code"}

    no_server_error()
