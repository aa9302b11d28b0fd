"""Units (agencies, businesses, schools, hospitals, post offices, …) and their reporters' dated reports:
staff, staff with a smartphone, staff with the app. The area above sees which units report late or not at all.

A unit reports every `report_every_days` (7 by default). It is *missing* when its latest report is older
than that (or it never reported and was created longer ago than that), and *late* when its latest report
came after the period it was due in.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluezone.campaign.imports import MAX_COUNT, count
from bluezone.campaign.ranking import Entry, RankRow, rank
from bluezone.clock import EPOCH, local_day
from bluezone.errors import BluezoneError, InvalidInput, NotFound
from bluezone.geography.areas import Structure, registry, structure_on
from bluezone.store.models import MAX_ROW_ID, Unit, UnitReport

KINDS = ("agency", "business", "school", "hospital", "post_office", "other")
REPORT_COLUMNS = ("unit_id", "as_of", "staff", "smartphone_holders", "installed")


class Status(StrEnum):
    OK = "ok"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class ReportRow:
    unit_id: int
    as_of_day: int
    staff: int
    smartphone_holders: int
    installed: int


@dataclass(frozen=True)
class UnitLine:
    """A unit with its latest report, for tables and exports."""

    unit_id: int
    name: str
    kind: str
    area_code: str
    parent_id: int | None
    as_of: date | None
    staff: int | None
    smartphone_holders: int | None
    installed: int | None
    status: Status

    @property
    def rate_of_staff(self) -> float | None:
        return None if not self.staff or self.installed is None else 100 * self.installed / self.staff

    @property
    def rate_of_holders(self) -> float | None:
        if not self.smartphone_holders or self.installed is None:
            return None
        return 100 * self.installed / self.smartphone_holders


def create_unit(
    session: Session,
    *,
    name: str,
    kind: str,
    area_code: str,
    parent_id: int | None = None,
    report_every_days: int = 7,
    now: int,
) -> Unit:
    if not name.strip() or len(name) > 200:
        raise InvalidInput("a unit needs a name of at most 200 characters", code="bad_unit")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", code="bad_unit")
    if not 1 <= report_every_days <= 92:
        raise InvalidInput("report_every_days must be 1 to 92", code="bad_unit")
    structure = structure_on(EPOCH + timedelta(days=local_day(now)))
    registry(structure).get(area_code)
    if parent_id is not None and session.get(Unit, parent_id) is None:
        raise NotFound(f"no unit {parent_id}", code="unknown_unit")
    unit = Unit(
        name=name.strip(),
        kind=kind,
        structure=structure.value,
        area_code=area_code,
        parent_id=parent_id,
        report_every_days=report_every_days,
        created_at=now,
    )
    session.add(unit)
    session.flush()
    return unit


def check_report(row: ReportRow, today: int) -> None:
    if min(row.staff, row.smartphone_holders, row.installed) < 0:
        raise InvalidInput("counts must not be negative", code="bad_report")
    if row.staff > MAX_COUNT:
        raise InvalidInput(f"staff must be at most {MAX_COUNT:,}", code="bad_report")
    if not row.installed <= row.smartphone_holders <= row.staff:
        raise InvalidInput("installed ≤ smartphone holders ≤ staff must hold", code="bad_report")
    if row.as_of_day > today:
        raise InvalidInput("the report's date is in the future", code="bad_report")


def submit_reports(session: Session, rows: list[ReportRow], now: int) -> int:
    """Store reports (replacing one of the same unit and day); return how many replaced earlier ones."""
    today = local_day(now)
    known = set(session.scalars(select(Unit.id).where(Unit.id.in_({r.unit_id for r in rows}))))
    replaced = 0
    for row in rows:
        if row.unit_id not in known:
            raise NotFound(f"no unit {row.unit_id}", code="unknown_unit")
        check_report(row, today)
        replaced += session.execute(
            delete(UnitReport).where(UnitReport.unit_id == row.unit_id, UnitReport.as_of_day == row.as_of_day)
        ).rowcount  # type: ignore[attr-defined]
        session.add(
            UnitReport(
                unit_id=row.unit_id,
                as_of_day=row.as_of_day,
                staff=row.staff,
                smartphone_holders=row.smartphone_holders,
                installed=row.installed,
                submitted_at=now,
            )
        )
    return int(replaced)


def parse_reports(text: str, today: int) -> tuple[list[ReportRow], list[tuple[int, BluezoneError]]]:
    """A bulk file of reports: (rows, errors by line); nothing is stored while any line is wrong."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    if sorted(columns) != sorted(REPORT_COLUMNS):
        expected = ", ".join(REPORT_COLUMNS)
        return [], [
            (
                1,
                InvalidInput(
                    f"columns must be {expected}", code="report_columns", values={"columns": expected}
                ),
            )
        ]
    rows: list[ReportRow] = []
    errors: list[tuple[int, BluezoneError]] = []
    for line, record in enumerate(reader, start=2):
        try:
            values = {k.strip(): (v or "").strip() for k, v in record.items() if k is not None}
            row = ReportRow(
                unit_id=count(values["unit_id"], "unit_id", MAX_ROW_ID),
                as_of_day=(date.fromisoformat(values["as_of"]) - EPOCH).days,
                staff=count(values["staff"], "staff"),
                smartphone_holders=count(values["smartphone_holders"], "smartphone_holders"),
                installed=count(values["installed"], "installed"),
            )
            check_report(row, today)
            rows.append(row)
        except BluezoneError as error:
            errors.append((line, error))
        except ValueError:
            errors.append((line, InvalidInput("as_of must be a date, YYYY-MM-DD", code="bad_report_date")))
    return rows, errors


def unit_named(session: Session, ident: str) -> Unit | None:
    """The unit a subject or scope names by id (`17` of `unit:17`); None for no such unit."""
    if not ident.isdigit() or int(ident) > MAX_ROW_ID:
        return None
    return session.get(Unit, int(ident))


def units_in(session: Session, area_code: str | None, parent_id: int | None = None) -> list[Unit]:
    """Units in an area (at any depth below it) or directly inside a parent unit."""
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    if parent_id is not None:
        return [u for u in units if u.parent_id == parent_id]
    if area_code is None:
        return units
    chosen = []
    for unit in units:
        areas = registry(Structure(unit.structure))
        if unit.area_code == area_code or area_code in areas.ancestors(areas.get(unit.area_code)):
            chosen.append(unit)
    return chosen


def unit_table(session: Session, units: list[Unit], now: int) -> list[UnitLine]:
    today = local_day(now)
    reports: dict[int, list[UnitReport]] = {}
    for report in session.scalars(
        select(UnitReport).where(UnitReport.unit_id.in_([u.id for u in units])).order_by(UnitReport.as_of_day)
    ):
        reports.setdefault(report.unit_id, []).append(report)
    lines = []
    for unit in units:
        history = reports.get(unit.id, [])
        latest = history[-1] if history else None
        lines.append(
            UnitLine(
                unit_id=unit.id,
                name=unit.name,
                kind=unit.kind,
                area_code=unit.area_code,
                parent_id=unit.parent_id,
                as_of=None if latest is None else EPOCH + timedelta(days=latest.as_of_day),
                staff=None if latest is None else latest.staff,
                smartphone_holders=None if latest is None else latest.smartphone_holders,
                installed=None if latest is None else latest.installed,
                status=_status(unit, history, today),
            )
        )
    return lines


def _status(unit: Unit, history: list[UnitReport], today: int) -> Status:
    period = unit.report_every_days
    since = history[-1].as_of_day if history else local_day(unit.created_at)
    if today - since > period:
        return Status.MISSING
    if history:
        before = history[-2].as_of_day if len(history) > 1 else local_day(unit.created_at)
        if history[-1].as_of_day - before > period:
            return Status.LATE
    return Status.OK


def unit_ranking(lines: list[UnitLine], previous: list[UnitLine] | None = None) -> list[RankRow]:
    """Units by share of staff with the app; movement against an earlier table."""
    earlier = None
    if previous is not None:
        earlier = {r.area_code: r.rank for r in unit_ranking(previous) if r.rank is not None}
    entries = [Entry(str(line.unit_id), line.name, line.installed or 0, line.staff) for line in lines]
    return rank(entries, earlier)
