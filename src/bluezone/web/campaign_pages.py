"""The campaign's screens: the national map and leaderboard (public, as the ministry published them), an
area's page with its trend, the areas within it and its units, and the unit report form (signed in)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bluezone.authority import users
from bluezone.campaign import activity, geo, imports, service, tables, targets, units
from bluezone.campaign.areas import Area, Level, Structure, find_area, registry
from bluezone.campaign.ranking import RankRow
from bluezone.errors import BluezoneError, Forbidden, InvalidInput, NotFound
from bluezone.store.models import Unit
from bluezone.web import charts
from bluezone.web.console import Svc, Token, _attempt, _guarded, language, page, to_login
from bluezone.web.i18n import t
from bluezone.web.routes_campaign import MAX_UPLOAD_BYTES
from bluezone.web.services import Services

router = APIRouter(prefix="/campaign", include_in_schema=False)
BY = ("population", "smartphones")
TOP = 5
CHECK_IN_DAYS = 7


def _by(value: str | None) -> str:
    return value if value in BY else "population"


@router.get("", response_class=HTMLResponse)
def national(request: Request, svc: Svc, by: str | None = None) -> Response:
    chosen = _by(by)
    with svc.db.session() as session:
        try:
            moment, rows = service.ranking(session, as_of=None, level="province", by=chosen)
        except NotFound:
            return page(request, "campaign.html", None, rows=[], by=chosen, moment=None, map="", progress=[])
        found = service.latest(session, moment)
        assert found is not None  # the ranking just used it
        structure = found[1]
        progress = [p for p in targets.all_progress(session, svc.now()) if p.subject.startswith("area:")]
    names = {a.code: a.name for a in registry(structure).at_level(Level.PROVINCE)}
    svg = geo.svg_map({r.area_code: r.rate_percent for r in rows}, names, structure, label="map")
    rated = [r for r in rows if r.rank is not None]
    return page(
        request,
        "campaign.html",
        None,
        rows=rows,
        top=rated[:TOP],
        bottom=rated[-TOP:][::-1] if len(rated) > TOP else [],
        by=chosen,
        moment=service.describe(moment),
        map=svg,
        legend=geo.legend(),
        progress=progress,
    )


@router.get("/area/{code}", response_class=HTMLResponse)
def area_page(request: Request, svc: Svc, code: str, by: str | None = None) -> Response:
    chosen = _by(by)
    with svc.db.session() as session:
        try:
            structure, area = _area_as_shown(session, code)
        except InvalidInput:
            return Response("not found", status_code=404)
        trend = service.trend(session, code, by=service.Denominator(chosen))
        below: list[RankRow] = []
        moment = None
        if area.level is not Level.COMMUNE:
            old_province = area.level is Level.PROVINCE and structure is Structure.OLD
            level = Level.DISTRICT if old_province else Level.COMMUNE
            try:
                at, below = service.ranking(session, as_of=None, level=level, parent=code, by="smartphones")
                moment = service.describe(at)
            except (NotFound, InvalidInput):
                below = []
        lines = units.unit_table(session, units.units_in(session, code), svc.now())
        today = activity.local_day(svc.now())
        per_day = activity.check_in_days(
            session, service.communes_of(code), first_day=today - CHECK_IN_DAYS + 1, last_day=today
        )
        check_ins = [
            (activity.EPOCH + timedelta(days=d), per_day.get(d, 0))
            for d in range(today - CHECK_IN_DAYS + 1, today + 1)
        ]
        progress = [p for p in targets.all_progress(session, svc.now()) if p.subject == f"area:{code}"]
    return page(
        request,
        "campaign_area.html",
        None,
        area=area,
        by=chosen,
        trend=charts.rate_line(trend, label=area.name),
        below=below,
        moment=moment,
        units=lines,
        check_ins=check_ins if any(n for _, n in check_ins) else [],
        progress=progress,
        is_province=area.level is Level.PROVINCE,
    )


def _area_as_shown(session: Session, code: str) -> tuple[Structure, Area]:
    """The area in the structure of the newest figures (a code can exist in both structures)."""
    newest = service.latest(session)
    if newest is not None:
        structure = newest[1]
        try:
            return structure, registry(structure).get(code)
        except InvalidInput:
            pass
    return find_area(code)


@router.get("/units/{unit_id}/report", response_class=HTMLResponse)
def report_form(request: Request, svc: Svc, unit_id: int, token: Token = None) -> Response:
    who, refusal = _guarded(request, svc, token, "report_units", "campaign_report.html", unit=None)
    if refusal:
        return refusal
    with svc.db.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None:
            return Response("not found", status_code=404)
        if who is not None and not units.within_scope(session, unit, who.user.scope):
            return _not_theirs(request, who)
        line = units.unit_table(session, [unit], svc.now())[0]
    shown = {"staff": line.staff, "smartphone_holders": line.smartphone_holders, "installed": line.installed}
    return page(
        request, "campaign_report.html", who, unit=line, today=date.fromtimestamp(svc.now()), shown=shown
    )


@router.post("/units/{unit_id}/report", response_class=HTMLResponse)
def report_submit(
    request: Request,
    svc: Svc,
    unit_id: int,
    *,
    as_of: Annotated[date, Form()],
    staff: Annotated[int, Form()],
    smartphone_holders: Annotated[int, Form()],
    installed: Annotated[int, Form()],
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(request, svc, token, "report_units", "campaign_report.html", csrf=csrf, unit=None)
    if refusal:
        return refusal
    with svc.db.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is not None and who is not None and not units.within_scope(session, unit, who.user.scope):
            return _not_theirs(request, who)
    row = units.ReportRow(unit_id, (as_of - activity.EPOCH).days, staff, smartphone_holders, installed)
    _, error = _attempt(request, svc, lambda session: units.submit_reports(session, [row], svc.now()))
    with svc.db.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None:
            return Response("not found", status_code=404)
        line = units.unit_table(session, [unit], svc.now())[0]
    if error:  # the form comes back with what was typed, to correct
        typed = {"staff": staff, "smartphone_holders": smartphone_holders, "installed": installed}
        return page(
            request, "campaign_report.html", who, status=400, error=error, unit=line, today=as_of, shown=typed
        )
    return RedirectResponse(f"/campaign/units/{unit_id}/report?saved=1", status_code=303)


def _not_theirs(
    request: Request, who: users.SignedIn, template: str = "campaign_report.html", **extra: Any
) -> Response:
    """Officials act on their own part of the campaign only (and only national ones import counts)."""
    message = t("error.forbidden", language(request))
    return page(request, template, who, status=403, error=message, **{"unit": None, **extra})


IMPORT_EMPTY: dict[str, Any] = {"imported": None, "replaced": 0, "problems": []}


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, svc: Svc, token: Token = None) -> Response:
    who, refusal = _guarded(request, svc, token, "import_counts", "campaign_import.html", **IMPORT_EMPTY)
    if refusal:
        return refusal
    if who is not None and who.user.scope is not None:
        return _not_theirs(request, who, "campaign_import.html", **IMPORT_EMPTY)
    return page(request, "campaign_import.html", who, **IMPORT_EMPTY)


@router.post("/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    svc: Svc,
    file: UploadFile,
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    """Counts as CSV or XLSX, checked whole; the page lists every bad row by line."""
    who, refusal = _guarded(
        request, svc, token, "import_counts", "campaign_import.html", csrf=csrf, **IMPORT_EMPTY
    )
    if refusal:
        return refusal
    if who is not None and who.user.scope is not None:
        return _not_theirs(request, who, "campaign_import.html", **IMPORT_EMPTY)
    try:
        report = imports.parse_counts(tables.as_csv_text(file.file.read(MAX_UPLOAD_BYTES + 1)))
    except BluezoneError as unreadable:
        return page(
            request,
            "campaign_import.html",
            who,
            status=400,
            **{**IMPORT_EMPTY, "problems": [(1, unreadable.message)]},
        )
    if report.errors:
        return page(
            request, "campaign_import.html", who, status=422, **{**IMPORT_EMPTY, "problems": report.errors}
        )
    replaced, failure = _attempt(request, svc, lambda session: imports.store_counts(session, report.rows))
    if failure:
        return page(request, "campaign_import.html", who, status=400, error=failure, **IMPORT_EMPTY)
    return page(
        request, "campaign_import.html", who, imported=len(report.rows), replaced=replaced, problems=[]
    )


MANAGE_EMPTY: dict[str, Any] = {"units": [], "progress": [], "kinds": units.KINDS, "done": None}


def _manage_page(request: Request, svc: Services, who: users.SignedIn, **extra: Any) -> Response:
    scope = who.user.scope
    area = scope.partition(":")[2] if scope and scope.startswith("area:") else None
    with svc.db.session() as session:
        listed = units.units_in(session, area)
        if scope and scope.startswith("unit:"):
            listed = [u for u in units.units_in(session, None) if units.within_scope(session, u, scope)]
        lines = units.unit_table(session, listed, svc.now())
        progress = targets.all_progress(session, svc.now())
    status = 400 if extra.get("error") else 200
    context = {**MANAGE_EMPTY, "units": lines, "progress": progress, **extra}
    return page(request, "campaign_manage.html", who, status=status, **context)


@router.get("/manage", response_class=HTMLResponse)
def manage(request: Request, svc: Svc, token: Token = None) -> Response:
    """Units and targets of what is the officer's: the country, their area or their unit."""
    who, refusal = _guarded(request, svc, token, "manage_units", "campaign_manage.html", **MANAGE_EMPTY)
    if refusal or who is None:
        return refusal or to_login()
    return _manage_page(request, svc, who)


@router.post("/manage/units", response_class=HTMLResponse)
def add_unit(
    request: Request,
    svc: Svc,
    *,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    area_code: Annotated[str, Form()],
    parent_id: Annotated[str, Form()] = "",
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(
        request, svc, token, "manage_units", "campaign_manage.html", csrf=csrf, **MANAGE_EMPTY
    )
    if refusal or who is None:
        return refusal or to_login()
    parent = int(parent_id) if parent_id.strip().isdigit() else None

    def create(session: Session) -> None:
        if not units.may_manage(session, area_code=area_code, parent_id=parent, scope=who.user.scope):
            raise Forbidden("outside your part of the campaign", code="forbidden")
        units.create_unit(session, name=name, kind=kind, area_code=area_code, parent_id=parent, now=svc.now())

    _, error = _attempt(request, svc, create)
    if error:
        return _manage_page(request, svc, who, error=error)
    return RedirectResponse("/campaign/manage", status_code=303)


@router.post("/manage/targets", response_class=HTMLResponse)
def add_target(
    request: Request,
    svc: Svc,
    *,
    subject: Annotated[str, Form()],
    basis: Annotated[str, Form()],
    rate_percent: Annotated[float, Form()],
    by: Annotated[date, Form()],
    token: Token = None,
    csrf: Annotated[str, Form()] = "",
) -> Response:
    who, refusal = _guarded(
        request, svc, token, "manage_units", "campaign_manage.html", csrf=csrf, **MANAGE_EMPTY
    )
    if refusal or who is None:
        return refusal or to_login()

    def set_it(session: Session) -> None:
        kind, _, ident = subject.partition(":")
        scope = who.user.scope
        if kind == "unit" and ident.isdigit():
            unit = session.get(Unit, int(ident))
            allowed = unit is not None and units.within_scope(session, unit, scope)
        else:
            allowed = scope is None or (
                scope.startswith("area:")
                and units.may_manage(session, area_code=ident, parent_id=None, scope=scope)
            )
        if not allowed:
            raise Forbidden("outside your part of the campaign", code="forbidden")
        targets.set_target(
            session, subject=subject, basis=basis, rate_percent=rate_percent, by=by, now=svc.now()
        )

    _, error = _attempt(request, svc, set_it)
    if error:
        return _manage_page(request, svc, who, error=error)
    return RedirectResponse("/campaign/manage", status_code=303)
