"""Per-model radio calibration: a phone's Tx power and RSSI correction, from Google's EN calibration table.

Attenuation = Tx power − (RSSI + RSSI correction). The correction makes every Android phone read like a
typical iPhone (the reference, correction 0); Tx is what an iPhone would report for the same power.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from bluezone.errors import FormatError

BUNDLED_TABLE = "en_calibration_2020-06-13.csv"
REFERENCE_OEMS = ("apple",)  # iPhones are the reference the table is expressed in
_SUFFIXES = ("/DS", "/DSN", "/DD")  # dual-SIM variants report the base model's radio


@dataclass(frozen=True, slots=True)
class DeviceCalibration:
    tx_power: int  # dBm, as the phone advertises in its metadata
    rssi_correction: int  # dB added to the measured RSSI
    measured: bool = False  # directly measured by Google, or a default


class CalibrationTable:
    """Lookup by model name, then by OEM default, then the table-wide default."""

    def __init__(self, rows: Iterable[tuple[str, str, DeviceCalibration]]) -> None:
        self._rows = list(rows)
        self._by_model: dict[str, DeviceCalibration] = {}
        per_oem: dict[str, list[DeviceCalibration]] = {}
        for oem, model, calibration in self._rows:
            self._by_model.setdefault(model.strip().lower(), calibration)
            per_oem.setdefault(oem.strip().lower(), []).append(calibration)
        if not self._by_model:
            raise FormatError("the calibration table has no rows", code="empty")
        # Google's default for an OEM is what it gave its unmeasured models: the most common pair.
        self._by_oem = {oem: _most_common(cals) for oem, cals in per_oem.items()}
        everything = [c for cals in per_oem.values() for c in cals]
        self.default = DeviceCalibration(
            tx_power=round(statistics.median(c.tx_power for c in everything)),
            rssi_correction=round(statistics.median(c.rssi_correction for c in everything)),
        )
        self.reference = DeviceCalibration(tx_power=self.default.tx_power, rssi_correction=0)

    def __len__(self) -> int:
        return len(self._by_model)

    def rows(self) -> list[tuple[str, str, DeviceCalibration]]:
        """(oem, model, calibration) as the table lists them."""
        return self._rows

    @classmethod
    def parse_csv(cls, text: str) -> CalibrationTable:
        try:
            return cls._parse_rows(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as error:
            raise FormatError(f"calibration CSV is malformed: {error}", code="bad_row") from None

    @classmethod
    def _parse_rows(cls, reader: Iterator[list[str]]) -> CalibrationTable:
        header = next(reader, None)
        if header is None or len(header) < 4 or header[0].strip().lower() != "oem":
            raise FormatError(
                "calibration CSV must start with oem, model, rssi correction, tx", code="bad_header"
            )
        rows = []
        for line_no, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                calibration = DeviceCalibration(
                    tx_power=int(row[3]),
                    rssi_correction=int(row[2]),
                    measured=len(row) > 4 and row[4].strip().lower() == "yes",
                )
            except (ValueError, IndexError):
                raise FormatError(
                    f"calibration CSV line {line_no} is malformed: {row!r}", code="bad_row"
                ) from None
            rows.append((row[0], row[1], calibration))
        return cls(rows)

    def lookup(self, model: str, oem: str | None = None) -> DeviceCalibration:
        name = model.strip().lower()
        for suffix in ("", *_SUFFIXES):
            if suffix and name.endswith(suffix.lower()):
                name = name[: -len(suffix)]
            if name in self._by_model:
                return self._by_model[name]
        oem_name = (oem or "").strip().lower()
        if oem_name in REFERENCE_OEMS or name.startswith("iphone"):
            return self.reference
        return self._by_oem.get(oem_name, self.default)

    def for_models(self, models: Sequence[str]) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
        """(tx_power, rssi_correction) arrays, one entry per model name."""
        cals = [self.lookup(m) for m in models]
        return (
            np.array([c.tx_power for c in cals], dtype=np.int16),
            np.array([c.rssi_correction for c in cals], dtype=np.int16),
        )


def _most_common(calibrations: list[DeviceCalibration]) -> DeviceCalibration:
    unmeasured = [(c.tx_power, c.rssi_correction) for c in calibrations if not c.measured]
    pairs = unmeasured or [(c.tx_power, c.rssi_correction) for c in calibrations]
    tx, correction = Counter(pairs).most_common(1)[0][0]
    return DeviceCalibration(tx_power=tx, rssi_correction=correction)


@cache
def bundled_table() -> CalibrationTable:
    """The table shipped with the package (Google, 13 June 2020, CC BY 4.0)."""
    text = resources.files("bluezone.risk").joinpath("data", BUNDLED_TABLE).read_text(encoding="utf-8")
    return CalibrationTable.parse_csv(text)


def attenuation(
    tx_power: npt.ArrayLike, rssi: npt.ArrayLike, rssi_correction: npt.ArrayLike
) -> npt.NDArray[np.int16]:
    """GAEN attenuation in dB, never negative: max(tx − (rssi + correction), 0)."""
    tx = np.asarray(tx_power, dtype=np.int16)
    measured = np.asarray(rssi, dtype=np.int16) + np.asarray(rssi_correction, dtype=np.int16)
    result: npt.NDArray[np.int16] = np.maximum(tx - measured, 0).astype(np.int16)
    return result
