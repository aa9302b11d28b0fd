"""The `bluezone` command: JSON contracts, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bluezone.cli import main
from bluezone.protocol import export as ex
from bluezone.protocol.exposure_key import ExposureKey
from tests.conftest import TESTDATA, load_json

EXPORTS = TESTDATA / "exports"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        main(list(argv))
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def test_keys_derive_matches_the_vectors(capsys: pytest.CaptureFixture[str]) -> None:
    vectors = load_json("gaen_crypto_vectors.json")
    result = run_json(
        capsys,
        "keys",
        "derive",
        "--tek",
        vectors["tek"],
        "--interval",
        str(vectors["rolling_start_interval_number"]),
        "--metadata",
        vectors["ble_metadata"],
    )
    assert result["rpik"] == vectors["rpik"] and result["aemk"] == vectors["aemk"]
    assert result["ids"] == [
        {"interval": e["en_interval_number"], "rpi": e["rpi"], "aem": e["aem"]}
        for e in vectors["advertised_data"]
    ]
    short = run_json(capsys, "keys", "derive", "--tek", vectors["tek"], "--interval", "5", "--count", "2")
    assert [i["interval"] for i in short["ids"]] == [5, 6]


@pytest.mark.parametrize(
    "argv",
    [
        ("keys", "derive", "--tek", "zz", "--interval", "1"),
        ("keys", "derive", "--tek", "00" * 15, "--interval", "1"),
        ("keys", "derive", "--tek", "00" * 16, "--interval", "1", "--count", "145"),
        ("keys", "derive", "--tek", "00" * 16, "--interval", "-1"),
        ("proximity", "evaluate", "missing.sqlite"),
        (
            "proximity",
            "evaluate",
            str(TESTDATA / "dp3t-bt-measurements/exp34/scenario01-lunch.sqlite"),
            "--preset",
            "nope",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:")


@pytest.mark.parametrize(
    ("path", "public_key"),
    [
        ("google_server_example/testExport-2-records-1-of-1.zip", "google_server_example/public.pem"),
        (
            "google_internals_sample/sample_diagnosis_key_file.zip",
            "google_internals_sample/public_key_310-v1.pem",
        ),
    ],
)
def test_export_inspect_real_zips(capsys: pytest.CaptureFixture[str], path: str, public_key: str) -> None:
    unchecked = run_json(capsys, "export", "inspect", str(EXPORTS / path))
    assert unchecked["signature"] == {"present": True, "valid": None}
    checked = run_json(
        capsys, "export", "inspect", str(EXPORTS / path), "--public-key", str(EXPORTS / public_key)
    )
    assert checked["signature"] == {"present": True, "valid": True}
    expected = load_json(f"exports/{Path(path).parent}/expected_decoded.json")
    expected = expected.get("zip", expected)["export"]
    assert len(checked["keys"]) == len(expected["keys"])
    for got, want in zip(checked["keys"], expected["keys"], strict=True):
        assert got["rolling_period"] == want.get("rolling_period", 144)
        assert got["key_data"] == want["key_data"]
        assert got["report_type"] is None and got["days_since_onset_of_symptoms"] is None
    assert set(checked) == {
        "region",
        "start_timestamp",
        "end_timestamp",
        "batch_num",
        "batch_size",
        "signature_infos",
        "keys",
        "revised_keys",
        "signature",
    }


def test_export_inspect_bare_bin(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(
        capsys, "export", "inspect", str(EXPORTS / "google_internals_sample/cpp_testdata_export.bin")
    )
    assert len(result["keys"]) == 200
    assert result["signature"] == {"present": False, "valid": None}


def test_export_inspect_refuses_wrong_key_and_bad_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    zip_path = str(EXPORTS / "google_internals_sample/sample_diagnosis_key_file.zip")
    wrong_key = str(EXPORTS / "google_internals_sample/public_key_ExampleServer-v1.pem")
    code, out, err = run(capsys, "export", "inspect", zip_path, "--public-key", wrong_key, "--json")
    assert (code, out) == (1, "") and len(err.strip().splitlines()) == 1
    broken = tmp_path / "broken.zip"
    broken.write_bytes(Path(zip_path).read_bytes()[:1000])
    code, out, err = run(capsys, "export", "inspect", str(broken), "--json")
    assert (code, out) == (1, "") and "bad_zip" in err
    code, _, err = run(capsys, "export", "inspect", str(tmp_path / "none.zip"))
    assert code == 2


def test_export_inspect_shows_report_metadata(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    signer = ex.Signer.generate("452")
    key = ExposureKey(bytes(16), 2_650_032, days_since_onset_of_symptoms=-2)
    path = tmp_path / "f.zip"
    path.write_bytes(ex.write_archive(ex.ExportBatch(1, 2, "452", [key]), [signer]))
    result = run_json(capsys, "export", "inspect", str(path))
    assert result["keys"][0]["days_since_onset_of_symptoms"] == -2
    assert result["signature_infos"] == [
        {
            "verification_key_version": "v1",
            "verification_key_id": "452",
            "signature_algorithm": "1.2.840.10045.4.3.2",
        }
    ]
    code, out, _ = run(capsys, "export", "inspect", str(path))
    assert code == 0 and "1 keys" in out


def test_proximity_evaluate_json(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in (TESTDATA / "dp3t-bt-measurements/exp34").glob("*.sqlite"))
    result = run_json(capsys, "proximity", "evaluate", *files, "--distance-m", "1.5", "--preset", "enx")
    assert set(result) == {"per_packet", "per_window"}
    for figures in result.values():
        assert set(figures) == {"precision", "recall", "f1", "balanced_accuracy", "auc", "n"}


def test_demo_pair_alerts_only_the_close_long_contact(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "demo", "--scenario", "pair")
    levels = {p["name"]: p["level"] for p in result["phones"]}
    assert levels["Bình"] == "F1"
    assert levels["Chi"] in {"LOW", "NONE"}
    assert levels["Dũng"] == "NONE"
    assert result["keys_published"] == 4
    code, out, _ = run(capsys, "demo", "--scenario", "pair", "--lang", "en")
    assert code == 0 and "F1 alert" in out and "No close contact" in out


def test_demo_lab_warns_the_contact_with_no_case_worker(capsys: pytest.CaptureFixture[str]) -> None:
    """One F0 from a lab result to the F1's alert: no case worker's code, one lab authorisation."""
    result = run_json(capsys, "demo", "--scenario", "lab")
    assert (result["case_worker_codes"], result["lab_authorisations"], result["f1_alerted"]) == (0, 1, True)
    assert [a["level"] for a in result["phones"]["Bình"]] == ["F1"]
    assert result["phones"]["Chi"] == result["phones"]["Dũng"] == []
    assert [s["step"] for s in result["steps"]] == [
        "met",
        "registered",
        "lab_sent",
        "result",
        "shared",
        "alerted",
    ]
    assert result["polls_until_result"] >= 2  # pending at least once before the lab's result
    code, out, _ = run(capsys, "demo", "--scenario", "lab", "--lang", "en")
    assert code == 0 and "Codes issued by case workers: 0" in out and "close contact (F1)" in out


def test_the_version_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from bluezone import __version__

    assert run(capsys, "--version")[:2] == (0, f"bluezone {__version__}\n")


def test_the_command_loads_no_server_or_simulator_to_answer_help() -> None:
    """`bluezone --help` answers in well under a second: heavy stacks load only in the commands using them."""
    heavy = (
        "bluezone.web.app",
        "bluezone.services",
        "bluezone.sim.engine",
        "matplotlib",
        "sqlalchemy",
        "fpdf",
    )
    probe = f"import sys, bluezone.cli; print([m for m in {heavy!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_brackets_survive_in_help_and_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.toml"
    scenario.write_text("[run]\n", encoding="utf-8")
    code, _, err = run(capsys, "sim", "run", "--config", str(scenario))
    assert code == 2 and "missing section [population]" in err
    shown = " ".join(run(capsys, "sim", "run", "--help")[1].split())  # as read, whatever the wrapping
    assert "Scenario TOML ([run], [population], [epidemic], [response])" in shown


@pytest.mark.parametrize(
    ("argv", "choices"),
    [
        (("demo", "--scenario", "nope"), "'city', 'pair', 'lab'"),
        (("demo", "--lang", "fr"), "'vi', 'en'"),
        (("campaign", "ranking", "--by", "cats"), "'population', 'smartphones'"),
    ],
)
def test_fixed_choices_are_refused_with_the_choices_named(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], choices: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and choices in err
