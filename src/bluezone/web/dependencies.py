"""What every route, API or page, is given by FastAPI: the app's services."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bluezone.services import Services


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


Svc = Annotated[Services, Depends(services)]
