"""The declaration forms people fill in on the web (Vietnamese by default, English): a resident's daily
health declaration and a traveller's entry declaration with its receipt QR code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bluezone.clock import local_date
from bluezone.declarations import store
from bluezone.declarations.forms import (
    SYMPTOMS,
    EntryDeclaration,
    Exposure,
    VoluntaryDeclaration,
    border_gates,
    parse,
)
from bluezone.errors import BluezoneError
from bluezone.services import Services
from bluezone.texts import text
from bluezone.web.dependencies import Svc
from bluezone.web.pages.rendering import language, page, qr_data_uri

router = APIRouter(prefix="/declare", include_in_schema=False)
LISTS = ("symptoms", "travel_provinces", "countries_visited")
MAX_FORM_FIELDS = 80


async def _fields(request: Request) -> dict[str, Any]:
    """The posted form as the declaration's fields: repeated fields become lists, empty ones are dropped."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    data: dict[str, Any] = {}
    for name in {key for key, _ in form.multi_items()}:
        values = [str(v).strip() for v in form.getlist(name) if str(v).strip()]
        if name in LISTS:
            data[name] = [
                item.strip().upper() if name == "countries_visited" else item
                for v in values
                for item in v.split(",")
                if item.strip()
            ]
        elif values:
            data[name] = values[0]
    return data


def _problem(error: BluezoneError, request: Request) -> str:
    """The refusal in the person's language, with the field and what is wrong with it."""
    return f"{text('error.bad_declaration', language(request))}: {error.message}"


def _context() -> dict[str, Any]:
    return {
        "symptoms": SYMPTOMS,
        "exposures": [e.value for e in Exposure],
        "gates": border_gates(),
        "entered": {},
    }


@router.get("/health", response_class=HTMLResponse)
def health_form(request: Request) -> Response:
    return page(request, "declare_health.html", None, **_context())


async def _submit(
    request: Request,
    svc: Services,
    template: str,
    store_it: Callable[[Session, dict[str, Any]], dict[str, Any]],
) -> Response:
    """Check and store a posted form; on a refusal, the form again with the problem and what was typed."""
    data = await _fields(request)
    try:
        with svc.db.session() as session:
            done = store_it(session, data)
    except BluezoneError as error:
        context = {**_context(), "entered": data}
        return page(request, template, None, status=400, error=_problem(error, request), **context)
    return page(request, "declare_done.html", None, **done)


@router.post("/health", response_class=HTMLResponse)
async def health_submit(request: Request, svc: Svc) -> Response:
    def store_it(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        declaration = parse(VoluntaryDeclaration, data, today=local_date(svc.now()))
        followed = store.submit_voluntary(session, svc.secrets, svc.settings, declaration, svc.now())
        return {"follow_up": followed, "receipt": None}

    return await _submit(request, svc, "declare_health.html", store_it)


@router.get("/entry", response_class=HTMLResponse)
def entry_form(request: Request) -> Response:
    return page(request, "declare_entry.html", None, **_context())


@router.post("/entry", response_class=HTMLResponse)
async def entry_submit(request: Request, svc: Svc) -> Response:
    def store_it(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        declaration = parse(EntryDeclaration, data, today=local_date(svc.now()))
        receipt = store.submit_entry(session, svc.secrets, svc.settings, declaration, svc.now())
        return {"follow_up": False, "receipt": receipt, "receipt_png": qr_data_uri(receipt)}

    return await _submit(request, svc, "declare_entry.html", store_it)
