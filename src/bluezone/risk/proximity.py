"""How well an attenuation rule tells "within d metres" from field measurements with ground truth.

Evaluated per packet (the rule applied to one packet) and per 5-minute window of one receiver–transmitter
pair (the rule applied to the window's packets; truth: the window's median ground-truth distance).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.risk.calibration import CalibrationTable, attenuation
from bluezone.risk.closeness import Aggregate, closeness_db
from bluezone.risk.config import RiskConfig

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
WINDOW_SECONDS = 300


@dataclass(frozen=True)
class Measurements:
    """Received packets with ground truth; `source` tells files apart so their pairs never merge."""

    source: I64
    receiver: I64
    transmitter: I64
    receiver_model: tuple[str, ...]  # per packet
    transmitter_model: tuple[str, ...]
    time: F64
    rssi: F64
    distance_m: F64  # NaN where the ground truth is unknown

    def __len__(self) -> int:
        return len(self.time)

    def attenuation(self, table: CalibrationTable) -> F64:
        """Calibrated attenuation. The files' own tx_power is 0, so the transmitter's comes from the table."""
        models = sorted(set(self.receiver_model) | set(self.transmitter_model))
        tx, correction = table.for_models(models)
        position = {m: i for i, m in enumerate(models)}
        rx_index = np.array([position[m] for m in self.receiver_model], dtype=np.int64)
        tx_index = np.array([position[m] for m in self.transmitter_model], dtype=np.int64)
        return attenuation(tx[tx_index], self.rssi, correction[rx_index]).astype(np.float64)


@dataclass(frozen=True)
class Windows:
    """Per 5-minute window of one pair: packet statistics and the median ground-truth distance."""

    minimum: F64
    mean: F64
    count: I64
    distance_m: F64


def windows(measurements: Measurements, att: F64) -> Windows:
    known = ~np.isnan(measurements.distance_m)
    src, rx, tx = measurements.source[known], measurements.receiver[known], measurements.transmitter[known]
    slot = np.floor(measurements.time[known] / WINDOW_SECONDS).astype(np.int64)
    a, d = att[known], measurements.distance_m[known]
    order = np.lexsort((slot, tx, rx, src))
    src, rx, tx, slot, a, d = src[order], rx[order], tx[order], slot[order], a[order], d[order]
    change = np.r_[
        True, (src[1:] != src[:-1]) | (rx[1:] != rx[:-1]) | (tx[1:] != tx[:-1]) | (slot[1:] != slot[:-1])
    ]
    starts = np.flatnonzero(change)
    if len(starts) == 0:
        z = np.zeros(0)
        return Windows(z, z, z.astype(np.int64), z)
    count = np.diff(np.append(starts, len(a)))
    return Windows(
        minimum=np.minimum.reduceat(a, starts),
        mean=np.add.reduceat(a, starts) / count,
        count=count.astype(np.int64),
        distance_m=np.array([np.median(part) for part in np.split(d, starts[1:])]),
    )


def window_scores(w: Windows, aggregate: Aggregate, beta: float) -> F64:
    return closeness_db(aggregate, w.minimum, w.mean, w.count, beta)


def metrics(predicted_close: B, truly_close: B, closeness: F64) -> dict[str, float | int | None]:
    """Precision, recall, F1, balanced accuracy and AUC (lower closeness = closer) for "within d"."""
    tp = int(np.sum(predicted_close & truly_close))
    fp = int(np.sum(predicted_close & ~truly_close))
    fn = int(np.sum(~predicted_close & truly_close))
    tn = int(np.sum(~predicted_close & ~truly_close))
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    specificity = tn / (tn + fp) if tn + fp else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    balanced = (recall + specificity) / 2 if recall is not None and specificity is not None else None
    return {
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
        "balanced_accuracy": _round(balanced),
        "auc": _round(auc(-closeness, truly_close)),
        "n": len(truly_close),
    }


def auc(score: F64, positive: B) -> float | None:
    """Area under the ROC curve (Mann–Whitney U with average ranks for ties); None with one class only."""
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    _, inverse, counts = np.unique(score, return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2
    ranks = average_rank[inverse.ravel()]
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def best_threshold(closeness: F64, truly_close: B) -> float:
    """The threshold (closeness ≤ t means close) with the highest balanced accuracy: for baselines."""
    candidates = np.unique(closeness)
    pos, neg = max(int(truly_close.sum()), 1), max(int((~truly_close).sum()), 1)
    order = np.argsort(closeness, kind="stable")
    tp = np.cumsum(truly_close[order])
    fp = np.cumsum(~truly_close[order])
    last = np.searchsorted(closeness[order], candidates, side="right") - 1
    balanced = (tp[last] / pos + (neg - fp[last]) / neg) / 2
    return float(candidates[int(np.argmax(balanced))])


def evaluate(
    measurements: Measurements, config: RiskConfig, distance_m: float, table: CalibrationTable
) -> dict[str, dict[str, float | int | None]]:
    """The preset's rule at `distance_m`, per packet and per 5-minute window."""
    threshold = config.close_db_at(distance_m)
    att = measurements.attenuation(table)
    known = ~np.isnan(measurements.distance_m)
    packet_closeness = closeness_db(
        config.aggregate, att[known], att[known], np.ones(int(known.sum()), dtype=np.int64), config.beta
    )
    w = windows(measurements, att)
    window_closeness = window_scores(w, config.aggregate, config.beta)
    return {
        "per_packet": metrics(
            packet_closeness <= threshold, measurements.distance_m[known] <= distance_m, packet_closeness
        ),
        "per_window": metrics(window_closeness <= threshold, w.distance_m <= distance_m, window_closeness),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
