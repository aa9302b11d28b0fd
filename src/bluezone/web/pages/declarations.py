"""The declaration forms people fill in on the web (Vietnamese by default, English): a resident's daily
health declaration and a traveller's entry declaration with its receipt QR code. Places and countries are
chosen by name; what is wrong is said next to its field, in the reader's language; nothing typed is lost."""

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
    BadDeclaration,
    EntryDeclaration,
    Exposure,
    VoluntaryDeclaration,
    border_gates,
    parse,
)
from bluezone.errors import BluezoneError, NotServed
from bluezone.geography.areas import Level, registry, structure_on
from bluezone.geography.countries import countries
from bluezone.services import Services
from bluezone.texts import Language, has_text, text
from bluezone.web.dependencies import Svc
from bluezone.web.pages.pickers import area_steps, by_name, without_picker_steps
from bluezone.web.pages.rendering import language, page, qr_data_uri

router = APIRouter(prefix="/declare", include_in_schema=False)
LISTS = ("symptoms", "travel_provinces", "countries_visited")
MAX_FORM_FIELDS = 400  # a traveller may tick many countries


async def _fields(request: Request) -> dict[str, Any]:
    """The posted form as the declaration's fields: repeated fields become lists, empty ones are dropped."""
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    data: dict[str, Any] = {}
    for name in {key for key, _ in form.multi_items()}:
        values = [str(v).strip() for v in form.getlist(name) if str(v).strip()]
        if name in LISTS:
            data[name] = values
        elif values:
            data[name] = values[0]
    return data


def _problem_text(field: str, kind: str, lang: Language) -> str:
    """What to do about a field, in the reader's language: a check of the whole form has its own text,
    any other problem the field's."""
    key = next((k for k in (f"problem.{kind}", f"problem.{field}") if has_text(k)), "problem.form")
    return text(key, lang)


def _context(
    request: Request, svc: Services, entered: dict[str, Any], problems: dict[str, str]
) -> dict[str, Any]:
    today = local_date(svc.now())
    structure = structure_on(today)
    lang = language(request)
    return {
        "symptoms": SYMPTOMS,
        "exposures": [e.value for e in Exposure],
        "gates": border_gates(),
        "entered": entered,
        "structure": structure,
        "home": area_steps(structure, "commune_code", entered),
        "provinces": by_name(registry(structure).at_level(Level.PROVINCE)),
        "countries": countries(lang),
        "problems": {field: _problem_text(field, kind, lang) for field, kind in problems.items()},
    }


@router.get("/health", response_class=HTMLResponse)
def health_form(request: Request, svc: Svc) -> Response:
    return page(request, "declare_health.html", None, **_context(request, svc, {}, {}))


async def _submit(
    request: Request,
    svc: Services,
    template: str,
    store_it: Callable[[Session, dict[str, Any]], dict[str, Any]],
) -> Response:
    """Check and store a posted form. The form comes back with everything typed: with the next list of places
    when the reader asked for it, with each problem next to its field, or with an apology when no health
    department serves their province (the operator's error, logged)."""
    entered = await _fields(request)
    if entered.get("action") == "pick":
        return page(request, template, None, **_context(request, svc, entered, {}))
    try:
        with svc.db.session() as session:
            done = store_it(session, without_picker_steps(entered))
    except BadDeclaration as error:
        context = _context(request, svc, entered, error.problems)
        message = text("declare.fix_marked", language(request))
        return page(request, template, None, status=400, error=message, **context)
    except NotServed:
        context = _context(request, svc, entered, {})
        message = text("declare.unserved", language(request))
        return page(request, template, None, status=503, error=message, **context)
    except BluezoneError as error:
        context = _context(request, svc, entered, {})
        message = f"{text('error.bad_declaration', language(request))}: {error.message}"
        return page(request, template, None, status=400, error=message, **context)
    return page(request, "declare_done.html", None, **done)


@router.post("/health", response_class=HTMLResponse)
async def health_submit(request: Request, svc: Svc) -> Response:
    def store_it(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        declaration = parse(VoluntaryDeclaration, data, today=local_date(svc.now()))
        followed = store.submit_voluntary(session, svc.secrets, svc.settings, declaration, svc.now())
        return {"follow_up": followed, "receipt": None}

    return await _submit(request, svc, "declare_health.html", store_it)


@router.get("/entry", response_class=HTMLResponse)
def entry_form(request: Request, svc: Svc) -> Response:
    return page(request, "declare_entry.html", None, **_context(request, svc, {}, {}))


@router.post("/entry", response_class=HTMLResponse)
async def entry_submit(request: Request, svc: Svc) -> Response:
    def store_it(session: Session, data: dict[str, Any]) -> dict[str, Any]:
        declaration = parse(EntryDeclaration, data, today=local_date(svc.now()))
        receipt = store.submit_entry(session, svc.secrets, svc.settings, declaration, svc.now())
        return {"follow_up": False, "receipt": receipt, "receipt_png": qr_data_uri(receipt)}

    return await _submit(request, svc, "declare_entry.html", store_it)
