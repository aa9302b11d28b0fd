"""Per-model calibration lookups and the attenuation formula."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluezone.errors import FormatError
from bluezone.risk.calibration import CalibrationTable, DeviceCalibration, attenuation, bundled_table
from tests.conftest import TESTDATA


def test_bundled_table_is_the_shared_one() -> None:
    shared = CalibrationTable.parse_csv((TESTDATA / "gaen_en_calibration_2020-06-13.csv").read_text())
    assert len(bundled_table()) == len(shared) > 9000
    assert bundled_table().lookup("Pixel 4") == DeviceCalibration(
        tx_power=-28, rssi_correction=5, measured=True
    )


def test_lookup_order() -> None:
    table = bundled_table()
    assert table.lookup("SM-G981B/DS") == table.lookup("SM-G981B")  # dual-SIM suffix
    assert table.lookup("sm-g981b").tx_power == -24  # case-insensitive
    assert table.lookup("Galaxy 3000", oem="Samsung") == DeviceCalibration(tx_power=-24, rssi_correction=-3)
    assert table.lookup("iPhone 11").rssi_correction == 0  # iPhones are the reference
    unknown = table.lookup("Nokia 3310", oem="Nobody")
    assert unknown == table.default == DeviceCalibration(tx_power=-24, rssi_correction=-5)


def test_malformed_csv_is_named() -> None:
    with pytest.raises(FormatError) as error:
        CalibrationTable.parse_csv("model,tx\n")
    assert error.value.code == "bad_header"
    with pytest.raises(FormatError) as error:
        CalibrationTable.parse_csv("oem,model,rssi,tx\nSamsung,X,abc,-24\n")
    assert error.value.code == "bad_row"


def test_attenuation_formula_and_floor() -> None:
    assert attenuation(-24, -80, -3).tolist() == 59  # -24 - (-80 - 3)
    assert attenuation(np.array([-24, -24]), np.array([-10, -90]), np.array([0, 5])).tolist() == [0, 61]


@given(st.text(max_size=300))
def test_random_csv_text_never_crashes_the_parser(text: str) -> None:
    try:
        table = CalibrationTable.parse_csv("oem,model,rssi,tx\n" + text)
    except FormatError:
        return
    assert len(table) >= 1
