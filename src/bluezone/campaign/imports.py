"""Count imports: CSV from carriers or the counting service, checked whole before anything is stored.

Columns: `as_of`, `area_code`, `installs`, and optionally `smartphones`, `active`. Re-importing the same
`as_of` and area replaces it. A time without a zone is Viet Nam's (UTC+7); a date alone means its midnight.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bluezone.campaign.areas import Level, Structure, level_of, registry, structure_on
from bluezone.errors import BluezoneError, InvalidInput
from bluezone.store.models import CampaignCount

VIETNAM = timezone(timedelta(hours=7))
REQUIRED = ("as_of", "area_code", "installs")
OPTIONAL = ("smartphones", "active")
MAX_ROWS = 2_000_000


@dataclass(frozen=True)
class CountRow:
    as_of: int
    structure: Structure
    level: Level
    area_code: str
    installs: int
    smartphones: int | None
    active: int | None


@dataclass
class ImportReport:
    rows: list[CountRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)


def parse_time(value: str) -> int:
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"as_of {value!r} is not an ISO-8601 date or time", code="bad_time") from None
    if len(text) == 10:  # a date alone
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return int((moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)).timestamp())


def _count(value: str, what: str) -> int:
    try:
        number = int(value.strip().replace(",", "").replace(".", "").replace(" ", ""))
    except ValueError:
        raise InvalidInput(f"{what} {value!r} is not a whole number", code="bad_number") from None
    if number < 0:
        raise InvalidInput(f"{what} must not be negative", code="bad_number")
    return number


def _row(record: dict[str, str]) -> CountRow:
    as_of = parse_time(record["as_of"])
    structure = structure_on(datetime.fromtimestamp(as_of, tz=VIETNAM).date())
    code = record["area_code"].strip()
    area = registry(structure).get(code)
    installs = _count(record["installs"], "installs")
    smartphones = (
        _count(record["smartphones"], "smartphones") if (record.get("smartphones") or "").strip() else None
    )
    active = _count(record["active"], "active") if (record.get("active") or "").strip() else None
    if smartphones is not None and installs > smartphones:
        raise InvalidInput("installs exceed smartphone subscribers", code="inconsistent")
    if active is not None and active > installs:
        raise InvalidInput("active phones exceed installs", code="inconsistent")
    return CountRow(as_of, structure, level_of(area.code), area.code, installs, smartphones, active)


def parse_counts(text: str) -> ImportReport:
    """Every row checked; the report lists each bad row by line."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        problem = (
            f"missing columns {', '.join(missing)}" if missing else f"unknown columns {', '.join(unknown)}"
        )
        report.errors.append(
            (1, f"{problem}; expected {', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}")
        )
        return report
    seen: dict[tuple[int, str], int] = {}
    try:
        for line, record in enumerate(reader, start=2):
            if line > MAX_ROWS + 1:
                report.errors.append((line, f"more than {MAX_ROWS:,} rows"))
                break
            try:
                row = _row({k.strip(): v for k, v in record.items() if k is not None})
            except BluezoneError as error:
                report.errors.append((line, error.message))
                continue
            except (TypeError, AttributeError):
                report.errors.append((line, "the row has fewer fields than the header"))
                continue
            key = (row.as_of, row.area_code)
            if key in seen:
                report.errors.append((line, f"the same area and time as line {seen[key]}"))
                continue
            seen[key] = line
            report.rows.append(row)
    except csv.Error as error:
        report.errors.append((reader.line_num, f"not readable as CSV: {error}"))
    return report


def store_counts(session: Session, rows: list[CountRow]) -> int:
    """Replace what was stored for the same time and area; return how many rows replaced earlier ones."""
    replaced = 0
    for row in rows:
        replaced += session.execute(
            delete(CampaignCount).where(
                CampaignCount.as_of == row.as_of,
                CampaignCount.structure == row.structure.value,
                CampaignCount.area_code == row.area_code,
            )
        ).rowcount  # type: ignore[attr-defined]
    session.add_all(
        CampaignCount(
            as_of=r.as_of,
            structure=r.structure.value,
            level=r.level.value,
            area_code=r.area_code,
            installs=r.installs,
            smartphones=r.smartphones,
            active=r.active,
        )
        for r in rows
    )
    return int(replaced)
