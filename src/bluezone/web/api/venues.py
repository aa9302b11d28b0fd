"""Venues: registration and posters (admin key), and stays a case worker marks risky by hand."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bluezone.clock import as_unix
from bluezone.errors import BluezoneError, InvalidInput
from bluezone.services import Services
from bluezone.store.models import Realm
from bluezone.venues import poster, qr, registry
from bluezone.web.api.access import AdminKey
from bluezone.web.api.schemas import (
    ERRORS,
    RiskyWindowRequest,
    VenueBatchRequest,
    VenueBatchResponse,
    VenueRequest,
    VenueResponse,
)
from bluezone.web.dependencies import Svc

router = APIRouter(tags=["venues"])


@router.post("/api/venues", response_model=VenueResponse, status_code=201, responses=ERRORS)
def register(body: VenueRequest, svc: Svc, caller: AdminKey) -> VenueResponse:
    with svc.db.session() as session:
        made = _register(session, svc, caller.realm, body)
    return _response(made)


@router.post("/api/venues/batch", response_model=VenueBatchResponse, status_code=201, responses=ERRORS)
def register_many(body: VenueBatchRequest, svc: Svc, caller: AdminKey) -> VenueBatchResponse:
    """Up to 200 venues at once (a province's list, in pieces): all registered, or none if any is wrong."""
    with svc.db.session() as session:
        made = []
        for number, venue in enumerate(body.venues, start=1):
            try:
                made.append(_register(session, svc, caller.realm, venue))
            except BluezoneError as error:
                raise InvalidInput(f"venue {number}: {error.message}", code=error.code) from error
    return VenueBatchResponse(venues=[_response(m) for m in made])


def _register(session: Session, svc: Services, realm: Realm, body: VenueRequest) -> registry.Registered:
    return registry.register_venue(
        session,
        svc.secrets,
        realm,
        name=body.name,
        address=body.address,
        commune_code=body.commune_code,
        kind=body.kind,
        visit_minutes=body.visit_minutes,
        now=svc.now(),
        unit_id=body.unit_id,
    )


def _response(made: registry.Registered) -> VenueResponse:
    base = f"/api/venues/{made.venue.venue_id}/poster"
    return VenueResponse(
        venue_id=made.venue.venue_id, payload=made.payload, poster_pdf=f"{base}.pdf", poster_png=f"{base}.png"
    )


@router.get(
    "/api/venues/{venue_id}/poster.{kind}",
    responses={**ERRORS, 200: {"content": {"application/pdf": {}, "image/png": {}}}},
)
def venue_poster(venue_id: str, kind: str, svc: Svc, lang: str = "vi") -> Response:
    """The printable poster (PDF) or the code alone (PNG). The code is on the venue's wall for all to see."""
    if kind not in ("pdf", "png") or lang not in poster.TITLE:
        raise InvalidInput("the poster is poster.pdf or poster.png, in vi or en", code="bad_poster")
    with svc.db.session() as session:
        stored = registry.venue_by_id(session, venue_id)
        payload = stored.payload
    venue = qr.read_payload(payload, {registry.VENUE_KEY_ID: svc.secrets.venue_key.public_key()})
    if kind == "png":
        return Response(poster.qr_png(payload), media_type="image/png")
    return Response(poster.poster_pdf(venue, payload, lang), media_type="application/pdf")


@router.post("/api/venues/{venue_id}/risk", status_code=201, responses=ERRORS)
def mark(venue_id: str, body: RiskyWindowRequest, svc: Svc, caller: AdminKey) -> Response:
    """A case worker marks a stretch of time at a venue as risky (e.g. from an interview)."""
    with svc.db.session() as session:
        registry.mark_risky(
            session,
            caller.realm,
            venue_id,
            start=as_unix(body.start),
            end=as_unix(body.end),
            now=svc.now(),
        )
    return Response(status_code=201)
