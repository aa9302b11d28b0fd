"""Count imports: CSV from carriers or the counting service, checked whole before anything is stored.

Columns: `as_of`, `area_code`, `installs`, and optionally `smartphones`, `active`, `population` (a
denominator for areas the 2019 census table does not cover). Re-importing the same
`as_of` and area replaces it. A time without a zone is Viet Nam's (UTC+7); a date alone means its midnight.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bluezone.clock import as_unix, local_date
from bluezone.errors import BluezoneError, InvalidInput
from bluezone.geography.areas import Level, Registry, Structure, registry, structure_on
from bluezone.store.models import CampaignCount

REQUIRED = ("as_of", "area_code", "installs")
OPTIONAL = ("smartphones", "active", "population")
MAX_ROWS = 2_000_000
DELETE_CHUNK = 5000  # area codes per DELETE: under every database's parameter limit
MAX_COUNT = 10**9  # more people than Viet Nam has, within every column's range


class CountRow(NamedTuple):
    as_of: int
    structure: Structure
    level: Level
    area_code: str
    installs: int
    smartphones: int | None
    active: int | None
    population: int | None = None


@dataclass
class ImportReport:
    rows: list[CountRow] = field(default_factory=list)
    errors: list[tuple[int, BluezoneError]] = field(default_factory=list)  # (line, what is wrong)


def parse_time(value: str) -> int:
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"as_of {value!r} is not an ISO-8601 date or time", code="bad_time", values={"value": value}
        ) from None
    if len(text) == 10:  # a date alone
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return as_unix(moment)


def count(value: str, what: str, most: int = MAX_COUNT) -> int:
    """A whole number from 0 to `most` in a file's cell, thousands separators allowed as people type them
    (1,234 or 1.234 or 1 234)."""
    try:
        number = int(value.strip().replace(",", "").replace(".", "").replace(" ", ""))
    except ValueError:
        raise InvalidInput(
            f"{what} {value!r} is not a whole number",
            code="bad_number",
            values={"what": what, "value": value},
        ) from None
    if not 0 <= number <= most:
        raise InvalidInput(
            f"{what} must be 0 to {most:,}", code="count_out_of_range", values={"what": what, "most": most}
        )
    return number


class _Moments:
    """Each distinct `as_of` text parsed once: a file holds a few moments and many rows."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[int, Structure, Registry]] = {}

    def __call__(self, text: str) -> tuple[int, Structure, Registry]:
        found = self._seen.get(text)
        if found is None:
            as_of = parse_time(text)
            structure = structure_on(local_date(as_of))
            found = self._seen[text] = (as_of, structure, registry(structure))
        return found


def _row(values: list[str], column: dict[str, int], moments: _Moments) -> CountRow:
    as_of, structure, areas = moments(values[column["as_of"]])
    area = areas.get(values[column["area_code"]].strip())
    installs = count(values[column["installs"]], "installs")
    smartphones = active = None
    if "smartphones" in column and values[column["smartphones"]].strip():
        smartphones = count(values[column["smartphones"]], "smartphones")
    if "active" in column and values[column["active"]].strip():
        active = count(values[column["active"]], "active")
    population = None
    if "population" in column and values[column["population"]].strip():
        population = count(values[column["population"]], "population")
        if installs > population:
            raise InvalidInput("installs exceed the population", code="installs_over_population")
    if smartphones is not None and installs > smartphones:
        raise InvalidInput("installs exceed smartphone subscribers", code="installs_over_smartphones")
    if active is not None and active > installs:
        raise InvalidInput("active phones exceed installs", code="active_over_installs")
    return CountRow(as_of, structure, area.level, area.code, installs, smartphones, active, population)


def parse_counts(text: str) -> ImportReport:
    """Every row checked; the report lists each bad row by line."""
    report = ImportReport()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    columns = [c.strip() for c in next(reader, [])]
    missing = [c for c in REQUIRED if c not in columns]
    unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
    if missing or unknown:
        expected = {"required": ", ".join(REQUIRED), "optional": ", ".join(OPTIONAL)}
        kind, named = ("missing_columns", missing) if missing else ("unknown_columns", unknown)
        problem = (
            f"{kind.replace('_', ' ')} {', '.join(named)}; expected {expected['required']} and optionally "
        )
        problem += expected["optional"]
        report.errors.append(
            (1, InvalidInput(problem, code=kind, values={"columns": ", ".join(named), **expected}))
        )
        return report
    column = {name: i for i, name in enumerate(columns)}
    width = len(columns)
    moments = _Moments()
    seen: dict[tuple[int, str], int] = {}
    try:
        for line, values in enumerate(reader, start=2):
            if line > MAX_ROWS + 1:
                report.errors.append(
                    (
                        line,
                        InvalidInput(
                            f"more than {MAX_ROWS:,} rows", code="too_many_rows", values={"most": MAX_ROWS}
                        ),
                    )
                )
                break
            if not values:
                continue
            if len(values) < width:
                report.errors.append(
                    (line, InvalidInput("the row has fewer fields than the header", code="short_row"))
                )
                continue
            try:
                row = _row(values, column, moments)
            except BluezoneError as error:
                report.errors.append((line, error))
                continue
            key = (row.as_of, row.area_code)
            if key in seen:
                first = seen[key]
                report.errors.append(
                    (
                        line,
                        InvalidInput(
                            f"the same area and time as line {first}",
                            code="repeated_row",
                            values={"line": first},
                        ),
                    )
                )
                continue
            seen[key] = line
            report.rows.append(row)
    except csv.Error as error:
        report.errors.append((reader.line_num, InvalidInput(f"not readable as CSV: {error}", code="bad_csv")))
    return report


def store_counts(session: Session, rows: list[CountRow]) -> int:
    """Replace what was stored for the same time and area; return how many rows replaced earlier ones.
    In bulk: one delete per moment and chunk of areas, then one batched insert."""
    replaced = 0
    by_moment: dict[tuple[int, str], list[str]] = {}
    for row in rows:
        by_moment.setdefault((row.as_of, row.structure.value), []).append(row.area_code)
    for (as_of, structure), codes in by_moment.items():
        stored = select(CampaignCount.id).where(
            CampaignCount.as_of == as_of, CampaignCount.structure == structure
        )
        if session.execute(stored.limit(1)).first() is None:
            continue  # a new moment (the usual import): nothing to replace
        for first in range(0, len(codes), DELETE_CHUNK):
            replaced += session.execute(
                delete(CampaignCount).where(
                    CampaignCount.as_of == as_of,
                    CampaignCount.structure == structure,
                    CampaignCount.area_code.in_(codes[first : first + DELETE_CHUNK]),
                )
            ).rowcount  # type: ignore[attr-defined]
    if rows:
        _insert(session, rows)
    return int(replaced)


COLUMNS = "as_of, structure, level, area_code, installs, smartphones, active, population"


def _insert(session: Session, rows: list[CountRow]) -> None:
    """A million rows in seconds: PostgreSQL's COPY, or SQLite's executemany over plain tuples."""
    values = (
        (
            r.as_of,
            r.structure.value,
            r.level.value,
            r.area_code,
            r.installs,
            r.smartphones,
            r.active,
            r.population,
        )
        for r in rows
    )
    connection = session.connection()
    table = CampaignCount.__tablename__
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)
        return
    connection.exec_driver_sql(
        f"INSERT INTO {table} ({COLUMNS}) VALUES ({', '.join(['?'] * 8)})", list(values)
    )
