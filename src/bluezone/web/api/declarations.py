"""Health declarations over the API: residents' and travellers' (no account needed), receipts border officers
check, and the arrivals a province's officers follow up (admin key, every reading audited)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from bluezone.clock import local_date
from bluezone.declarations import store
from bluezone.declarations.forms import EntryDeclaration, VoluntaryDeclaration, parse
from bluezone.web.api.access import AdminKey
from bluezone.web.api.privacy import padded
from bluezone.web.api.schemas import ERRORS, Camel
from bluezone.web.dependencies import Svc

router = APIRouter(tags=["declarations"])
Form = Annotated[dict[str, Any], Body()]


@router.post("/api/health-declarations", status_code=202, responses=ERRORS)
def declare_health(form: Form, svc: Svc) -> JSONResponse:
    """A resident's voluntary declaration (may be repeated daily). The answer is the same whatever it held."""
    declaration = parse(VoluntaryDeclaration, form, today=local_date(svc.now()))
    with svc.db.session() as session:
        store.submit_voluntary(session, svc.secrets, svc.settings, declaration, svc.now())
    return padded({"status": "received"}, status=202)


@router.post("/api/entry-declarations", status_code=201, responses=ERRORS)
def declare_entry(form: Form, svc: Svc) -> JSONResponse:
    """A traveller's entry declaration; the answer carries the receipt to show at the border."""
    declaration = parse(EntryDeclaration, form, today=local_date(svc.now()))
    with svc.db.session() as session:
        receipt = store.submit_entry(session, svc.secrets, svc.settings, declaration, svc.now())
    return padded({"receipt": receipt}, status=201)


class ReceiptResponse(Camel):
    arrival_date: date
    gate: str
    province: str


@router.get("/api/entry-declarations/receipts/{receipt}", response_model=ReceiptResponse, responses=ERRORS)
def check_receipt(receipt: str, svc: Svc, _caller: AdminKey) -> ReceiptResponse:
    """A border officer checks a traveller's receipt: real or not, for which arrival; no identity."""
    with svc.db.session() as session:
        found = store.check_receipt(session, svc.secrets, receipt)
    return ReceiptResponse(arrival_date=found.arrival_date, gate=found.gate, province=found.province)


class ArrivalResponse(Camel):
    id: int
    received_at: int
    declaration: EntryDeclaration


@router.get("/api/entry-declarations/arrivals", response_model=list[ArrivalResponse], responses=ERRORS)
def arrivals(svc: Svc, first: date, last: date, caller: AdminKey) -> list[ArrivalResponse]:
    """Travellers staying in this realm's province, arriving between two dates; every reading audited."""
    with svc.db.session() as session:
        shown = store.arrivals(
            session,
            svc.secrets,
            caller.realm,
            caller.actor,
            first=first,
            last=last,
            now=svc.now(),
        )
    return [
        ArrivalResponse(id=a.declaration_id, received_at=a.received_at, declaration=a.form) for a in shown
    ]
