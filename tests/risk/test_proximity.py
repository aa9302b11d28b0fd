"""The attenuation rule on the DP-3T field measurements, judged on files it was not tuned on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bluezone.datasets import dp3t
from bluezone.errors import FormatError, InvalidInput
from bluezone.risk.calibration import bundled_table
from bluezone.risk.closeness import Aggregate
from bluezone.risk.presets import BLUEZONE_BETA, preset
from bluezone.risk.proximity import auc, best_threshold, evaluate, metrics, window_scores, windows
from tests.conftest import TESTDATA

FIELD = sorted((TESTDATA / "dp3t-bt-measurements" / "exp34").glob("*.sqlite"))


def _held_out_balanced_accuracy(aggregate: Aggregate, beta: float) -> list[float]:
    """Fit the threshold on two files, score the third: one figure per held-out file."""
    per_file = {path: dp3t.load([path]) for path in FIELD}
    scored = {}
    for path, measurements in per_file.items():
        w = windows(measurements, measurements.attenuation(bundled_table()))
        scored[path] = (window_scores(w, aggregate, beta), w.distance_m <= 2.0)
    results = []
    for held in FIELD:
        train_scores = np.concatenate([scored[p][0] for p in FIELD if p != held])
        train_truth = np.concatenate([scored[p][1] for p in FIELD if p != held])
        threshold = best_threshold(train_scores, train_truth)
        score, truth = scored[held]
        value = metrics(score <= threshold, truth, score)["balanced_accuracy"]
        assert value is not None
        results.append(float(value))
    return results


def test_field_files_are_present() -> None:
    assert [p.name for p in FIELD] == [
        "scenario01-lunch.sqlite",
        "scenario02-train.sqlite",
        "scenario03-office.sqlite",
    ]


@pytest.mark.slow
def test_bluezone_rule_beats_the_plain_minimum_on_every_held_out_file() -> None:
    plain = _held_out_balanced_accuracy(Aggregate.MIN_COUNT, beta=0.0)  # minimum attenuation alone
    ours = _held_out_balanced_accuracy(Aggregate.MIN_COUNT, beta=BLUEZONE_BETA)
    for theirs, mine in zip(plain, ours, strict=True):
        assert mine >= theirs
    assert np.mean(ours) >= np.mean(plain) + 0.01
    assert np.mean(ours) >= 0.69


def test_shipped_preset_on_the_field_files() -> None:
    result = evaluate(dp3t.load(FIELD), preset("bluezone"), 2.0, bundled_table())
    window = result["per_window"]
    assert window["n"] == 1858
    assert window["balanced_accuracy"] is not None and window["balanced_accuracy"] >= 0.69
    assert window["auc"] is not None and window["auc"] >= 0.74
    assert result["per_packet"]["n"] == 11908


def test_metrics_on_a_hand_computed_case() -> None:
    truth = np.array([True, True, True, False, False])
    closeness = np.array([50.0, 55.0, 70.0, 60.0, 75.0])
    m = metrics(closeness <= 62, truth, closeness)
    assert (m["precision"], m["recall"], m["f1"]) == (round(2 / 3, 4), round(2 / 3, 4), round(2 / 3, 4))
    assert m["balanced_accuracy"] == round((2 / 3 + 1 / 2) / 2, 4)
    assert m["auc"] == round(5 / 6, 4)  # 5 of the 6 (close, far) pairs are ordered right
    assert auc(np.array([1.0, 1.0]), np.array([True, False])) == 0.5
    assert auc(np.array([1.0]), np.array([True])) is None


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "x.sqlite"
    not_sqlite.write_bytes(b"hello")
    with pytest.raises(FormatError) as error:
        dp3t.load([not_sqlite])
    assert error.value.code == "not_sqlite"
    import sqlite3

    wrong = tmp_path / "wrong.sqlite"
    sqlite3.connect(wrong).execute("CREATE TABLE results (rssi INTEGER)").connection.commit()
    with pytest.raises(FormatError) as error:
        dp3t.load([wrong])
    assert error.value.code == "bad_schema"
    with pytest.raises(InvalidInput):
        dp3t.load([tmp_path / "missing.sqlite"])
    with pytest.raises(InvalidInput):
        preset("bluezone").close_db_at(0)
