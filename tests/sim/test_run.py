"""A small town end to end: real servers over HTTP, the core's matcher, alerts, and the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from bluezone.sim.engine import Run
from bluezone.sim.epidemic import NEVER
from bluezone.sim.report import render, write_report
from bluezone.sim.scenario import Scenario
from bluezone.sim.study import run_with_and_without
from tests.cli.test_cli import run

SMALL = Scenario().with_overrides(
    **{
        "population.people": 3000,
        "population.seed_infections": 15,
        "run.days": 10,
        "epidemic.transmissibility": 0.05,  # twice the 2020 strain: enough cases in ten days
    }
)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return Run(SMALL, with_app=True, workdir=tmp_path_factory.mktemp("server")).run()


def test_cases_upload_and_their_close_contacts_get_alerts(outcome) -> None:  # type: ignore[no-untyped-def]
    has_app = outcome.population.has_app
    confirmed = outcome.confirmed_at < NEVER
    assert confirmed.sum() >= 5
    assert outcome.uploaded.sum() >= 2
    assert np.all(has_app[outcome.uploaded]) and np.all(confirmed[outcome.uploaded])
    alerted = outcome.alerted_f1_at < NEVER
    assert alerted.sum() >= 5
    assert np.all(has_app[alerted])  # only phones alert
    assert np.all(has_app[outcome.alerted_f2_at < NEVER])
    # Nobody is alerted before the first upload.
    first_upload = outcome.confirmed_at[outcome.uploaded].min()
    assert outcome.alerted_f1_at[alerted].min() >= first_upload
    assert outcome.sighting_rows > 1_000_000
    assert outcome.uploads_by_type["confirmed"] == outcome.uploaded.sum()
    venue_alerted = outcome.venue_alerted_at < NEVER
    assert outcome.check_ins > 1000 and venue_alerted.sum() >= 1  # F0s shared stays at markets and cafés
    assert np.all(has_app[venue_alerted])
    assert outcome.venue_alerted_at[venue_alerted].min() >= first_upload


def test_the_same_seed_gives_the_same_run(tmp_path: Path, outcome) -> None:  # type: ignore[no-untyped-def]
    again = Run(SMALL, with_app=True, workdir=tmp_path).run()
    assert np.array_equal(again.alerted_f1_at, outcome.alerted_f1_at)
    assert np.array_equal(again.infections.infected_at, outcome.infections.infected_at)
    assert again.sighting_rows == outcome.sighting_rows


def test_the_report_is_self_contained_and_written_whole(tmp_path: Path) -> None:
    summary = run_with_and_without(SMALL.with_overrides(**{"run.days": 6}))
    assert summary.infections_without_app is not None
    html = render(summary, lang="en")
    assert "<svg" in html and "Signal against distance" in html
    vietnamese = render(summary)
    assert '<html lang="vi">' in vietnamese and "Tín hiệu theo khoảng cách" in vietnamese
    assert "Dịch bệnh khi có và không có ứng dụng" in vietnamese and "Signal against" not in vietnamese
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing to fetch: it opens offline
    path = write_report(tmp_path / "out" / "report.html", html)
    assert path.read_text(encoding="utf-8") == html
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_an_interrupted_write_leaves_no_half_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    target.write_text("the previous report", encoding="utf-8")

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("bluezone.sim.report.os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_report(target, "<html>new</html>")
    assert target.read_text(encoding="utf-8") == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_demo_json_keeps_the_documented_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "demo", "--people", "1500", "--days", "5", "--out", str(tmp_path), "--json")
    assert code == 0, err
    result = json.loads(out)
    for name in (
        "people", "days", "adoption", "f0_confirmed", "f0_uploaded", "alerts_f1", "alerts_f2",
        "true_close_contacts", "precision", "recall", "f1", "median_hours_to_alert",
        "infections_with_app", "infections_without_app", "report", "alerts_per_uploading_case",
        "alerted_later_positive", "infections_averted",
    ):  # fmt: skip
        assert name in result
    assert result["people"] == 1500 and result["days"] == 5 and result["adoption"] == 0.4
    assert result["infections_averted"] == result["infections_without_app"] - result["infections_with_app"]
    assert set(result["epidemic"]) == {
        "R0", "doubling_days", "generation_interval_days", "presymptomatic_share",
        "asymptomatic_source_share", "household_attack_rate", "close_contacts_per_person_day",
    }  # fmt: skip
    assert Path(result["report"]).is_file()


def test_sweep_json_lists_each_adoption(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "sim", "sweep", "--adoption", "0.2,0.6", "--people", "1500", "--days", "5",
        "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert [r["adoption"] for r in rows] == [0.2, 0.6]
    assert all({"precision", "recall", "f1", "infections_averted", "epidemic"} <= set(r) for r in rows)
    assert rows[0]["epidemic"] == rows[1]["epidemic"]  # one run without the app serves every level


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("demo", "--adoption", "1.4"), "population.adoption"),
        (("demo", "--days", "-2"), "run.days"),
        (("sim", "sweep", "--adoption", "0.2,x"), "--adoption must be numbers"),
    ],
)
def test_bad_settings_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and err.count("\n") == 1


def test_sim_run_refuses_a_scenario_file_naming_the_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(
        "[run]\ndays = 5\n[population]\nadoption = 1.4\n[epidemic]\n[response]\n", encoding="utf-8"
    )
    code, _, err = run(capsys, "sim", "run", "--config", str(path), "--out", str(tmp_path / "out"))
    assert code == 2 and "population.adoption" in err
    assert not (tmp_path / "out").exists()


def test_several_seeds_give_medians_and_intervals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "demo", "--people", "1500", "--days", "5", "--seeds", "2", "--out", str(tmp_path), "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    averted = result["infections_averted"]
    assert (
        set(averted) >= {"median", "low", "high"} and averted["low"] <= averted["median"] <= averted["high"]
    )
    assert result["seed"] == [2020, 2021]  # the seeds, one after the other
    assert "Trên 2 hạt giống" in Path(result["report"]).read_text(encoding="utf-8")  # and in the report
    code, out, err = run(
        capsys, "sim", "sweep", "--adoption", "0.3", "--people", "1500", "--days", "5", "--seeds", "2",
        "--out", str(tmp_path), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert set(json.loads(out)[0]["infections"]) >= {"median", "low", "high"}
