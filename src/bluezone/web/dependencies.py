"""What every route, API or page, is given by FastAPI: the app's services, and numbers bounded where they are
read (an id past what a row can have, or a count past any real one, is refused before it reaches SQL)."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Ge, Le
from fastapi import Depends, Request

from bluezone.campaign.imports import MAX_COUNT
from bluezone.services import Services
from bluezone.store.models import MAX_ROW_ID


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


Svc = Annotated[Services, Depends(services)]


def _client_address(request: Request) -> str:
    """The caller's address as uvicorn gives it: the proxy's X-Forwarded-For when the proxy is trusted
    (`BZ_TRUSTED_PROXIES`), else the connection's own. Used only for throttling, never logged or stored."""
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(_client_address)]
RowId = Annotated[int, Ge(1), Le(MAX_ROW_ID)]
Count = Annotated[int, Ge(0), Le(MAX_COUNT)]
