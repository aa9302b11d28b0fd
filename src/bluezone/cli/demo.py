"""`bluezone demo`: the whole system end to end: a simulated city (the default) or a handful of phones."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.panel import Panel
from rich.table import Table

from bluezone.cli.output import Lang, console, print_json
from bluezone.cli.sim import Seeds, run_and_report
from bluezone.risk.scoring import Level
from bluezone.sim.scenario import Scenario

if TYPE_CHECKING:
    from bluezone.sim.pair import PairResult
from bluezone import texts
from bluezone.clock import local_time
from bluezone.texts import Language, text


class DemoScenario(StrEnum):
    CITY = "city"
    PAIR = "pair"
    LAB = "lab"


def demo(
    *,
    scenario: Annotated[
        DemoScenario,
        typer.Option(
            help="city: a simulated town, the servers, the epidemic; pair: a few phones meet; lab: a lab's "
            "result reaches the phone and warns its contact, with no case worker."
        ),
    ] = DemoScenario.CITY,
    people: Annotated[int, typer.Option(help="People in the city.")] = 20_000,
    days: Annotated[int, typer.Option(help="Days simulated.")] = 21,
    adoption: Annotated[float, typer.Option(help="Share of all people running the app.")] = 0.4,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same run.")] = 2020,
    out: Annotated[Path, typer.Option(help="Directory for the city's report.")] = Path("bluezone-demo"),
    language: Annotated[
        Lang, typer.Option("--lang", help="The language of the report (city) or of what phones show.")
    ] = Lang.VI,
    seeds: Seeds = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    svg: Annotated[
        Path | None, typer.Option(help="Also save what the terminal shows as an SVG picture (pair).")
    ] = None,
) -> None:
    """A city of 20,000 for 21 days at 40% adoption on the real servers; or `--scenario pair` or `lab`."""
    if scenario is DemoScenario.LAB:
        _lab(seed, language.value, as_json=as_json)
        return
    if scenario is DemoScenario.CITY:
        city = Scenario().with_overrides(
            **{
                "population.people": people,
                "run.days": days,
                "population.adoption": adoption,
                "run.seed": seed,
            }
        )
        run_and_report(city, out, as_json=as_json, lang=language, seeds=seeds)
        return
    with console.status("Phones meet, one becomes F0, the others match its keys…"):
        from bluezone.sim.pair import run_pair  # noqa: PLC0415 (the simulator loads only when run)

        result = run_pair(seed)
    if as_json:
        print_json(_as_json(result))
        return
    if svg is not None:
        console.record = True
    _show(result, language.value)
    if svg is not None:
        console.save_svg(str(svg), title="bluezone demo")
        console.record = False


def _as_json(result: PairResult) -> dict[str, object]:
    return {
        "f0": result.f0,
        "keys_published": result.keys_published,
        "export_bytes": result.export_bytes,
        "phones": [
            {
                "name": o.name,
                "met_f0": None
                if o.meeting is None
                else {"minutes": o.meeting.minutes, "distance_m": o.meeting.distance_m},
                "heard_packets": o.heard_packets,
                "matched_sightings": o.check.matched_sightings,
                "level": Level(int(o.check.risk.level.max())).name if len(o.check.risk) else "NONE",
                "alerts": [
                    {
                        "level": a.level.name,
                        "date": a.exposure_date.isoformat(),
                        "close_minutes": a.close_minutes,
                    }
                    for a in o.check.new_alerts
                ],
            }
            for o in result.outcomes
        ],
    }


def _show(result: PairResult, language: Language) -> None:
    console.print(
        text(
            "demo.pair.story",
            language,
            f0=result.f0,
            onset=texts.day(result.onset, language),
            keys=result.keys_published,
            bytes=texts.number(result.export_bytes, language),
        )
    )
    table = Table(*(text(f"demo.pair.{column}", language) for column in PAIR_COLUMNS))
    for o in result.outcomes:
        met = (
            text("demo.pair.not_met", language)
            if o.meeting is None
            else text(
                "demo.pair.met_for",
                language,
                minutes=f"{o.meeting.minutes:g}",
                metres=texts.number(o.meeting.distance_m, language, decimals=1),
            )
        )
        risk = o.check.risk
        close = f"{risk.close_seconds.max() / 60:.0f}" if len(risk) else "0"
        level = Level(int(risk.level.max())) if len(risk) else Level.NONE
        verdict = text(f"demo.pair.verdict.{level.name.lower()}", language)
        style = {Level.F1: "bold red", Level.F2: "yellow"}.get(level)
        table.add_row(
            o.name, met, str(o.heard_packets), str(o.check.matched_sightings), close,
            f"[{style}]{verdict}[/{style}]" if style else verdict,
        )  # fmt: skip
    console.print(table)
    for o in result.outcomes:
        title = text("demo.lab.phone_shows", language, name=o.name)
        console.print(Panel(o.check.summary(language), title=title, expand=False))


PAIR_COLUMNS = ("phone", "met", "heard", "matched", "close_minutes", "result")


def _lab(seed: int, language: Language, *, as_json: bool) -> None:
    with console.status(text("demo.lab.running", language)):
        from bluezone.sim.lab import run_lab  # noqa: PLC0415 (the simulator loads only when run)

        run = run_lab(seed)
    if as_json:
        print_json(
            {
                "sample_date": run.sample_date.isoformat(),
                "polls_until_result": run.polls,
                "keys_published": run.keys_published,
                "case_worker_codes": run.codes_by_source["case_worker"],
                "lab_authorisations": run.codes_by_source["lab"],
                "f1_alerted": bool(run.f1_alerted),
                "steps": [
                    {"at": local_time(step.at).isoformat(), "step": step.what, **step.values}
                    for step in run.steps
                ],
                "phones": {
                    name: [
                        {"level": a.level.name, "date": a.exposure_date.isoformat()} for a in check.new_alerts
                    ]
                    for name, check in run.checks.items()
                },
            }
        )
        return
    table = Table(text("demo.lab.when", language), text("demo.lab.what", language))
    for step in run.steps:
        table.add_row(
            texts.moment(local_time(step.at), language),
            text(f"demo.lab.{step.what}", language, **step.values),
        )
    console.print(table)
    console.print(
        text(
            "demo.lab.summary",
            language,
            case_worker=run.codes_by_source["case_worker"],
            lab=run.codes_by_source["lab"],
        )
    )
    for name, check in run.checks.items():
        title = text("demo.lab.phone_shows", language, name=name)
        console.print(Panel(check.summary(language), title=title, expand=False))
