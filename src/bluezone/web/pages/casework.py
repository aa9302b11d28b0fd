"""Case workers' pages: issue a code, the F1 follow-up queue, travellers arriving in the province."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from bluezone import texts
from bluezone.authority import codes, followup
from bluezone.authority.roles import Permission
from bluezone.authority.texting import Texter, code_text
from bluezone.campaign import tables
from bluezone.clock import local_date
from bluezone.declarations import store as declaration_store
from bluezone.declarations.forms import border_gates
from bluezone.errors import BluezoneError
from bluezone.geography.areas import area_name
from bluezone.web.dependencies import RowId, Svc
from bluezone.web.pages.access import InRealm, RealmStaff
from bluezone.web.pages.rendering import attempt, error_text, language, page, shown_time

router = APIRouter(prefix="/console", include_in_schema=False)
ARRIVAL_DAYS = 3
Issuing = Annotated[InRealm, Depends(RealmStaff(Permission.ISSUE_CODE))]
IssuingForm = Annotated[InRealm, Depends(RealmStaff(Permission.ISSUE_CODE, form=True))]
Reading = Annotated[InRealm, Depends(RealmStaff(Permission.READ_QUEUE))]


def _codes_page(request: Request, svc: Svc, staff: InRealm, status: int = 200, **extra: object) -> Response:
    """The form, with how many of the day's codes the department has issued."""
    with svc.db.session() as session:
        quota = (codes.issued_today(session, staff.realm, svc.now()), svc.settings.codes_per_realm_per_day)
    return page(request, "codes.html", staff.who, status=status, quota=quota, **extra)


@router.get("/codes", response_class=HTMLResponse)
def codes_form(request: Request, svc: Svc, staff: Issuing) -> Response:
    return _codes_page(request, svc, staff)


@router.post("/codes", response_class=HTMLResponse)
def issue(
    request: Request,
    svc: Svc,
    staff: IssuingForm,
    *,
    test_type: Annotated[str, Form()] = "confirmed",
    symptom_date: Annotated[str, Form()] = "",
    test_date: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
) -> Response:
    issued, error = attempt(
        request,
        svc,
        lambda session: codes.issue_code(
            session,
            svc.secrets,
            svc.settings,
            staff.realm,
            test_type=test_type,
            symptom_date=symptom_date or None,
            test_date=test_date or None,
            phone=phone or None,
            now=svc.now(),
        ),
    )
    if issued is None:
        return _codes_page(request, svc, staff, status=400, error=error)
    sent = None
    if phone:
        with svc.db.session() as session:
            sent = Texter(svc.sms, svc.secrets).send_code(session, staff.realm, phone, issued, svc.now())
    shown = {
        "code": issued.code,
        "long_code": issued.long_code,
        "expires": shown_time(issued.expires_at),
        "long_expires": shown_time(issued.long_expires_at),
        "sms": code_text(issued) if phone and not sent else "",  # to send by hand
        "sms_sent": sent,
    }
    return _codes_page(request, svc, staff, issued=shown)


def _queue_page(
    request: Request, svc: Svc, staff: InRealm, issued: dict[str, str] | None = None, **extra: object
) -> Response:
    with svc.db.session() as session:
        shown = followup.queue(session, svc.secrets, staff.realm, staff.who.actor, now=svc.now(), status=None)
    rows = [
        {
            "id": d.id,
            "received": shown_time(d.received_at),
            "details": d.details,
            "status": d.status,
            "commune": area_name(d.details.commune_code),
            "alerted": texts.day(date.fromisoformat(d.details.alert_date)),
            # A code is for someone who was near a case: an F1. An F2 or a declarant is followed up by phone.
            "may_get_code": d.details.level == "F1" and d.status == "new",
        }
        for d in shown
    ]
    status = 400 if extra.get("error") else 200
    return page(request, "queue.html", staff.who, status=status, declarations=rows, issued=issued, **extra)


@router.post("/codes/bulk", response_class=HTMLResponse)
def issue_bulk(request: Request, svc: Svc, file: UploadFile, staff: IssuingForm) -> Response:
    """Codes for a table of cases, checked whole (a table with a bad line issues nothing, and the page
    names every bad line); each code is texted where the line has a phone and an SMS centre is set up."""
    lang = language(request)
    try:
        wanted = codes.parse_code_table(tables.read_upload(file.file))
        with svc.db.session() as session:
            issued = codes.issue_many(
                session, svc.secrets, svc.settings, staff.realm, wanted, now=svc.now(), first_line=2
            )
    except codes.BatchRefused as refused:
        problems = [(line, error_text(error, lang)) for line, error in refused.problems]
        return _codes_page(request, svc, staff, status=422, problems=problems)
    except BluezoneError as unreadable:
        return _codes_page(request, svc, staff, status=400, problems=[(1, error_text(unreadable, lang))])
    texter = Texter(svc.sms, svc.secrets)
    made = []
    for line, (want, code) in enumerate(zip(wanted, issued, strict=True), start=2):
        sent = None
        if want.phone:
            with svc.db.session() as session:
                sent = texter.send_code(session, staff.realm, want.phone, code, svc.now())
        made.append(
            {
                "line": line,
                "phone": _masked(want.phone),
                "code": code.code,
                "long_code": code.long_code,
                "sms_sent": sent,
            }
        )
    return _codes_page(request, svc, staff, bulk=made)


def _masked(phone: str | None) -> str:
    """Enough of a number for the case worker to find the line again, not the number."""
    return "" if not phone else "…" + phone.replace(" ", "")[-3:]


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request, svc: Svc, staff: Reading) -> Response:
    return _queue_page(request, svc, staff)


@router.post("/queue/{declaration_id}/code", response_class=HTMLResponse)
def queue_code(request: Request, svc: Svc, declaration_id: RowId, staff: IssuingForm) -> Response:
    """A close-contact code for the person who declared, with the text to send them."""
    issued, error = attempt(
        request,
        svc,
        lambda session: followup.issue_close_contact_code(
            session,
            svc.secrets,
            svc.settings,
            staff.realm,
            staff.who.actor,
            declaration_id=declaration_id,
            now=svc.now(),
        ),
    )
    if issued is None:
        return _queue_page(request, svc, staff, error=error)
    return _queue_page(request, svc, staff, issued={"code": issued.code, "sms": code_text(issued)})


@router.get("/arrivals", response_class=HTMLResponse)
def arrivals(request: Request, svc: Svc, staff: Reading) -> Response:
    """Travellers arriving in the province today and in the next three days; every reading audited."""
    today = local_date(svc.now())
    with svc.db.session() as session:
        shown = declaration_store.arrivals(
            session,
            svc.secrets,
            staff.realm,
            staff.who.actor,
            first=today,
            last=today + timedelta(days=ARRIVAL_DAYS),
            now=svc.now(),
        )
    return page(request, "arrivals.html", staff.who, arrivals=shown, gates=border_gates())
