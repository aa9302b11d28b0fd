"""The campaign's API: rankings (public), phones' install and activity reports, count imports, units and
their reports, targets, and tables as CSV or XLSX. Writes need an admin key; phones use a device key."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from bluezone.campaign import access, activity, imports, quick_report, service, tables, targets, units
from bluezone.campaign.ranking import RankRow
from bluezone.clock import EPOCH, local_date, local_day
from bluezone.errors import BluezoneError, InvalidInput
from bluezone.web.api.access import AdminKey, DeviceKey
from bluezone.web.api.privacy import padded
from bluezone.web.api.schemas import ERRORS, ActivityRequest, Camel, ReportRequest, TargetRequest, UnitRequest
from bluezone.web.dependencies import RowId, Svc

router = APIRouter(tags=["campaign"])
Format = Literal["json", "csv", "xlsx"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A table's three forms, as `format=` chooses them, declared so that clients and fuzzers expect each.
TABLES: dict[int | str, dict[str, object]] = {
    **ERRORS,
    200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}},
}


class RankingRow(Camel):
    rank: int | None
    area_code: str
    name: str
    installs: int
    denominator: int | None
    rate_percent: float | None
    rank_change: int | None


RANKING_HEADER = ("rank", "rank_change", "area_code", "name", "installs", "denominator", "rate_percent")


def _ranking_cells(rows: list[RankRow]) -> list[list[tables.Cell]]:
    return [
        [
            r.rank,
            r.rank_change,
            r.area_code,
            r.name,
            r.installs,
            r.denominator,
            None if r.rate_percent is None else round(r.rate_percent, 2),
        ]
        for r in rows
    ]


def _download(name: str, fmt: Format, header: tuple[str, ...], cells: list[list[tables.Cell]]) -> Response:
    if fmt == "csv":
        return Response(
            tables.to_csv(header, cells),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(
        tables.to_xlsx(name, header, cells),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/api/campaign/ranking", response_model=list[RankingRow], responses=TABLES)
def ranking(
    svc: Svc,
    *,
    as_of: str | None = None,
    level: str = "province",
    parent: str | None = None,
    by: str = "population",
    structure: str | None = None,
    top: Annotated[int | None, Query(ge=1)] = None,
    bottom: Annotated[int | None, Query(ge=1)] = None,
    format: Format = "json",
) -> list[RankingRow] | Response:
    """Areas of one level by install rate (of population or of smartphone subscribers), with their movement
    since the previous snapshot (`rank_change` > 0: moved up). `structure=2025` shows older figures in the
    34 provinces; `top`/`bottom` keep the first or last N ranked; `format=csv|xlsx` downloads the table."""
    moment = None if as_of is None else imports.parse_time(as_of)
    with svc.db.session() as session:
        _, rows = service.ranking(
            session, as_of=moment, level=level, parent=parent, by=by, structure=structure
        )
    if top is not None or bottom is not None:
        ranked = [r for r in rows if r.rank is not None]
        rows = ranked[: top or 0] + (ranked[-bottom:] if bottom else [])
    if format != "json":
        return _download(f"ranking-{level}", format, RANKING_HEADER, _ranking_cells(rows))
    return [RankingRow.model_validate(row) for row in rows]


@router.post("/api/campaign/activity", status_code=202, responses=ERRORS)
async def report_activity(body: ActivityRequest, svc: Svc, _caller: DeviceKey) -> JSONResponse:
    """A phone's install (once) or its day's activity; counted once per token and day, nothing else kept.
    Answered once the receipt is committed, with the others that arrived meanwhile (store/group_commit.py)."""
    receipt = activity.receipt_for(
        svc.secrets, kind=body.kind, commune_code=body.commune_code, token=body.token, now=svc.now()
    )
    assert svc.activity_reports is not None
    await asyncio.wrap_future(svc.activity_reports.submit(receipt))
    return padded({"status": "received"}, status=202)


class ImportResult(Camel):
    imported: int
    replaced: int
    errors: list[tuple[int, str]]


def _refused(errors: list[tuple[int, BluezoneError]]) -> JSONResponse:
    """Nothing stored: every bad line, to fix and send again."""
    result = ImportResult(imported=0, replaced=0, errors=[(line, error.message) for line, error in errors])
    refusal = {"error": f"{len(errors)} line(s) are wrong; nothing was stored", "code": "bad_rows"}
    return JSONResponse({**refusal, **result.model_dump(by_alias=True)}, 422)


@router.post("/api/campaign/counts", response_model=ImportResult, responses=ERRORS)
def import_counts(file: UploadFile, svc: Svc, caller: AdminKey) -> ImportResult | JSONResponse:
    """Install counts as CSV or XLSX, of areas inside the key's province (a ministry key: any); checked whole,
    so with any bad row nothing is stored (422 lists them)."""
    report = imports.parse_counts(tables.read_upload(file.file))
    if report.errors:
        return _refused(report.errors)
    access.check_counts(caller.campaign_scope, ((row.structure, row.area_code) for row in report.rows))
    with svc.db.session() as session:
        replaced = imports.store_counts(session, report.rows)
    return ImportResult(imported=len(report.rows), replaced=replaced, errors=[])


class UnitResponse(Camel):
    """A unit with its latest report; read from `units.UnitLine`'s attributes."""

    unit_id: int
    name: str
    kind: str
    area_code: str
    parent_id: int | None
    as_of: date | None
    staff: int | None
    smartphone_holders: int | None
    installed: int | None
    rate_of_staff: float | None
    rank: int | None = None  # among the units listed, by share of staff with the app
    status: str


def _unit_response(line: units.UnitLine, rank: int | None = None) -> UnitResponse:
    response = UnitResponse.model_validate(line)
    response.rank = rank
    return response


@router.post("/api/campaign/units", response_model=UnitResponse, status_code=201, responses=ERRORS)
def create_unit(body: UnitRequest, svc: Svc, caller: AdminKey) -> UnitResponse:
    with svc.db.session() as session:
        access.check_new_unit(
            session, caller.campaign_scope, area_code=body.area_code, parent_id=body.parent_id
        )
        unit = units.create_unit(
            session,
            name=body.name,
            kind=body.kind,
            area_code=body.area_code,
            parent_id=body.parent_id,
            report_every_days=body.report_every_days,
            now=svc.now(),
        )
        return _unit_response(units.unit_table(session, [unit], svc.now())[0])


UNIT_HEADER = (
    "unit_id", "name", "kind", "area_code", "parent_id", "as_of", "staff", "smartphone_holders",
    "installed", "rate_of_staff", "status",
)  # fmt: skip


@router.get("/api/campaign/units", response_model=list[UnitResponse], responses=TABLES)
def list_units(
    svc: Svc, area: str | None = None, parent: RowId | None = None, format: Format = "json"
) -> list[UnitResponse] | Response:
    """Units in an area (any depth) or inside a parent unit, each with its latest report and whether it is
    late or missing."""
    with svc.db.session() as session:
        lines = units.unit_table(session, units.units_in(session, area, parent), svc.now())
    ranks = {row.area_code: row.rank for row in units.unit_ranking(lines)}
    shown = [_unit_response(line, ranks.get(str(line.unit_id))) for line in lines]
    if format != "json":
        cells: list[list[tables.Cell]] = [
            [
                *(u.unit_id, u.name, u.kind, u.area_code, u.parent_id),
                None if u.as_of is None else u.as_of.isoformat(),
                *(u.staff, u.smartphone_holders, u.installed),
                None if u.rate_of_staff is None else round(u.rate_of_staff, 2),
                u.status,
            ]
            for u in shown
        ]
        return _download("units", format, UNIT_HEADER, cells)
    return shown


def _submit(svc: Svc, caller: AdminKey, rows: list[units.ReportRow]) -> int:
    """Reports for units inside the caller's scope, stored together or not at all."""
    with svc.db.session() as session:
        access.check_units(session, caller.campaign_scope, {row.unit_id for row in rows})
        return units.submit_reports(session, rows, svc.now())


@router.post("/api/campaign/units/{unit_id}/reports", status_code=201, responses=ERRORS)
def submit_report(unit_id: RowId, body: ReportRequest, svc: Svc, caller: AdminKey) -> JSONResponse:
    row = units.ReportRow(
        unit_id=unit_id,
        as_of_day=(body.as_of - EPOCH).days,
        staff=body.staff,
        smartphone_holders=body.smartphone_holders,
        installed=body.installed,
    )
    return JSONResponse({"replaced": _submit(svc, caller, [row])}, status_code=201)


@router.post("/api/campaign/reports", response_model=ImportResult, responses=ERRORS)
def import_reports(file: UploadFile, svc: Svc, caller: AdminKey) -> ImportResult | JSONResponse:
    """Many units' reports in one CSV or XLSX (unit_id, as_of, staff, smartphone_holders, installed)."""
    rows, errors = units.parse_reports(tables.read_upload(file.file), local_day(svc.now()))
    if errors:
        return _refused(errors)
    try:
        replaced = _submit(svc, caller, rows)
    except InvalidInput as error:
        return _refused([(0, error)])
    return ImportResult(imported=len(rows), replaced=replaced, errors=[])


class ProgressResponse(Camel):
    subject: str
    name: str
    basis: str
    target_percent: float
    by: date
    count: int | None
    denominator: int | None
    rate_percent: float | None
    still_needed: int | None
    needed_per_day: float | None
    on_track: bool | None


@router.put("/api/campaign/targets", response_model=ProgressResponse, responses=ERRORS)
def set_target(body: TargetRequest, svc: Svc, caller: AdminKey) -> ProgressResponse:
    with svc.db.session() as session:
        access.check_target(session, caller.campaign_scope, body.subject)
        target = targets.set_target(
            session,
            subject=body.subject,
            basis=body.basis,
            rate_percent=body.rate_percent,
            by=body.by,
            now=svc.now(),
        )
        return ProgressResponse.model_validate(
            targets.progress(session, target, svc.now()), from_attributes=True
        )


@router.get("/api/campaign/targets", response_model=list[ProgressResponse], responses=ERRORS)
def list_targets(svc: Svc) -> list[ProgressResponse]:
    with svc.db.session() as session:
        return [
            ProgressResponse.model_validate(p, from_attributes=True)
            for p in targets.all_progress(session, svc.now())
        ]


@router.get("/api/campaign/quick-report", responses={**ERRORS, 200: {"content": {"application/pdf": {}}}})
def quick_report_pdf(
    svc: Svc, province: str, by: str = "population", lang: str = "vi", as_of: str | None = None
) -> Response:
    """The province's printable quick report (PDF): counts, rate, national rank and movement, districts."""
    moment = None if as_of is None else imports.parse_time(as_of)
    with svc.db.session() as session:
        report = quick_report.gather(session, province, by=by, as_of=moment)
    return Response(
        quick_report.render_pdf(report, lang, issued_on=local_date(svc.now())),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="bluezone-{province}.pdf"'},
    )
