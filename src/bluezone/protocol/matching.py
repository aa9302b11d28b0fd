"""Find the sightings that belong to published diagnosis keys: the phone's side of exposure notification.

Columnar from end to end, so that one call serves one phone (a `phone` column of zeros) and a simulated
city (one row per sighting of every phone). Per key: one HKDF and one AES block per interval, each RPI
looked up in an index of the sighted RPIs; matches are then kept only when seen within the key's
validity ±2 h, and when the decrypted metadata carries a plausible Tx power.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from bluezone.errors import InvalidInput
from bluezone.protocol.backend import CryptoBackend, default_backend
from bluezone.protocol.exposure_key import ExposureKey
from bluezone.protocol.intervals import DRIFT_INTERVALS, INTERVAL_SECONDS, ROLLING_PERIOD
from bluezone.protocol.keys import AEMK_INFO

TX_POWER_MIN, TX_POWER_MAX = -50, 20
NO_ONSET = np.iinfo(np.int16).min  # days_since_onset column value for "not given"
NO_REPORT_TYPE = -1

U8 = npt.NDArray[np.uint8]
I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _blocks(values: npt.ArrayLike, width: int, what: str) -> U8:
    array = np.asarray(values, dtype=np.uint8)
    if array.ndim != 2 or array.shape[1] != width:
        raise InvalidInput(
            f"{what} must be an (n, {width}) byte array, got shape {array.shape}", code="bad_length"
        )
    return np.ascontiguousarray(array)


def bytes_to_rows(items: Sequence[bytes], width: int) -> U8:
    """Stack equal-length byte strings into an (n, width) uint8 array."""
    if any(len(item) != width for item in items):
        raise InvalidInput(f"every item must be {width} bytes", code="bad_length")
    return np.frombuffer(b"".join(items), dtype=np.uint8).reshape(-1, width).copy()


@dataclass(frozen=True)
class DiagnosisKeys:
    """Published keys as columns. report_type −1 and days_since_onset NO_ONSET mean "absent"."""

    key_data: U8
    rolling_start: I32
    rolling_period: I32
    transmission_risk: I8
    report_type: I8
    days_since_onset: I16

    def __post_init__(self) -> None:
        object.__setattr__(self, "key_data", _blocks(self.key_data, 16, "key_data"))
        n = len(self.key_data)
        for name in (
            "rolling_start",
            "rolling_period",
            "transmission_risk",
            "report_type",
            "days_since_onset",
        ):
            if len(getattr(self, name)) != n:
                raise InvalidInput(f"column {name} has {len(getattr(self, name))} rows, expected {n}")
        if n and (self.rolling_period.min() < 1 or self.rolling_period.max() > ROLLING_PERIOD):
            raise InvalidInput("rolling period out of 1..144", code="bad_rolling_period")

    def __len__(self) -> int:
        return len(self.key_data)

    def take(self, rows: npt.NDArray[np.intp]) -> DiagnosisKeys:
        return DiagnosisKeys(
            np.take(self.key_data, rows, axis=0),
            self.rolling_start[rows],
            self.rolling_period[rows],
            self.transmission_risk[rows],
            self.report_type[rows],
            self.days_since_onset[rows],
        )

    def meeting(self, first_interval: int, intervals: int) -> npt.NDArray[np.intp]:
        """Rows of the keys whose rolling period meets intervals [first_interval, first_interval + intervals):
        only those can have made the IDs heard then."""
        start = self.rolling_start.astype(np.int64)
        return np.flatnonzero(
            (start < first_interval + intervals) & (start + self.rolling_period > first_interval)
        )

    @classmethod
    def from_keys(cls, keys: Sequence[ExposureKey]) -> DiagnosisKeys:
        return cls(
            key_data=bytes_to_rows([k.key_data for k in keys], 16),
            rolling_start=np.array([k.rolling_start_interval_number for k in keys], dtype=np.int32),
            rolling_period=np.array([k.rolling_period for k in keys], dtype=np.int32),
            transmission_risk=np.array([k.transmission_risk_level for k in keys], dtype=np.int8),
            report_type=np.array(
                [NO_REPORT_TYPE if k.report_type is None else int(k.report_type) for k in keys], dtype=np.int8
            ),
            days_since_onset=np.array(
                [
                    NO_ONSET if k.days_since_onset_of_symptoms is None else k.days_since_onset_of_symptoms
                    for k in keys
                ],
                dtype=np.int16,
            ),
        )


@dataclass(frozen=True)
class Sightings:
    """What phones heard: one row per received advertisement.

    `model` indexes `models` (the receiving phone's model name, for its RSSI correction);
    `phone` says which phone heard it (all zeros on a single device).
    """

    rpi: U8
    aem: U8
    time: F64
    rssi: I16
    model: I32
    models: tuple[str, ...] = ("",)
    phone: I32 = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    def __post_init__(self) -> None:
        object.__setattr__(self, "rpi", _blocks(self.rpi, 16, "rpi"))
        object.__setattr__(self, "aem", _blocks(self.aem, 4, "aem"))
        n = len(self.rpi)
        if len(self.phone) == 0 and n:
            object.__setattr__(self, "phone", np.zeros(n, dtype=np.int32))
        for name in ("aem", "time", "rssi", "model", "phone"):
            if len(getattr(self, name)) != n:
                raise InvalidInput(f"column {name} has {len(getattr(self, name))} rows, expected {n}")
        if n and (self.model.min() < 0 or self.model.max() >= len(self.models)):
            raise InvalidInput("model column refers to a model not in `models`")

    def __len__(self) -> int:
        return len(self.rpi)

    @classmethod
    def empty(cls) -> Sightings:
        return cls(
            rpi=np.zeros((0, 16), np.uint8),
            aem=np.zeros((0, 4), np.uint8),
            time=np.zeros(0, np.float64),
            rssi=np.zeros(0, np.int16),
            model=np.zeros(0, np.int32),
        )

    def take(self, rows: npt.NDArray[np.intp] | npt.NDArray[np.bool_]) -> Sightings:
        return Sightings(
            self.rpi[rows],
            self.aem[rows],
            self.time[rows],
            self.rssi[rows],
            self.model[rows],
            self.models,
            self.phone[rows],
        )


@dataclass(frozen=True)
class Matches:
    """One row per sighting that belongs to a diagnosis key."""

    key: I64  # row in DiagnosisKeys
    sighting: I64  # row in Sightings
    interval: I32  # the interval whose RPI was heard
    tx_power: I8  # from the decrypted metadata
    metadata_version: U8

    def __len__(self) -> int:
        return len(self.key)


class SightingIndex:
    """Sightings grouped by distinct RPI, with the backend's lookup structure over them.

    Build once, match many batches of keys against it.
    """

    def __init__(self, sightings: Sightings, backend: CryptoBackend | None = None) -> None:
        self.sightings = sightings
        self.backend = backend or default_backend()
        words = sightings.rpi.view("<u8").reshape(-1, 2)
        self._order = _rpi_order(words)
        ordered = np.take(words, self._order, axis=0)  # rows by take: several times faster than by index
        new_group = np.ones(len(ordered), dtype=bool)
        if len(ordered) > 1:
            new_group[1:] = (ordered[1:, 0] != ordered[:-1, 0]) | (ordered[1:, 1] != ordered[:-1, 1])
        self._group_start = np.flatnonzero(new_group)
        self._group_end = np.append(self._group_start[1:], len(ordered))
        unique_rpis = np.take(words, self._order[self._group_start], axis=0)
        self._index = self.backend.build_index(unique_rpis.tobytes())

    def match(self, keys: DiagnosisKeys) -> Matches:
        sightings = self.sightings
        if len(keys) == 0 or len(sightings) == 0:
            return _no_matches()
        hits = self.backend.match(
            keys.key_data.tobytes(), keys.rolling_start, keys.rolling_period, self._index
        )
        key_of_hit, group, interval_of_hit = hits[:, 0].astype(np.int64), hits[:, 1], hits[:, 2]
        # Expand each distinct RPI to every sighting row that heard it.
        sizes = self._group_end[group] - self._group_start[group]
        key_idx = np.repeat(key_of_hit, sizes)
        intervals = np.repeat(interval_of_hit, sizes)
        firsts = np.repeat(self._group_start[group], sizes)
        within = np.arange(len(key_idx)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        rows = self._order[firsts + within].astype(np.int64)

        seen = np.floor(sightings.time[rows] / INTERVAL_SECONDS).astype(np.int64)
        start = keys.rolling_start[key_idx].astype(np.int64)
        end = start + keys.rolling_period[key_idx]
        in_window = (seen >= start - DRIFT_INTERVALS) & (seen < end + DRIFT_INTERVALS)
        key_idx, rows, intervals = key_idx[in_window], rows[in_window], intervals[in_window]
        if len(rows) == 0:
            return _no_matches()

        metadata = decrypt_metadata(
            keys.key_data[key_idx], sightings.rpi[rows], sightings.aem[rows], self.backend
        )
        tx_power = metadata[:, 1].view(np.int8)
        plausible = (tx_power >= TX_POWER_MIN) & (tx_power <= TX_POWER_MAX)
        return Matches(
            key=key_idx[plausible],
            sighting=rows[plausible],
            interval=intervals[plausible].astype(np.int32),
            tx_power=tx_power[plausible].copy(),
            metadata_version=metadata[plausible, 0].copy(),
        )


def _rpi_order(words: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    """Rows in RPI order. Sorting by the first 8 bytes alone is several times faster and enough when
    they differ, as they do for all but about one in 2^64 pairs of distinct RPIs."""
    order = np.argsort(words[:, 0])
    first = words[order, 0]
    if np.any(first[1:] == first[:-1]):
        return np.lexsort((words[:, 1], words[:, 0]))
    return order


def decrypt_metadata(teks: U8, rpis: U8, aems: U8, backend: CryptoBackend | None = None) -> U8:
    """AEM → metadata for each row: AES-CTR with the RPI as the counter block, i.e. AES(AEMK, RPI) ⊕ AEM."""
    backend = backend or default_backend()
    distinct, inverse = np.unique(teks, axis=0, return_inverse=True)
    aemks = np.frombuffer(backend.hkdf16(distinct.tobytes(), AEMK_INFO), dtype=np.uint8).reshape(-1, 16)
    keystream = backend.ecb_pairs(aemks[inverse.ravel()].tobytes(), np.ascontiguousarray(rpis).tobytes())
    stream = np.frombuffer(keystream, dtype=np.uint8).reshape(-1, 16)[:, :4]
    return stream ^ aems


def match(keys: DiagnosisKeys, sightings: Sightings, backend: CryptoBackend | None = None) -> Matches:
    """Match once; build a `SightingIndex` instead when several key batches meet the same sightings."""
    return SightingIndex(sightings, backend).match(keys)


def _no_matches() -> Matches:
    return Matches(
        key=np.zeros(0, np.int64),
        sighting=np.zeros(0, np.int64),
        interval=np.zeros(0, np.int32),
        tx_power=np.zeros(0, np.int8),
        metadata_version=np.zeros(0, np.uint8),
    )
