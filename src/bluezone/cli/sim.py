"""`bluezone sim run|sweep`: the population simulator, and the city run `bluezone demo` shows."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bluezone.cli.output import Lang, console, print_json
from bluezone.errors import InvalidInput
from bluezone.sim.scenario import Scenario, load_scenario

if TYPE_CHECKING:
    from bluezone.sim.study import Summary

app = typer.Typer(
    rich_markup_mode=None, help="The population simulator: real phone and server code on a simulated town."
)

REPORT_NAME = "report.html"
Seeds = Annotated[
    int,
    typer.Option(min=1, max=64, help="Run this many seeds (in parallel): medians and 90% intervals."),
]
DEFAULT_OUT = Path("bluezone-sim")


@contextmanager
def _progress(label: str, quiet: bool) -> Iterator[Progress]:
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    )
    with progress:
        progress.add_task(label, total=None)
        yield progress


def _advance(progress: Progress):  # type: ignore[no-untyped-def]
    def update(done: int, total: int) -> None:
        progress.update(progress.task_ids[0], completed=done, total=total)

    return update


def run_and_report(
    scenario: Scenario, out: Path, *, as_json: bool, lang: Lang = Lang.VI, seeds: int = 1
) -> None:
    """Run with and without the app (on `seeds` seeds), write the report (in `lang`), print the summary: with
    several seeds, each figure's median and 90 % interval, and the report of the median run."""
    from bluezone.sim.report import render, write_report  # noqa: PLC0415 (the simulator loads only when run)
    from bluezone.sim.study import median_run, run_seeds, spread  # noqa: PLC0415

    p = scenario.population
    label = f"{p.people:,} people, {scenario.run.days} days, {100 * p.adoption:.0f}% adoption"
    if seeds > 1:
        label += f", {seeds} seeds"
    with _progress(label, as_json) as progress:
        results = run_seeds(scenario, seeds, _advance(progress))
        summary = median_run(results)
        report = write_report(out / REPORT_NAME, render(summary, lang=lang.value, across=results))
    if as_json:
        whole = spread([r.as_json(report) for r in results])
        assert isinstance(whole, dict)
        print_json({**whole, "seed": [r.seed for r in results]} if seeds > 1 else summary.as_json(report))
        return
    show(summary, report)
    if seeds > 1:
        show_spread(results)


def show_spread(results: Sequence[Summary]) -> None:
    from bluezone.sim.study import spread  # noqa: PLC0415

    table = Table(title=f"{len(results)} seeds: median [90% interval]")
    table.add_column("figure")
    table.add_column("median [low–high]", justify="right")
    whole = spread([r.as_json(None) for r in results])
    assert isinstance(whole, dict)
    shown = {**whole, **whole["epidemic"]}
    for name in SPREAD_FIGURES:
        table.add_row(name, _middle(shown.get(name)))
    console.print(table)


SWEEP_COLUMNS = (
    "uploads",
    "uploads_lab",
    "uploads_self_report",
    "alerts_f1",
    "precision",
    "recall",
    "recall_app_pairs",
    "infections",
    "infections_averted",
)


class Swept(StrEnum):
    """Settings a sweep may vary: those that shape only the run with the app, so that one run without it
    stands for every point."""

    ADOPTION = "population.adoption"
    UPLOAD_CONSENT = "response.upload_consent"
    CODE_REACH = "response.code_reach"
    LAB_DELIVERY = "response.lab_delivery"
    SELF_REPORT = "response.self_report"


def held(assignments: Sequence[str]) -> dict[str, object]:
    """`--set section.name=value` options as scenario overrides (numbers read as numbers)."""
    found: dict[str, object] = {}
    for assignment in assignments:
        key, sign, text = assignment.partition("=")
        if not sign or "." not in key:
            raise InvalidInput(f"--set takes section.name=value, got {assignment!r}", code="bad_scenario")
        try:
            found[key.strip()] = json.loads(text)
        except ValueError:
            found[key.strip()] = text.strip()
    return found


def _middle(value: object) -> str:
    """A figure, or with several seeds its median and 90 % interval."""
    if isinstance(value, dict):
        return f"{value['median']:.3g} [{value['low']:.3g}–{value['high']:.3g}]"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "–" if value is None else str(value)


SPREAD_FIGURES = (
    "infections_with_app", "infections_without_app", "infections_averted", "precision", "recall",
    "alerts_per_uploading_case", "alerted_later_positive", "R0", "doubling_days", "household_attack_rate",
)  # fmt: skip


def _epidemic_rows(summary: Summary) -> list[tuple[str, str]]:
    """The disease in this town with nobody responding (what published figures describe): R0, growth, who
    transmits; and R0 as the response left it."""
    e = summary.epidemic

    def number(value: float | None, digits: int = 1) -> str:
        return "–" if value is None else f"{value:.{digits}f}"

    def share(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    return [
        ("R0 · doubling days (nobody responding)", f"{number(e.R0, 2)} · {number(e.doubling_days)}"),
        ("R of the first cases, under the response", number(summary.under_response.R0, 2)),
        ("generation interval, days", number(e.generation_interval_days)),
        (
            "transmissions before symptoms · from the asymptomatic",
            f"{share(e.presymptomatic_share)} · {share(e.asymptomatic_source_share)}",
        ),
        ("household attack rate", share(e.household_attack_rate)),
        ("close contacts per infected person-day", number(e.close_contacts_per_person_day)),
    ]


def show(summary: Summary, report: Path) -> None:
    q = summary.quality
    table = Table(title=f"{summary.people:,} people · {summary.days} days · adoption {summary.adoption:.0%}")
    table.add_column("figure")
    table.add_column("value", justify="right")

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value:.0%}"

    rows = [
        ("F0 confirmed / uploaded", f"{summary.f0_confirmed} / {summary.f0_uploaded}"),
        ("F1 alerts / F2 alerts", f"{summary.alerts_f1} / {summary.alerts_f2}"),
        ("venue check-ins / venue alerts", f"{summary.check_ins:,} / {summary.alerts_venue}"),
        ("true close contacts of F0s", str(q.true_close_contacts)),
        (
            "case workers: cases traced / F1s found / F2s home",
            f"{summary.traced_cases} / {summary.traced_f1} / {summary.traced_f2}",
        ),
        ("precision · recall · F1", f"{pct(q.precision)} · {pct(q.recall)} · {pct(q.f1)}"),
        ("recall where both run the app", pct(q.recall_app_pairs)),
        ("recall where the F0 also uploaded", pct(q.recall_uploaded_pairs)),
        (
            "median hours, confirmation → alert",
            "–" if q.median_hours_to_alert is None else f"{q.median_hours_to_alert:.1f}",
        ),
        (
            "F1 alerts per uploading case",
            "–" if q.alerts_per_uploading_case is None else f"{q.alerts_per_uploading_case:.1f}",
        ),
        ("alerted, later positive", pct(q.alerted_later_positive)),
        (
            "infections with / without the app",
            f"{summary.infections_with_app} / {summary.infections_without_app}",
        ),
        (
            "infections averted",
            "–" if summary.infections_averted is None else str(summary.infections_averted),
        ),
        *_epidemic_rows(summary),
        ("Bluetooth scans logged", f"{summary.sightings_logged:,}"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    console.print(f"Report: [bold]{report}[/bold]")


@app.command("run")
def run(
    config: Annotated[
        Path,
        typer.Option(
            help="Scenario TOML ([run], [population], [epidemic], [response]) or a preset: "
            "ancestral-2020, delta-2021."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Directory for the report.")] = DEFAULT_OUT,
    lang: Annotated[Lang, typer.Option(help="The report's language.")] = Lang.VI,
    seeds: Seeds = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run one scenario file, with the app and without it, and write the report."""
    run_and_report(load_scenario(config), out, as_json=as_json, lang=lang, seeds=seeds)


def _numbers(text: str, option: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise InvalidInput(
            f"{option} must be numbers separated by commas, got {text!r}", code="bad_scenario"
        ) from None
    if not values:
        raise InvalidInput(f"{option} needs at least one value", code="bad_scenario")
    return values


@app.command("sweep")
def sweep_command(
    *,
    adoption: Annotated[str, typer.Option(help="Adoption levels, e.g. 0.2,0.4,0.6,0.8.")] = "0.2,0.4,0.6,0.8",
    vary: Annotated[
        Swept, typer.Option(help="The setting to vary (adoption unless told), with --values.")
    ] = Swept.ADOPTION,
    values: Annotated[
        str | None, typer.Option(help="The setting's values, e.g. 0,0.5,1 (for adoption: --adoption).")
    ] = None,
    setting: Annotated[
        list[str] | None,
        typer.Option("--set", help="Another setting held at a value at every point: section.name=value."),
    ] = None,
    people: Annotated[int | None, typer.Option(help="People in the town.")] = None,
    days: Annotated[int | None, typer.Option(help="Days simulated.")] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Scenario TOML to start from, or a preset: ancestral-2020, delta-2021."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Directory for the report.")] = DEFAULT_OUT,
    lang: Annotated[Lang, typer.Option(help="The report's language.")] = Lang.VI,
    seeds: Seeds = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The same town at several adoption levels (or values of another setting, `--vary`): how uploads,
    alerts and recall follow, and what the app averts."""
    from bluezone.sim.report import render, write_report  # noqa: PLC0415 (the simulator loads only when run)
    from bluezone.sim.study import spread, sweep, sweep_rows  # noqa: PLC0415

    base = load_scenario(config) if config else Scenario()
    scenario = base.with_overrides(
        **{"population.people": people, "run.days": days, "run.seed": seed, **held(setting or [])}
    )
    setting_name = vary.value
    levels = _numbers(values, "--values") if values is not None else _numbers(adoption, "--adoption")
    for level in levels:
        scenario.with_overrides(**{setting_name: level})  # refuse a bad value before any run
    runs = [scenario.with_overrides(**{"run.seed": scenario.run.seed + i}) for i in range(seeds)]
    name = setting_name.rpartition(".")[2]
    with _progress(f"{name} sweep, {len(levels)} values × {seeds} seeds", as_json) as progress:
        by_seed = [sweep(run, levels, _advance(progress), setting_name) for run in runs]
        results = by_seed[0]  # the report draws the first seed's curve
        middle = results[len(results) // 2]
        shown = render(middle, results, lang=lang.value, setting=setting_name, values=levels)
        report = write_report(out / "sweep.html", shown)
    rows_by_seed = [
        [
            {**row, "epidemic": r.epidemic.as_json()}
            for row, r in zip(sweep_rows(found, setting_name, levels), found, strict=True)
        ]
        for found in by_seed
    ]
    rows = [spread(level) for level in zip(*rows_by_seed, strict=True)] if seeds > 1 else rows_by_seed[0]
    if as_json:
        print_json(rows)
        return
    table = Table(name, *SWEEP_COLUMNS)
    for r in rows:
        assert isinstance(r, dict)
        table.add_row(*(_middle(r[k]) for k in (name, *SWEEP_COLUMNS)))
    console.print(table)
    console.print(f"Report: [bold]{report}[/bold]")


@app.command("sensitivity")
def sensitivity_command(
    *,
    people: Annotated[int, typer.Option(help="People in the town.")] = 20_000,
    days: Annotated[int, typer.Option(help="Days simulated.")] = 21,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2020,
    factors: Annotated[str, typer.Option(help="Multiply each assumed setting by these.")] = "0.5,1,1.5",
    config: Annotated[
        Path | None,
        typer.Option(help="Scenario TOML to start from, or a preset: ancestral-2020, delta-2021."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """How much the results move when each assumed setting (docs/parameters.md) is changed by a factor."""
    from bluezone.sim.study import ASSUMED, sensitivity  # noqa: PLC0415 (the simulator loads only when run)

    base = load_scenario(config) if config else Scenario()
    scenario = base.with_overrides(**{"population.people": people, "run.days": days, "run.seed": seed})
    chosen = _numbers(factors, "--factors")
    with _progress(f"sensitivity, {len(ASSUMED) * len(chosen)} runs", as_json) as progress:
        found = sensitivity(scenario, ASSUMED, chosen, _advance(progress))
    rows = [
        {
            "setting": f.setting,
            "value": round(f.value, 4),
            "R0": f.summary.epidemic.R0 and round(f.summary.epidemic.R0, 2),
            "infections_without_app": f.summary.infections_without_app,
            "infections_averted": f.summary.infections_averted,
            "precision": f.summary.quality.precision and round(f.summary.quality.precision, 3),
            "recall": f.summary.quality.recall and round(f.summary.quality.recall, 3),
        }
        for f in found
    ]
    if as_json:
        print_json(rows)
        return
    table = Table(
        "setting", "value", "R0", "infected, no app", "averted", "precision", "recall",
        title=f"{people:,} people · {days} days · seed {seed}",
    )  # fmt: skip
    for row in rows:
        shown = {**row, "setting": str(row["setting"]).split(".")[1]}
        table.add_row(*("–" if v is None else str(v) for v in shown.values()))
    console.print(table)


@app.command("calibrate")
def calibrate_command(
    *,
    r0: Annotated[float | None, typer.Option("--r0", help="Fit to this R0 (the first cases').")] = None,
    doubling: Annotated[float | None, typer.Option(help="Fit to this doubling time, in days.")] = None,
    cases: Annotated[
        Path | None, typer.Option(help="Fit to the doubling time of a daily case series (CSV: date, cases).")
    ] = None,
    household_attack_rate: Annotated[
        float | None, typer.Option(help="Fit transmission at home to this household attack rate (0–1).")
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Scenario TOML to start from, or a preset: ancestral-2020, delta-2021."),
    ] = None,
    people: Annotated[int | None, typer.Option(help="People in the town.")] = None,
    seeds: Annotated[int, typer.Option(min=1, max=16, help="Seeds averaged at each step.")] = 3,
    steps: Annotated[int, typer.Option(min=2, max=20, help="Halvings of each search.")] = 8,
    with_response: Annotated[
        bool,
        typer.Option(
            help="Measure the town under the scenario's response (for a case series observed under it); "
            "by default nobody is tested, traced or restricted, as an R0 is defined."
        ),
    ] = False,
    out: Annotated[Path, typer.Option(help="Scenario TOML to write with the fitted values.")] = Path(
        "calibrated.toml"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fit transmission to an R0, a doubling time or a case series (and at home to a household attack rate);
    print the fit and its residuals, write the scenario."""
    from bluezone.sim import calibration  # noqa: PLC0415 (the simulator loads only when run)

    growth = [(name, v) for name, v in (("R0", r0), ("doubling_days", doubling)) if v is not None]
    if cases is not None:
        try:
            growth.append(
                ("doubling_days", calibration.doubling_from_cases(cases.read_text(encoding="utf-8")))
            )
        except OSError as error:
            raise InvalidInput(f"cannot read {cases}: {error}", code="unreadable") from None
    if len(growth) > 1 or (not growth and household_attack_rate is None):
        raise InvalidInput(
            "give one of --r0, --doubling or --cases (and --household-attack-rate if wanted)",
            code="bad_target",
        )
    wanted = dict(growth)
    if household_attack_rate is not None:
        wanted["household_attack_rate"] = household_attack_rate
    base = load_scenario(config) if config else Scenario()
    scenario = base.with_overrides(**{"population.people": people})
    aims = ", ".join(f"{name} = {value:.3g}" for name, value in wanted.items())
    with _progress(f"fitting {aims}", as_json) as progress:
        found = calibration.calibrate(
            scenario,
            wanted,
            seeds=seeds,
            steps=steps,
            unmitigated=not with_response,
            progress=_advance(progress),
        )
    fitted = {
        target.setting: getattr(found.scenario.epidemic, target.setting.split(".")[1])
        for name, target in calibration.TARGETS.items()
        if name in wanted
    }
    measured = {k: None if v is None else round(v, 4) for k, v in found.measured.items()}
    shown = ", ".join(f"{name} {measured[name]}" for name in wanted)
    comment = (
        f"Calibrated by `bluezone sim calibrate`: {aims}\n"
        f"(the mean of {seeds} seeds' runs without the app"
        f"{' under the response' if with_response else ', nobody tested or traced'}, gave {shown})."
    )
    calibration.write_scenario(out, calibration.scenario_toml(found.scenario, comment))
    result = {
        "wanted": {k: round(v, 4) for k, v in wanted.items()},
        "fitted": {k: round(v, 6) for k, v in fitted.items()},
        "measured": measured,
        "residuals": {name: None if (r := found.residual(name)) is None else round(r, 4) for name in wanted},
        "steps": [
            {"target": s.target, "value": round(s.value, 6), "measured": s.measured} for s in found.steps
        ],
        "scenario": str(out),
    }
    if as_json:
        print_json(result)
        return
    table = Table("fitting", "setting", "value", "readout", title=f"fitting {aims}")
    for step in found.steps:
        table.add_row(
            step.target,
            calibration.TARGETS[step.target].setting,
            f"{step.value:.5f}",
            "–" if step.measured is None else f"{step.measured:.3f}",
        )
    console.print(table)
    for setting, value in fitted.items():
        console.print(f"{setting} = {value:.5f}", markup=False)
    residuals = result["residuals"]
    assert isinstance(residuals, dict)
    for name, value in wanted.items():
        console.print(
            f"{name}: wanted {value:.3f}, got {measured[name]}, residual {residuals[name]}",
            markup=False,
        )
    readouts = ", ".join(f"{k} {v}" for k, v in measured.items() if k not in wanted)
    console.print(f"the fitted town's other readouts: {readouts}; written to {out}", markup=False)


@app.command("contacts")
def contacts_command(
    *,
    people: Annotated[int, typer.Option(min=1_000, help="People in the town.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2020,
    fit: Annotated[bool, typer.Option(help="Also fit each place's typical distance to the diaries.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The town's close contacts a day (≤ 2 m for ≥ 15 minutes) by place and age, beside Viet Nam's
    contact diaries (Horby et al. 2011); with --fit, the typical distances that would match them."""
    import numpy as np  # noqa: PLC0415 (the simulator loads only when run)

    from bluezone.sim import diaries, survey  # noqa: PLC0415
    from bluezone.sim.contacts import DISTANCE  # noqa: PLC0415
    from bluezone.sim.population import build_population  # noqa: PLC0415
    from bluezone.sim.state import Stream  # noqa: PLC0415

    settings = Scenario().population.model_copy(update={"people": people})
    population = build_population(settings, Stream(seed)(Stream.POPULATION))
    recorded = survey.shipped()
    with _progress("a week of the town's diaries", as_json) as progress:
        town = diaries.keep_town_diaries(
            population, seed=seed, weekdays=recorded.weekdays, progress=_advance(progress)
        )
    ours, theirs = town.diaries.standardised(town.age_shares), recorded.standardised(town.age_shares)
    fitted = diaries.fitted_medians(town, recorded, {s: m for s, (m, _) in DISTANCE.items()}) if fit else {}
    places = [
        {"place": str(place), "town": round(float(ours[i]), 3), "diaries": round(float(theirs[i]), 3)}
        for i, place in enumerate(survey.PLACES)
    ]
    result = {
        "people": people,
        "places": places,
        "by_age": [
            {
                "age": label,
                "town": {
                    str(p): round(float(v), 3)
                    for p, v in zip(survey.PLACES, town.diaries.long[b], strict=True)
                },
                "diaries": {
                    str(p): round(float(v), 3) for p, v in zip(survey.PLACES, recorded.long[b], strict=True)
                },
            }
            for b, label in enumerate(survey.BAND_LABELS)
        ],
        "total": {"town": round(float(np.sum(ours)), 3), "diaries": round(float(np.sum(theirs)), 3)},
        "fitted_median_m": {s.name.lower(): round(m, 2) for s, m in fitted.items()},
    }
    if as_json:
        print_json(result)
        return
    table = Table(
        "place", "town", "diaries", *(["median m now", "fitted"] if fit else []),
        title=f"close contacts a person has a day · {people:,} people · ages as in the town",
    )  # fmt: skip
    median_of = {diaries.PLACE_OF[s]: (DISTANCE[s][0], m) for s, m in fitted.items()}
    for row in places:
        now = median_of.get(survey.Place(str(row["place"])))
        extra = [f"{now[0]:.2f}", f"{now[1]:.2f}"] if now else (["–", "–"] if fit else [])
        table.add_row(str(row["place"]), f"{row['town']:.2f}", f"{row['diaries']:.2f}", *extra)
    table.add_row("all", f"{np.sum(ours):.2f}", f"{np.sum(theirs):.2f}", *(["", ""] if fit else []))
    console.print(table)
    by_age = Table("age", *(str(p) for p in survey.PLACES), title="by age: town / diaries")
    for b, label in enumerate(survey.BAND_LABELS):
        by_age.add_row(
            label,
            *(f"{t:.2f} / {d:.2f}" for t, d in zip(town.diaries.long[b], recorded.long[b], strict=True)),
        )
    console.print(by_age)


@app.command("fit-radio")
def fit_radio(
    files: Annotated[list[Path], typer.Argument(help="DP-3T measurement files (.sqlite) to fit on.")],
    validate: Annotated[
        list[Path] | None, typer.Option(help="Files to check the fit on (out of sample); repeat for several.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fit the radio channel (path loss and noise) on field measurements; with --validate, how well the fit
    predicts measurements it was not fitted on."""
    from bluezone.sim.radio import field_packets, fit_channel, validate_channel  # noqa: PLC0415

    fitted_on = field_packets(files)
    fit = fit_channel(fitted_on.distance_m, fitted_on.attenuation_db, fitted_on.pair_minute)
    checks = {"in_sample": validate_channel(fit, fitted_on)}
    if validate:
        checks["out_of_sample"] = validate_channel(fit, field_packets(validate))
    result = {
        "attenuation_at_1m_db": round(fit.attenuation_at_1m_db, 2),
        "path_loss_exponent": round(fit.path_loss_exponent, 3),
        "fast_sigma_db": round(fit.fast_sigma_db, 2),
        "slow_sigma_db": round(fit.slow_sigma_db, 2),
        "packets": fit.packets,
        **{
            name: {"packets": c.packets, "rms_db": round(c.rms_db, 2), "bias_db": round(c.bias_db, 2)}
            for name, c in checks.items()
        },
    }
    if as_json:
        print_json(result)
        return
    console.print(
        f"A(1 m) {fit.attenuation_at_1m_db:.1f} dB, n {fit.path_loss_exponent:.2f}, fast σ "
        f"{fit.fast_sigma_db:.1f} dB, slow σ {fit.slow_sigma_db:.1f} dB, from {fit.packets:,} packets"
    )
    table = Table("", "packets", "RMS dB", "bias dB", title="residuals about the fitted line")
    for name, c in checks.items():
        table.add_row(name.replace("_", " "), f"{c.packets:,}", f"{c.rms_db:.2f}", f"{c.bias_db:+.2f}")
    console.print(table)
