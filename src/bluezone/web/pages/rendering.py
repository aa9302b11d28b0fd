"""Rendering a page: the templates, the reader's language, times in Viet Nam's time, and one domain action
whose refusal is shown on the page in the reader's language."""

from __future__ import annotations

import base64
from collections.abc import Callable
from importlib import resources
from typing import Any, TypeVar

import jinja2
from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from bluezone import texts
from bluezone.authority.roles import Permission
from bluezone.authority.users import SignedIn
from bluezone.clock import local_time
from bluezone.errors import BluezoneError
from bluezone.services import Services
from bluezone.texts import Language, current_language, has_text, text
from bluezone.venues.poster import qr_png

T = TypeVar("T")
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(resources.files("bluezone.web.pages") / "templates")),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
)
texts.install_into(templates.env)  # _(), numbers and dates in the reader's language
LANG_COOKIE = "bz_lang"
# The console's menu: each entry shown only to those whose role grants its permission.
NAV: list[tuple[str, str, Permission]] = [
    ("nav.codes", "/console/codes", Permission.ISSUE_CODE),
    ("nav.results", "/console/results", Permission.SEND_RESULTS),
    ("nav.queue", "/console/queue", Permission.READ_QUEUE),
    ("nav.arrivals", "/console/arrivals", Permission.READ_QUEUE),
    ("nav.facilities", "/console/facilities", Permission.MANAGE_FACILITIES),
    ("nav.venues", "/console/venues", Permission.MANAGE_FACILITIES),
    ("nav.stats", "/console/stats", Permission.READ_STATS),
    ("nav.levels", "/console/levels", Permission.SET_LEVELS),
    ("nav.people", "/console/people", Permission.MANAGE_USERS),
    ("nav.campaign", "/campaign/manage", Permission.MANAGE_UNITS),
    ("nav.import", "/campaign/import", Permission.IMPORT_COUNTS),
    ("nav.app_config", "/console/app-config", Permission.CONFIGURE_APP),
]


def language(request: Request) -> Language:
    chosen = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE, "vi")
    return "en" if chosen == "en" else "vi"


async def reader_language(request: Request) -> None:
    """Every page's first dependency: texts, numbers and dates from here on are in the reader's language."""
    current_language.set(language(request))


def qr_data_uri(payload: str, scale: int = 6) -> str:
    """A QR code as an inline PNG image (a receipt, an authenticator's key): nothing loaded from elsewhere."""
    return "data:image/png;base64," + base64.b64encode(qr_png(payload, scale=scale)).decode()


def shown_time(timestamp: int, lang: Language | None = None) -> str:
    return texts.moment(local_time(timestamp), lang)


def page(
    request: Request, template: str, who: SignedIn | None, status: int = 200, **context: Any
) -> Response:
    lang = language(request)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "lang": lang,
            "who": who,
            "nav": [
                (n, href) for n, href, needs in NAV if who is not None and not who.pending and who.may(needs)
            ],
            "here": request.url.path,
            **context,
        },
        status_code=status,
    )
    if "lang" in request.query_params:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86_400)
    return response


def error_text(error: BluezoneError, lang: Language) -> str:
    """The error in the reader's language, from its code and values; the English message if the catalogues
    have no text for the code."""
    key = f"error.{error.code}"
    values = {k: texts.number(v, lang) if isinstance(v, int) else v for k, v in error.values.items()}
    return text(key, lang, **values) if has_text(key) else f"{text('error.generic', lang)}: {error.message}"


def attempt(request: Request, svc: Services, action: Callable[[Session], T]) -> tuple[T | None, str | None]:
    """Run one domain action in a transaction: its result, or the error to show in the reader's language."""
    try:
        with svc.db.session() as session:
            return action(session), None
    except BluezoneError as error:
        return None, error_text(error, language(request))
