"""Named risk configurations: Bluezone's 2 m / 15 min rule, Google's ENX defaults and Corona-Warn-App's."""

from __future__ import annotations

from bluezone.errors import InvalidInput
from bluezone.protocol.exposure_key import ReportType
from bluezone.risk.closeness import Aggregate, threshold_for_distance
from bluezone.risk.config import Infectiousness, RiskConfig, decode_onset_map

# Bluezone: closeness = min attenuation − 2·ln(packets); 60.2 dB stands for 2 m. Both constants were fitted
# on the DP-3T exp34 field files (lunch, train, office); held out one file at a time, the rule beats the
# plain minimum-attenuation threshold on each (docs/proximity.md).
BLUEZONE_BETA = 2.0
BLUEZONE_CLOSE_DB = 60.2
SELF_REPORT_WEIGHT = 0.8  # assumed; docs/parameters.md gives its source and its range


def _bluezone() -> RiskConfig:
    onset = {day: Infectiousness.NONE if day < -2 else Infectiousness.STANDARD for day in range(-14, 15)}
    return RiskConfig(
        name="bluezone",
        aggregate=Aggregate.MIN_COUNT,
        beta=BLUEZONE_BETA,
        thresholds_db=(
            threshold_for_distance(BLUEZONE_CLOSE_DB, 2.0, 1.0),
            BLUEZONE_CLOSE_DB,
            threshold_for_distance(BLUEZONE_CLOSE_DB, 2.0, 4.0),
        ),
        bucket_weights=(1.0, 1.0, 0.0, 0.0),  # only time within about 2 m counts
        high_risk_seconds=15 * 60,  # F1: within about 2 m for 15 minutes or more in a day
        low_risk_seconds=5 * 60,
        report_type_weights={
            ReportType.CONFIRMED_TEST: 1.0,
            ReportType.CONFIRMED_CLINICAL_DIAGNOSIS: 1.0,
            ReportType.RECURSIVE: 1.0,  # an F1's keys: their contacts become F2
            # A self-reported rapid test: its positive predictive value at 2 % positivity among those
            # testing (Dinnes 2021: sensitivity 72 %, specificity 99.6 %), so F1 takes about 19 minutes.
            ReportType.SELF_REPORT: SELF_REPORT_WEIGHT,
        },
        onset_infectiousness=onset,  # infectious from 2 days before symptom onset (or test)
    )


def _enx() -> RiskConfig:
    onset, missing = decode_onset_map(0x0401555AA9400000)
    return RiskConfig(
        name="enx",
        thresholds_db=(30, 50, 60),
        bucket_weights=(1.5, 1.0, 0.5, 0.0),
        high_risk_seconds=15 * 60,
        low_risk_seconds=5 * 60,
        report_type_when_missing=ReportType.SELF_REPORT,
        onset_infectiousness=onset,
        infectiousness_when_onset_missing=missing,
    )


def _cwa() -> RiskConfig:
    return RiskConfig(
        name="cwa",
        thresholds_db=(55, 63, 73),
        bucket_weights=(1.0, 0.5, 0.0, 0.0),
        high_risk_seconds=15 * 60,
        low_risk_seconds=1,
        window_min_seconds_below=(73, 10 * 60),
        report_type_weights={ReportType.CONFIRMED_TEST: 1.0, ReportType.CONFIRMED_CLINICAL_DIAGNOSIS: 1.0},
    )


PRESETS = {"bluezone": _bluezone(), "enx": _enx(), "cwa": _cwa()}


def preset(name: str) -> RiskConfig:
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidInput(
            f"unknown risk preset {name!r}; choose one of {', '.join(PRESETS)}", code="unknown_preset"
        ) from None
