"""Each simulated figure beside its published band, with a clear in/out mark: what an epidemiologist checks
first. Bands and their sources are in docs/parameters.md; where a source gives one value the band's width is
assumed and says so."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bluezone.sim.study import Summary

NHS_UPTAKE = (0.25, 0.31)  # the NHS app study's 28 % uptake, give or take: where its per-case figures apply
# Horby et al. 2011, Viet Nam's contact diaries: contacts of 15 minutes or more at any distance, per person
# and day (4,934 of the 6,675 contacts in 865 diaries; tests/sim/test_validation.py recomputes it).
HORBY_LONG_CONTACTS_PER_DAY = 5.70


class Verdict(StrEnum):
    IN = "in"
    OUT = "out"
    NOT_APPLICABLE = "n/a"  # no figure, or the published one was measured under other conditions


@dataclass(frozen=True)
class Check:
    key: str  # the texts sim.check.<key>, .published and .why name it, its source and why it may differ
    value: float | None
    low: float
    high: float
    share: bool = False  # a share, shown in percent
    applies: bool = True

    @property
    def verdict(self) -> Verdict:
        if self.value is None or not self.applies:
            return Verdict.NOT_APPLICABLE
        return Verdict.IN if self.low <= self.value <= self.high else Verdict.OUT


def checks(summary: Summary) -> list[Check]:
    e, q = summary.epidemic, summary.quality
    layer_f1 = None
    if q.precision is not None and q.recall_uploaded_pairs:
        layer_f1 = 2 * q.precision * q.recall_uploaded_pairs / (q.precision + q.recall_uploaded_pairs)
    at_nhs_uptake = NHS_UPTAKE[0] <= summary.adoption <= NHS_UPTAKE[1]
    averted = None
    if summary.infections_without_app and summary.infections_averted is not None and summary.adoption:
        averted = 100 * summary.infections_averted / summary.infections_without_app / (100 * summary.adoption)
    return [
        Check("r0", e.R0, 2.0, 3.0),
        Check("doubling", e.doubling_days, 3.2, 5.0),
        Check("generation", e.generation_interval_days, 4.0, 6.0),
        Check("presymptomatic", e.presymptomatic_share, 0.35, 0.55, share=True),
        Check("asymptomatic", e.asymptomatic_source_share, 0.0, 0.10, share=True),
        Check("household", e.household_attack_rate, 0.14, 0.20, share=True),
        Check("close_contacts", e.close_contacts_per_person_day, 0.0, HORBY_LONG_CONTACTS_PER_DAY),
        Check("alerts_per_case", q.alerts_per_uploading_case, 3.2, 4.4, applies=at_nhs_uptake),
        Check("later_positive", q.alerted_later_positive, 0.05, 0.10, share=True),
        Check("bluetooth_recall", q.recall_uploaded_pairs, 0.70, 0.90, share=True),
        Check("layer_f1", layer_f1, 0.55, 0.75),
        Check("averted", averted, 0.37, 3.0),
    ]
