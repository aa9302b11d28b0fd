"""`bluezone campaign`: import install counts and rank provinces, districts and communes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bluezone.campaign.ranking import Denominator
from bluezone.cli.output import Lang, console, print_json
from bluezone.cli.server import DataDir, open_server_services
from bluezone.errors import InvalidInput
from bluezone.geography.areas import Level

app = typer.Typer(
    rich_markup_mode=None, help="The installation campaign: counts and rankings.", no_args_is_help=True
)


@app.command("import-counts")
def import_counts(
    file: Annotated[Path, typer.Argument(help="CSV: as_of, area_code, installs[, smartphones, active]")],
    data_dir: DataDir = None,
) -> None:
    """Import counts; the whole file is checked first and nothing is stored if any row is bad."""
    from bluezone.campaign import imports  # noqa: PLC0415 (loaded only when used)

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {file}: {error}", code="unreadable") from None
    report = imports.parse_counts(text)
    if report.errors:
        for line, problem in report.errors[:50]:
            console.print(f"line {line}: {problem.message}", highlight=False, markup=False)
        more = " (first 50 shown)" if len(report.errors) > 50 else ""
        raise InvalidInput(f"{len(report.errors)} bad rows{more}; nothing imported", code="bad_rows")
    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        replaced = imports.store_counts(session, report.rows)
    console.print(f"{len(report.rows)} rows imported ({replaced} replaced earlier ones)")


@app.command()
def ranking(
    *,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Rank as of this time (default: latest).")
    ] = None,
    level: Annotated[Level, typer.Option(help="Which areas to rank.")] = Level.PROVINCE,
    parent: Annotated[str | None, typer.Option(help="Only areas within this area (GSO code).")] = None,
    by: Annotated[Denominator, typer.Option(help="What rates are of.")] = Denominator.POPULATION,
    structure: Annotated[
        str | None, typer.Option(help="2025: show figures dated before July 2025 in the 34 provinces.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Areas by install rate, with their movement since the previous snapshot."""
    from bluezone.campaign import imports, service  # noqa: PLC0415 (loaded only when used)

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        moment, rows = service.ranking(
            session,
            as_of=None if as_of is None else imports.parse_time(as_of),
            level=level,
            parent=parent,
            by=by,
            structure=structure,
        )
    if as_json:
        print_json([row.__dict__ for row in rows])
        return
    table = Table("#", "", "area", "installs", by, "rate", title=f"as of {service.describe(moment)}")
    for row in rows:
        change = (
            "" if not row.rank_change else ("▲" if row.rank_change > 0 else "▼") + str(abs(row.rank_change))
        )
        rate = "-" if row.rate_percent is None else f"{row.rate_percent:.2f}%"
        table.add_row(
            str(row.rank or "-"),
            change,
            f"{row.name} ({row.area_code})",
            f"{row.installs:,}",
            "-" if row.denominator is None else f"{row.denominator:,}",
            rate,
        )
    console.print(table)


@app.command("quick-report")
def quick_report_command(
    *,
    province: Annotated[str, typer.Option(help='The province, by name ("Hà Nội") or GSO code (01).')],
    out: Annotated[Path, typer.Option(help="PDF file to write.")],
    by: Annotated[Denominator, typer.Option(help="What rates are of.")] = Denominator.POPULATION,
    language: Annotated[Lang, typer.Option("--lang", help="The report's language.")] = Lang.VI,
    data_dir: DataDir = None,
) -> None:
    """The printable quick report a provincial department sends upward, as PDF."""
    from bluezone.campaign import quick_report  # noqa: PLC0415 (loaded only when used)
    from bluezone.clock import local_date  # noqa: PLC0415
    from bluezone.geography.areas import province_named  # noqa: PLC0415

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        report = quick_report.gather(session, province_named(province), by=by)
    out.write_bytes(quick_report.render_pdf(report, language, issued_on=local_date(svc.now())))
    console.print(f"{report.province_name}: {out}")


@app.command("close-days")
def close_days(data_dir: DataDir = None) -> None:
    """Turn finished days of phones' reports into commune snapshots (the server also does it on schedule)."""
    from bluezone.campaign import activity  # noqa: PLC0415 (loaded only when used)

    svc = open_server_services(data_dir)
    with svc.db.session() as session:
        days = activity.close_days(session, svc.now())
    console.print(f"{len(days)} days closed")
