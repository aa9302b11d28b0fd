"""How well the alerts found the true close contacts of confirmed cases, and what they changed.

A true close contact of an F0 is someone within 2 m of them for 15 minutes or more on a day of the F0's
tracing window (from 2 days before symptom onset, or before the test, until confirmation), whether or
not either runs the app. `recall` is the share of them that got an F1 alert; `precision` the share of
F1 alerts that went to one; `recall_app_pairs` the same recall among pairs where both run the app.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.sim.epidemic import DAY, NEVER
from bluezone.sim.state import Outcome


@dataclass(frozen=True)
class AlertQuality:
    true_close_contacts: int
    alerted_f1: int
    precision: float | None
    recall: float | None
    f1: float | None
    recall_app_pairs: float | None
    recall_uploaded_pairs: float | None  # both run the app and the F0 uploaded: the Bluetooth layer
    median_hours_to_alert: float | None
    alerts_per_uploading_case: float | None
    alerted_later_positive: float | None  # share of F1 alerts followed by a positive test


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None if precision is None or recall is None else 0.0
    return 2 * precision * recall / (precision + recall)


def true_contacts(outcome: Outcome) -> npt.NDArray[np.int64]:
    """(case, contact, day) rows: close contacts of confirmed cases within each case's tracing window."""
    pairs = outcome.close_pairs
    both = np.concatenate([pairs, pairs[:, [1, 0, 2]]])  # each pair seen from either side
    case, day = both[:, 0], both[:, 2]
    day_start = outcome.day_starts[0] + day * DAY
    window_start = (
        np.floor((outcome.first_key_day[case] - outcome.day_starts[0]) / DAY) * DAY + outcome.day_starts[0]
    )
    confirmed = outcome.confirmed_at[case]
    inside = (confirmed < NEVER) & (day_start >= window_start) & (day_start < confirmed)
    return np.asarray(both[inside], dtype=np.int64)


def alert_quality(outcome: Outcome) -> AlertQuality:
    contacts = true_contacts(outcome)
    case, contact = contacts[:, 0], contacts[:, 1]
    has_app = outcome.population.has_app
    alerted = outcome.alerted_f1_at < NEVER
    truly = np.unique(contact)
    hit = int(alerted[truly].sum())
    n_alerted = int(alerted.sum())
    precision = _ratio(int(np.isin(np.flatnonzero(alerted), truly).sum()), n_alerted)
    recall = _ratio(hit, len(truly))

    app_pair = has_app[case] & has_app[contact]
    app_truly = np.unique(contact[app_pair])
    uploaded_truly = np.unique(contact[app_pair & outcome.uploaded[case]])

    # Hours from the earliest upload that made someone a true contact to their alert.
    source_time = np.where(outcome.uploaded[case], outcome.confirmed_at[case], NEVER)
    earliest = np.full(len(has_app), NEVER)
    np.minimum.at(earliest, contact, source_time)
    timed = alerted & (earliest < NEVER) & (outcome.alerted_f1_at >= earliest)
    hours = (outcome.alerted_f1_at[timed] - earliest[timed]) / 3600

    uploads = int(outcome.uploaded.sum())
    later_positive = alerted & (outcome.confirmed_at > outcome.alerted_f1_at) & (outcome.confirmed_at < NEVER)
    return AlertQuality(
        true_close_contacts=len(truly),
        alerted_f1=n_alerted,
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        recall_app_pairs=_ratio(int(alerted[app_truly].sum()), len(app_truly)),
        recall_uploaded_pairs=_ratio(int(alerted[uploaded_truly].sum()), len(uploaded_truly)),
        median_hours_to_alert=float(np.median(hours)) if len(hours) else None,
        alerts_per_uploading_case=_ratio(n_alerted, uploads),
        alerted_later_positive=_ratio(int(later_positive.sum()), n_alerted),
    )
