"""Phones handed out to simulated people: a Vietnamese market mix of models, each with the calibration
the app believes (Google's table) and the radio it really has.

A model Google measured is close to its table entry; an unmeasured one got its OEM's default, and real
devices scatter around that default by 4.9 dB (RSSI correction) and 7.6 dB (Tx) (shared/reference
simulation.md §2): that residual is part of why Bluetooth distance estimates miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from bluezone.risk.calibration import CalibrationTable, bundled_table

# Viet Nam's smartphone installed base around 2020, by brand (GfK / Counterpoint market shares, rounded).
# Brands missing from Google's table fall back to its default, as the app would do.
MARKET_SHARE = {
    "Samsung": 0.33,
    "OPPO": 0.22,
    "Apple": 0.14,
    "Xiaomi": 0.10,
    "Vivo": 0.06,
    "Realme": 0.05,
    "Vsmart": 0.04,
    "Nokia": 0.03,
    "Huawei": 0.03,
}
UNLISTED_MODELS = {"OPPO": "CPH2015", "Realme": "RMX2030", "Vsmart": "Joy 3", "Apple": "iPhone 11"}
MEASURED_SD_DB = 1.5
UNMEASURED_RSSI_SD_DB = 4.9
UNMEASURED_TX_SD_DB = 7.6

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]


@dataclass(frozen=True)
class Handsets:
    """One row per person with a smartphone (−1 model for people without one)."""

    models: tuple[str, ...]  # distinct model names
    model: I32  # per person: index into models, −1 without a smartphone
    tx_power: npt.NDArray[np.int8]  # what the phone advertises (table value)
    rssi_correction: npt.NDArray[np.int16]  # what the phone adds to what it measures (table value)
    tx_error_db: F64  # true emitted power − advertised
    rssi_error_db: F64  # true receiver offset − believed correction


@cache
def _catalogue(table: CalibrationTable) -> dict[str, tuple[list[str], list[bool]]]:
    """Per brand: the table's model names and whether each was measured."""
    by_brand: dict[str, tuple[list[str], list[bool]]] = {}
    for oem, model, calibration in table.rows():
        if oem in MARKET_SHARE:
            names, measured = by_brand.setdefault(oem, ([], []))
            names.append(model)
            measured.append(calibration.measured)
    return by_brand


def hand_out(
    has_phone: npt.NDArray[np.bool_], rng: np.random.Generator, table: CalibrationTable | None = None
) -> Handsets:
    """Give every smartphone owner a model by market share; popular (measured) models are likelier."""
    table = table or bundled_table()
    catalogue = _catalogue(table)
    brands = list(MARKET_SHARE)
    shares = np.array([MARKET_SHARE[b] for b in brands])
    owners = np.flatnonzero(has_phone)
    brand_of = rng.choice(len(brands), size=len(owners), p=shares / shares.sum())

    models: list[str] = []
    model = np.full(len(has_phone), -1, dtype=np.int32)
    for b, brand in enumerate(brands):
        who = owners[brand_of == b]
        if brand in UNLISTED_MODELS:
            names = [UNLISTED_MODELS[brand]]
            weights = np.ones(1)
        else:
            names, measured = catalogue[brand]
            # Google measured the phones people own: weight measured models 20 to 1.
            weights = np.where(np.array(measured), 20.0, 1.0)
        picked = rng.choice(len(names), size=len(who), p=weights / weights.sum())
        model[who] = len(models) + picked
        models.extend(names)

    calibrations = [table.lookup(name, oem=_brand_of(name)) for name in models]
    tx = np.array([c.tx_power for c in calibrations] or [0], dtype=np.int8)
    corr = np.array([c.rssi_correction for c in calibrations] or [0], dtype=np.int16)
    measured_model = np.array(
        [c.measured or name.startswith("iPhone") for c, name in zip(calibrations, models, strict=True)]
    )
    index = np.maximum(model, 0)
    measured_person = measured_model[index] if models else np.zeros(len(model), bool)
    tx_sd = np.where(measured_person, MEASURED_SD_DB, UNMEASURED_TX_SD_DB)
    rssi_sd = np.where(measured_person, MEASURED_SD_DB, UNMEASURED_RSSI_SD_DB)
    return Handsets(
        models=tuple(models),
        model=model,
        tx_power=np.where(model >= 0, tx[index], 0).astype(np.int8),
        rssi_correction=np.where(model >= 0, corr[index], 0).astype(np.int16),
        tx_error_db=rng.normal(0.0, tx_sd),
        rssi_error_db=rng.normal(0.0, rssi_sd),
    )


def _brand_of(model: str) -> str | None:
    return next((brand for brand, name in UNLISTED_MODELS.items() if name == model), None)
