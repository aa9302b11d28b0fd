"""A health department's page for the epidemic levels phones show: its province's and its communes'."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bluezone.authority import area_levels
from bluezone.authority.roles import Permission
from bluezone.campaign.imports import count
from bluezone.clock import local_date
from bluezone.geography.areas import structure_on
from bluezone.services import Services
from bluezone.web.dependencies import Svc
from bluezone.web.pages.access import InRealm, RealmStaff
from bluezone.web.pages.pickers import area_steps
from bluezone.web.pages.rendering import attempt, page, shown_time

router = APIRouter(prefix="/console", include_in_schema=False)
Setting = Annotated[InRealm, Depends(RealmStaff(Permission.SET_LEVELS))]
SettingForm = Annotated[InRealm, Depends(RealmStaff(Permission.SET_LEVELS, form=True))]


def _levels_page(
    request: Request, svc: Services, staff: InRealm, status: int = 200, **extra: Any
) -> Response:
    with svc.db.session() as session:
        shown = [(s, shown_time(s.set_at)) for s in area_levels.levels_of(session, staff.realm)]
    structure = structure_on(local_date(svc.now()))
    context = {
        "levels": shown,
        "structure": structure,
        "picker": area_steps(structure, "area_code", {}, within=staff.realm.province_code),
        **extra,
    }
    return page(request, "levels.html", staff.who, status=status, **context)


@router.get("/levels", response_class=HTMLResponse)
def levels(request: Request, svc: Svc, staff: Setting) -> Response:
    return _levels_page(request, svc, staff)


@router.post("/levels", response_class=HTMLResponse)
def set_level(
    request: Request,
    svc: Svc,
    staff: SettingForm,
    *,
    area_code: Annotated[str, Form(max_length=5)] = "",
    district: Annotated[str, Form(alias="area_code.district", max_length=5)] = "",
    province: Annotated[str, Form(alias="area_code.province", max_length=5)] = "",
    level: Annotated[int, Form(ge=1, le=4)] = 1,
    cases_7d: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """A commune's level, or the province's when no commune is chosen; republished at once."""
    chosen = area_code or (province if not district else "")

    def apply(session: Session) -> None:
        cases = count(cases_7d, "cases_7d") if cases_7d.strip() else None
        area_levels.set_level(
            session,
            svc.secrets,
            svc.exports,
            staff.realm,
            area_code=chosen,
            level=level,
            cases_7d=cases,
            actor=staff.who.actor,
            now=svc.now(),
        )

    _, error = attempt(request, svc, apply)
    if error:
        return _levels_page(request, svc, staff, 400, error=error)
    return _levels_page(request, svc, staff, saved=True)
