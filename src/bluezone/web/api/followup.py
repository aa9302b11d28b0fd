"""F1 follow-up, health facilities and statistics: the province health department's side of the API."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from bluezone.authority import facilities, followup, stats
from bluezone.authority.realms import realm_by_code
from bluezone.authority.texting import code_text
from bluezone.web.api.access import AdminKey, DeviceKey, StatsKey
from bluezone.web.api.privacy import padded
from bluezone.web.api.schemas import (
    ERRORS,
    CodeForDeclaration,
    DayFiguresResponse,
    DeclarationRequest,
    FacilityRequest,
    FacilityResponse,
    IssueResponse,
    QueuedDeclaration,
    StatsResponse,
)
from bluezone.web.dependencies import RowId, Svc

router = APIRouter(tags=["follow-up"])


@router.post("/api/declarations", status_code=202, responses=ERRORS)
def declare(body: DeclarationRequest, svc: Svc, _caller: DeviceKey) -> JSONResponse:
    """An alerted user sends their contact details to their province's follow-up queue (voluntary)."""
    details = followup.ContactDetails(
        body.phone, body.name, body.address, body.commune_code, body.alert_date, body.level
    )
    with svc.db.session() as session:
        followup.declare(
            session, svc.secrets, svc.settings, realm_code=body.realm, details=details, now=svc.now()
        )
    return padded({"status": "received"}, status=202)


@router.get("/api/declarations", response_model=list[QueuedDeclaration], responses=ERRORS)
def queue(svc: Svc, caller: AdminKey, status: str | None = "new") -> list[QueuedDeclaration]:
    """The province's queue; every declaration shown is written to the audit log."""
    with svc.db.session() as session:
        shown = followup.queue(
            session,
            svc.secrets,
            caller.realm,
            caller.actor,
            now=svc.now(),
            status=None if status == "all" else status,
        )
    return [
        QueuedDeclaration(id=d.id, received_at=d.received_at, status=d.status, **asdict(d.details))
        for d in shown
    ]


@router.post(
    "/api/declarations/{declaration_id}/close-contact-code",
    response_model=CodeForDeclaration,
    responses=ERRORS,
)
def close_contact_code(declaration_id: RowId, svc: Svc, caller: AdminKey) -> CodeForDeclaration:
    """A `close-contact` code for the person, with the text to send them."""
    with svc.db.session() as session:
        issued = followup.issue_close_contact_code(
            session,
            svc.secrets,
            svc.settings,
            caller.realm,
            caller.actor,
            declaration_id=declaration_id,
            now=svc.now(),
        )
    return CodeForDeclaration(**IssueResponse.of(issued).model_dump(), smsText=code_text(issued))


@router.get("/api/facilities/{realm}", response_model=list[FacilityResponse], responses=ERRORS)
def list_facilities(realm: str, svc: Svc) -> list[FacilityResponse]:
    """The province's health facilities, for phones to show beside an alert."""
    with svc.db.session() as session:
        found = facilities.facilities(session, realm_by_code(session, realm))
    return [FacilityResponse.model_validate(f) for f in found]


@router.post("/api/facilities", status_code=201, response_model=FacilityResponse, responses=ERRORS)
def add_facility(body: FacilityRequest, svc: Svc, caller: AdminKey) -> FacilityResponse:
    with svc.db.session() as session:
        f = facilities.add_facility(
            session,
            caller.realm,
            name=body.name,
            address=body.address,
            phone=body.phone,
            district_code=body.district_code,
            commune_code=body.commune_code,
            now=svc.now(),
        )
        return FacilityResponse.model_validate(f)


@router.delete("/api/facilities/{facility_id}", status_code=204, responses=ERRORS)
def remove_facility(facility_id: RowId, svc: Svc, caller: AdminKey) -> Response:
    with svc.db.session() as session:
        facilities.remove_facility(session, caller.realm, facility_id)
    return Response(status_code=204)


@router.get("/api/stats", response_model=StatsResponse, responses=ERRORS)
def daily_stats(svc: Svc, caller: StatsKey) -> StatsResponse:
    """The last 14 days of the realm's figures and histograms; small days are withheld."""
    with svc.db.session() as session:
        figures = stats.realm_figures(session, svc.settings, caller.realm, svc.now())
    return StatsResponse(
        realm=caller.realm.code,
        days=[DayFiguresResponse.model_validate(day) for day in figures.days],
        key_age_days=figures.key_age_days,
        onset_to_upload_days=figures.onset_to_upload_days,
    )
