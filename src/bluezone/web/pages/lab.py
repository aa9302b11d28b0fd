"""A lab's page in the console: its staff send results, one sample at a time or a whole CSV/XLSX table."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bluezone.authority import labs
from bluezone.authority.roles import Permission
from bluezone.campaign import tables
from bluezone.errors import BluezoneError
from bluezone.services import Services
from bluezone.web.dependencies import Svc
from bluezone.web.pages.access import InRealm, RealmStaff
from bluezone.web.pages.rendering import attempt, error_text, language, page

router = APIRouter(prefix="/console", include_in_schema=False)
Sending = Annotated[InRealm, Depends(RealmStaff(Permission.SEND_RESULTS))]
SendingForm = Annotated[InRealm, Depends(RealmStaff(Permission.SEND_RESULTS, form=True))]


def _results_page(
    request: Request, svc: Services, staff: InRealm, status: int = 200, **extra: Any
) -> Response:
    """The forms, with the lab's name and how many of the day's results it has sent."""
    with svc.db.session() as session:
        lab = labs.lab_of(session, staff.realm, staff.who.user.lab_id)
        quota = (labs.sent_today(session, lab, svc.now()), svc.settings.lab_results_per_day)
        name = lab.name
    context = {"lab_name": name, "quota": quota, "stored": None, "problems": [], "typed": {}, **extra}
    return page(request, "lab_results.html", staff.who, status=status, **context)


def _store(
    request: Request, svc: Services, staff: InRealm, report: labs.ResultsReport, typed: dict[str, str]
) -> Response:
    if report.errors:
        problems = [(line, error_text(error, language(request))) for line, error in report.errors]
        return _results_page(request, svc, staff, 422, problems=problems, typed=typed)

    def record(session: Session) -> int:
        lab = labs.lab_of(session, staff.realm, staff.who.user.lab_id)
        return labs.record_results(
            session, svc.secrets, svc.settings, lab, report.rows, actor=staff.who.actor, now=svc.now()
        )

    stored, failure = attempt(request, svc, record)
    if failure:
        return _results_page(request, svc, staff, 400, error=failure, typed=typed)
    return _results_page(request, svc, staff, stored=stored)


@router.get("/results", response_class=HTMLResponse)
def results_form(request: Request, svc: Svc, staff: Sending) -> Response:
    return _results_page(request, svc, staff)


@router.post("/results/one", response_class=HTMLResponse)
def send_one(
    request: Request,
    svc: Svc,
    staff: SendingForm,
    *,
    sample_id: Annotated[str, Form(max_length=40)] = "",
    result: Annotated[str, Form(max_length=20)] = "",
    sample_date: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """One sample's result, typed from its form; kept on the page if it is refused."""
    typed = {"sample_id": sample_id, "result": result, "sample_date": sample_date}
    return _store(
        request, svc, staff, labs.check_results([(sample_id, result, sample_date)], svc.now()), typed
    )


@router.post("/results/table", response_class=HTMLResponse)
def send_table(request: Request, svc: Svc, file: UploadFile, staff: SendingForm) -> Response:
    """A table of results (CSV or XLSX), checked whole: a table with a wrong line stores nothing."""
    try:
        report = labs.parse_results_table(tables.read_upload(file.file), svc.now())
    except BluezoneError as unreadable:
        problems = [(1, error_text(unreadable, language(request)))]
        return _results_page(request, svc, staff, 400, problems=problems)
    return _store(request, svc, staff, report, {})
