"""How close two phones were, from a group of received packets, and the attenuation ↔ distance model.

GAEN's "typical attenuation" is the mean attenuation of a scan's packets. Bluezone's rule is
`min attenuation − β·ln(packets)`: the strongest packet is the one least blocked by bodies and
pockets, and a phone that delivers many packets in a scan is nearer than one whose packets mostly
fall under the receiver's sensitivity. On the DP-3T field measurements this beats the plain minimum
on every file it was not tuned on (docs/proximity.md).
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import numpy.typing as npt

# Path loss of calibrated attenuation on body-worn phones: A(d) = A(1 m) + 10·n·log10(d), n fitted on
# the DP-3T exp34 field data (shared/reference/simulation.md §1).
PATH_LOSS_EXPONENT = 1.19


class Aggregate(StrEnum):
    TYPICAL = "typical"  # GAEN: mean attenuation of the group
    MIN_COUNT = "min_count"  # Bluezone: minimum attenuation − β·ln(number of packets)


def closeness_db(
    aggregate: Aggregate,
    minimum: npt.NDArray[np.floating] | npt.NDArray[np.integer],
    mean: npt.NDArray[np.floating],
    count: npt.NDArray[np.integer],
    beta: float,
) -> npt.NDArray[np.float64]:
    """One figure in dB per group of packets: lower is closer."""
    if aggregate is Aggregate.TYPICAL:
        return np.asarray(mean, dtype=np.float64)
    return np.asarray(minimum, dtype=np.float64) - beta * np.log(np.maximum(np.asarray(count), 1))


def threshold_for_distance(reference_db: float, reference_m: float, distance_m: float) -> float:
    """Shift a threshold tuned at one distance to another along the path-loss curve."""
    return reference_db + 10 * PATH_LOSS_EXPONENT * math.log10(distance_m / reference_m)


def distance_for_closeness(closeness: float, reference_db: float, reference_m: float) -> float:
    """The distance at which `closeness` would sit on the threshold curve: a rough estimate, for display."""
    return reference_m * 10 ** ((closeness - reference_db) / (10 * PATH_LOSS_EXPONENT))
