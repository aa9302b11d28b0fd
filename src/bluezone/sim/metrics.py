"""How well the alerts found the true close contacts of confirmed cases, and what they changed.

A true close contact of an F0 is someone within 2 m of them for 15 minutes or more on a day of the F0's
tracing window (from 2 days before symptom onset, or before the test, until confirmation), whether or
not either runs the app. Everything is counted per (F0, contact) pair, and each F1 alert is attributed to
the F0 whose key caused it (the key that scored most on the alerting day): `precision` is the share of F1
alerts whose F0 and person were such a pair; `recall` the share of pairs whose contact got an alert from an
F0 they were truly close to (a contact of two F0s is two pairs); `recall_app_pairs` the same among pairs where
both run the app, `recall_uploaded_pairs` among those whose F0 also uploaded (the Bluetooth layer alone).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bluezone.sim.epidemic import DAY, NEVER
from bluezone.sim.state import Outcome


@dataclass(frozen=True)
class AlertQuality:
    true_close_contacts: int  # (F0, contact) pairs
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
    n = len(outcome.population)
    pairs = np.unique(contacts[:, 0] * n + contacts[:, 1])  # (F0, contact) pairs, each once
    case, contact = pairs // n, pairs % n
    has_app = outcome.population.has_app
    alerted = outcome.alerted_f1_at < NEVER
    by = outcome.alerted_by.astype(np.int64)

    # An alert is right when its F0 and its person were truly close; a pair is found when its contact
    # got a right alert (from this F0, or from another F0 they were also close to).
    people = np.flatnonzero(alerted)
    right = (by[people] >= 0) & np.isin(by[people] * n + people, pairs)
    rightly_alerted = np.zeros(n, bool)
    rightly_alerted[people[right]] = True
    found = rightly_alerted[contact]

    app_pair = has_app[case] & has_app[contact]
    uploaded_pair = app_pair & outcome.uploaded[case]
    hours = (outcome.alerted_f1_at[people[right]] - outcome.confirmed_at[by[people[right]]]) / 3600
    precision = _ratio(int(right.sum()), len(people))
    recall = _ratio(int(found.sum()), len(pairs))
    later_positive = alerted & (outcome.confirmed_at > outcome.alerted_f1_at) & (outcome.confirmed_at < NEVER)
    return AlertQuality(
        true_close_contacts=len(pairs),
        alerted_f1=len(people),
        precision=precision,
        recall=recall,
        f1=_f1(precision, recall),
        recall_app_pairs=_ratio(int(found[app_pair].sum()), int(app_pair.sum())),
        recall_uploaded_pairs=_ratio(int(found[uploaded_pair].sum()), int(uploaded_pair.sum())),
        median_hours_to_alert=float(np.median(hours)) if len(hours) else None,
        alerts_per_uploading_case=_ratio(len(people), int(outcome.uploaded.sum())),
        alerted_later_positive=_ratio(int(later_positive.sum()), len(people)),
    )
