"""The campaign's screens: the national map and leaderboard (public, as the ministry published them), an
area's page with its trend, the areas within it and its units, and the unit report form (signed in)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bluezone.authority.roles import Permission
from bluezone.authority.users import SignedIn
from bluezone.campaign import access, activity, geo, imports, service, tables, targets, units
from bluezone.campaign.ranking import Denominator, RankRow
from bluezone.clock import EPOCH, local_date, local_day
from bluezone.errors import BluezoneError, Forbidden, InvalidInput, NotFound
from bluezone.geography.areas import Area, Level, Structure, area_name, find_area, registry, structure_on
from bluezone.services import Services
from bluezone.store.models import Unit
from bluezone.texts import text
from bluezone.web.dependencies import Count, RowId, Svc
from bluezone.web.pages import charts
from bluezone.web.pages.access import PageRefused, Staff, campaign_scope
from bluezone.web.pages.pickers import area_steps, deepest_chosen
from bluezone.web.pages.rendering import attempt, error_text, language, page

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
    lang = language(request)
    rates = {r.area_code: r.rate_percent for r in rows}
    svg = geo.svg_map(rates, names, structure, lang=lang, label=text("campaign.map", lang))
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
        trend = service.trend(session, code, by=Denominator(chosen))
        headline, ranked = _headline(session, area, chosen)
        below: list[RankRow] = []
        moment = None
        if area.level is not Level.COMMUNE:
            old_province = area.level is Level.PROVINCE and structure is Structure.OLD
            level = Level.DISTRICT if old_province else Level.COMMUNE
            try:
                at, below = service.ranking(session, as_of=None, level=level, parent=code, by=chosen)
                moment = service.describe(at)
            except (NotFound, InvalidInput):
                below = []
        lines = units.unit_table(session, units.units_in(session, code), svc.now())
        today = local_day(svc.now())
        per_day = activity.check_in_days(
            session, service.communes_of(code), first_day=today - CHECK_IN_DAYS + 1, last_day=today
        )
        check_ins = [
            (EPOCH + timedelta(days=d), per_day.get(d, 0))
            for d in range(today - CHECK_IN_DAYS + 1, today + 1)
        ]
        progress = [p for p in targets.all_progress(session, svc.now()) if p.subject == f"area:{code}"]
    lang = language(request)
    return page(
        request,
        "campaign_area.html",
        None,
        area=area,
        by=chosen,
        headline=headline,
        ranked=ranked,
        target=next((p for p in progress if p.basis == chosen), None),
        trend=charts.rate_line(
            trend, area.name, text("campaign.rate", lang), text("campaign.installs", lang)
        ),
        below=below,
        # Areas with no denominator have no rate: the page says so and how to add them, not a column of "–".
        without_denominator=[r for r in below if r.denominator is None],
        moment=moment,
        units=lines,
        check_ins=check_ins if any(n for _, n in check_ins) else [],
        progress=progress,
        is_province=area.level is Level.PROVINCE,
    )


def _headline(session: Session, area: Area, by: str) -> tuple[RankRow | None, int]:
    """A province's own row in the national ranking on this basis, and how many provinces are ranked."""
    if area.level is not Level.PROVINCE:
        return None, 0
    try:
        _, nation = service.ranking(session, as_of=None, level="province", by=by)
    except NotFound:
        return None, 0
    own = next((r for r in nation if r.area_code == area.code), None)
    return own, sum(1 for r in nation if r.rank is not None)


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


Reporting = Annotated[SignedIn, Depends(Staff(Permission.REPORT_UNITS))]
ReportingForm = Annotated[SignedIn, Depends(Staff(Permission.REPORT_UNITS, form=True))]
Importing = Annotated[SignedIn, Depends(Staff(Permission.IMPORT_COUNTS))]
ImportingForm = Annotated[SignedIn, Depends(Staff(Permission.IMPORT_COUNTS, form=True))]
Managing = Annotated[SignedIn, Depends(Staff(Permission.MANAGE_UNITS))]
ManagingForm = Annotated[SignedIn, Depends(Staff(Permission.MANAGE_UNITS, form=True))]


def _refused_outside(who: SignedIn, check: Callable[[], None]) -> None:
    """The campaign's access rule, its refusal shown as the page's."""
    try:
        check()
    except Forbidden as error:
        raise PageRefused(who, error) from None


def _check_unit(svc: Services, who: SignedIn, unit_id: int) -> None:
    with svc.db.session() as session:
        _refused_outside(who, lambda: access.check_units(session, campaign_scope(who), [unit_id]))


def _report_page(
    request: Request, svc: Services, who: SignedIn, unit_id: int, status: int = 200, **extra: Any
) -> Response:
    with svc.db.session() as session:
        unit = session.get(Unit, unit_id)
        if unit is None:
            return Response("not found", status_code=404)
        line = units.unit_table(session, [unit], svc.now())[0]
    context = {
        "today": local_date(svc.now()),
        "shown": {
            "staff": line.staff,
            "smartphone_holders": line.smartphone_holders,
            "installed": line.installed,
        },
        **extra,
    }
    return page(request, "campaign_report.html", who, status=status, unit=line, **context)


@router.get("/units/{unit_id}/report", response_class=HTMLResponse)
def report_form(request: Request, svc: Svc, unit_id: RowId, who: Reporting) -> Response:
    _check_unit(svc, who, unit_id)
    return _report_page(request, svc, who, unit_id)


@router.post("/units/{unit_id}/report", response_class=HTMLResponse)
def report_submit(
    request: Request,
    svc: Svc,
    unit_id: RowId,
    who: ReportingForm,
    *,
    as_of: Annotated[date, Form()],
    staff: Annotated[Count, Form()],
    smartphone_holders: Annotated[Count, Form()],
    installed: Annotated[Count, Form()],
) -> Response:
    _check_unit(svc, who, unit_id)
    row = units.ReportRow(unit_id, (as_of - EPOCH).days, staff, smartphone_holders, installed)
    _, error = attempt(request, svc, lambda session: units.submit_reports(session, [row], svc.now()))
    if error:  # the form comes back with what was typed, to correct
        typed = {"staff": staff, "smartphone_holders": smartphone_holders, "installed": installed}
        return _report_page(request, svc, who, unit_id, status=400, error=error, today=as_of, shown=typed)
    return RedirectResponse(f"/campaign/units/{unit_id}/report?saved=1", status_code=303)


IMPORT_EMPTY: dict[str, Any] = {"imported": None, "replaced": 0, "problems": []}


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, who: Importing) -> Response:
    return page(request, "campaign_import.html", who, **IMPORT_EMPTY)


@router.post("/import", response_class=HTMLResponse)
def import_upload(request: Request, svc: Svc, file: UploadFile, who: ImportingForm) -> Response:
    """Counts as CSV or XLSX, of areas inside the officer's part, checked whole; the page lists every bad
    row by line."""

    try:
        report = imports.parse_counts(tables.read_upload(file.file))
    except BluezoneError as unreadable:
        problems = [(1, error_text(unreadable, language(request)))]
        return page(
            request, "campaign_import.html", who, status=400, **{**IMPORT_EMPTY, "problems": problems}
        )
    if report.errors:
        problems = [(line, error_text(error, language(request))) for line, error in report.errors]
        return page(
            request, "campaign_import.html", who, status=422, **{**IMPORT_EMPTY, "problems": problems}
        )
    scope = campaign_scope(who)
    _refused_outside(
        who, lambda: access.check_counts(scope, ((r.structure, r.area_code) for r in report.rows))
    )
    replaced, failure = attempt(request, svc, lambda session: imports.store_counts(session, report.rows))
    if failure:
        return page(request, "campaign_import.html", who, status=400, error=failure, **IMPORT_EMPTY)
    return page(
        request, "campaign_import.html", who, imported=len(report.rows), replaced=replaced, problems=[]
    )


MANAGE_EMPTY: dict[str, Any] = {"units": [], "progress": [], "kinds": units.KINDS, "done": None}


def _scope_name(session: Session, scope: access.Scope) -> str | None:
    """What an officer's part of the campaign is called: an area's or a unit's name; None for the country."""
    if scope.kind is access.ScopeKind.AREA:
        return find_area(scope.ident)[1].name
    if scope.kind is access.ScopeKind.UNIT:
        unit = session.get(Unit, int(scope.ident))
        return None if unit is None else unit.name
    return None


def _province_of_scope(scope: access.Scope, structure: Structure) -> str | None:
    """The province an area-scoped officer's pickers start from."""
    if scope.kind is not access.ScopeKind.AREA:
        return None
    areas = registry(structure)
    try:
        area = areas.get(scope.ident)
    except InvalidInput:
        return None
    return ([area.code, *areas.ancestors(area)])[-1]


def _manage_page(request: Request, svc: Services, who: SignedIn, **extra: Any) -> Response:
    """Units and targets of what is the officer's: the country, their area or their unit."""
    scope = campaign_scope(who)
    with svc.db.session() as session:
        area = scope.ident if scope.kind is access.ScopeKind.AREA else None
        listed = access.visible_units(session, scope, units.units_in(session, area))
        lines = units.unit_table(session, listed, svc.now())
        progress = targets.all_progress(session, svc.now())
        scope_name = _scope_name(session, scope)
    structure = structure_on(local_date(svc.now()))
    within = _province_of_scope(scope, structure)
    status = 400 if extra.get("error") else 200
    context = {
        **MANAGE_EMPTY,
        "units": lines,
        "progress": progress,
        "scope_name": scope_name,
        "structure": structure,
        "unit_area": area_steps(structure, "area_code", {}, within=within),
        "target_area": area_steps(structure, "target_area", {}, within=within),
        "area_names": {line.area_code: area_name(line.area_code) for line in lines},
        **extra,
    }
    return page(request, "campaign_manage.html", who, status=status, **context)


@router.get("/manage", response_class=HTMLResponse)
def manage(request: Request, svc: Svc, who: Managing) -> Response:
    return _manage_page(request, svc, who)


def _managed(request: Request, svc: Services, who: SignedIn, error: str | None) -> Response:
    return (
        _manage_page(request, svc, who, error=error) if error else RedirectResponse("/campaign/manage", 303)
    )


@router.post("/manage/units", response_class=HTMLResponse)
def add_unit(
    request: Request,
    svc: Svc,
    who: ManagingForm,
    *,
    name: Annotated[str, Form()],
    kind: Annotated[str, Form()],
    area_code: Annotated[str, Form()] = "",
    district: Annotated[str, Form(alias="area_code.district")] = "",
    province: Annotated[str, Form(alias="area_code.province")] = "",
    parent_id: Annotated[str, Form()] = "",
) -> Response:
    """A unit where the officer picked it: a commune, or a district or province if they stopped there."""
    parent = int(parent_id) if parent_id.strip().isdigit() else None
    area_code = deepest_chosen(area_code, district, province)

    scope = campaign_scope(who)
    with svc.db.session() as session:
        _refused_outside(
            who, lambda: access.check_new_unit(session, scope, area_code=area_code, parent_id=parent)
        )
    _, error = attempt(
        request,
        svc,
        lambda session: units.create_unit(
            session, name=name, kind=kind, area_code=area_code, parent_id=parent, now=svc.now()
        ),
    )
    return _managed(request, svc, who, error)


@router.post("/manage/targets", response_class=HTMLResponse)
def add_target(
    request: Request,
    svc: Svc,
    who: ManagingForm,
    *,
    basis: Annotated[str, Form()],
    rate_percent: Annotated[float, Form()],
    by: Annotated[date, Form()],
    target_unit: Annotated[str, Form()] = "",
    target_area: Annotated[str, Form()] = "",
    target_district: Annotated[str, Form(alias="target_area.district")] = "",
    target_province: Annotated[str, Form(alias="target_area.province")] = "",
) -> Response:
    """A target for a unit picked from the list or, without one, for the area picked."""
    area = deepest_chosen(target_area, target_district, target_province)
    subject = f"unit:{target_unit.strip()}" if target_unit.strip() else f"area:{area}"
    with svc.db.session() as session:
        _refused_outside(who, lambda: access.check_target(session, campaign_scope(who), subject))
    _, error = attempt(
        request,
        svc,
        lambda session: targets.set_target(
            session, subject=subject, basis=basis, rate_percent=rate_percent, by=by, now=svc.now()
        ),
    )
    return _managed(request, svc, who, error)
