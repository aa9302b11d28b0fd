"""The ministry's page for the configuration phones follow: propose a version, approve or reject another
person's proposal, and read the trail of every version."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bluezone.authority import app_configs, users
from bluezone.authority.roles import Permission
from bluezone.errors import InvalidInput
from bluezone.protocol.app_config import AppConfig
from bluezone.services import Services
from bluezone.web.dependencies import RowId, Svc
from bluezone.web.pages.access import Staff
from bluezone.web.pages.rendering import attempt, error_text, language, page, shown_time

router = APIRouter(prefix="/console", include_in_schema=False)
Configuring = Annotated[users.SignedIn, Depends(Staff(Permission.CONFIGURE_APP))]
ConfiguringForm = Annotated[users.SignedIn, Depends(Staff(Permission.CONFIGURE_APP, form=True))]


def _rows(config: AppConfig) -> list[tuple[str, Any]]:
    """What the page lists of a configuration, field by field (text keys `config.field.<name>`)."""
    rules = config.isolation
    return [
        ("f1_minutes", config.f1_minutes),
        ("self_report_weight", config.self_report_weight),
        ("f1_days", rules.f1_days),
        ("f1_at_home", rules.f1_at_home),
        ("f1_test_days", ", ".join(map(str, rules.f1_test_days))),
        ("f2_days", rules.f2_days),
        ("f1_instructions", " / ".join(config.f1_instructions.values())),
        ("f2_instructions", " / ".join(config.f2_instructions.values())),
        ("min_app_version", config.min_app_version),
        ("emergency_stop", config.emergency_stop),
    ]


def _config_page(
    request: Request, svc: Services, who: users.SignedIn, status: int = 200, **extra: Any
) -> Response:
    with svc.db.session() as session:
        live = app_configs.current(session)
        versions = app_configs.history(session)
    shown = dict(_rows(live))
    waiting = [
        {
            "version": v,
            "changes": [(name, value) for name, value in _rows(v.config) if shown[name] != value],
            "own": v.proposed_by == who.actor,
            "proposed": shown_time(v.proposed_at),
        }
        for v in versions
        if v.status == "proposed"
    ]
    trail = [
        {
            "version": v,
            "proposed": shown_time(v.proposed_at),
            "decided": "" if v.decided_at is None else shown_time(v.decided_at),
        }
        for v in versions
    ]
    context = {"live": live, "rows": _rows(live), "waiting": waiting, "trail": trail, "typed": {}, **extra}
    return page(request, "app_config.html", who, status=status, **context)


@router.get("/app-config", response_class=HTMLResponse)
def config_page(request: Request, svc: Svc, who: Configuring) -> Response:
    return _config_page(request, svc, who)


def _changes(form: dict[str, str]) -> dict[str, object]:
    """The proposal's fields from the form, as the configuration's JSON has them."""
    try:
        test_days = [int(d) for d in form.get("f1_test_days", "").replace(";", ",").split(",") if d.strip()]
        return {
            "f1_minutes": int(form.get("f1_minutes", "")),
            "self_report_weight": float(form.get("self_report_weight", "").replace(",", ".")),
            "min_app_version": form.get("min_app_version", "").strip(),
            "emergency_stop": form.get("emergency_stop") == "on",
            "isolation": {
                "f1_days": int(form.get("f1_days", "")),
                "f1_at_home": form.get("f1_at_home") == "on",
                "f1_test_days": test_days,
                "f2_days": int(form.get("f2_days", "")),
            },
            "f1_instructions": {
                k: form[f"f1_{k}"].strip() for k in ("vi", "en") if form.get(f"f1_{k}", "").strip()
            },
            "f2_instructions": {
                k: form[f"f2_{k}"].strip() for k in ("vi", "en") if form.get(f"f2_{k}", "").strip()
            },
        }
    except ValueError:
        raise InvalidInput("a number field holds something else", code="bad_number_field") from None


@router.post("/app-config/propose", response_class=HTMLResponse)
async def propose(request: Request, svc: Svc, who: ConfiguringForm) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not form.get("note", "").strip():
        return _config_page(request, svc, who, 400, error=_note_needed(request), typed=form)
    _, error = attempt(
        request,
        svc,
        lambda session: app_configs.propose(
            session, _changes(form), actor=who.actor, note=form["note"], now=svc.now()
        ),
    )
    if error:
        return _config_page(request, svc, who, 400, error=error, typed=form)
    return RedirectResponse("/console/app-config?proposed=1", status_code=303)


def _note_needed(request: Request) -> str:
    return error_text(InvalidInput("say why", code="config_note_needed"), language(request))


@router.post("/app-config/{version_id}/{decision}", response_class=HTMLResponse)
def decide(
    request: Request,
    svc: Svc,
    version_id: RowId,
    decision: Literal["approve", "reject"],
    who: ConfiguringForm,
) -> Response:
    """A second person approves (signs and publishes) or rejects a proposal."""

    def act(session: Session) -> object:
        if decision == "approve":
            return app_configs.approve(
                session, svc.secrets, svc.exports, version_id, actor=who.actor, now=svc.now()
            )
        return app_configs.reject(session, version_id, actor=who.actor, now=svc.now())

    _, error = attempt(request, svc, act)
    if error:
        return _config_page(request, svc, who, 400, error=error)
    return RedirectResponse(f"/console/app-config?{decision}d=1", status_code=303)
