"""Ranking areas by install rate, with each area's movement since the previous snapshot. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Denominator(StrEnum):
    """What a rate is of: everyone, or smartphone subscribers."""

    POPULATION = "population"
    SMARTPHONES = "smartphones"


@dataclass(frozen=True)
class Entry:
    area_code: str
    name: str
    installs: int
    denominator: int | None


@dataclass(frozen=True)
class RankRow:
    rank: int | None  # None: no denominator, so no rate
    area_code: str
    name: str
    installs: int
    denominator: int | None
    rate_percent: float | None  # exact; rounded only where shown
    rank_change: (
        int | None
    )  # previous rank − current rank: positive when moving up; None without a previous rank


def rank(entries: Sequence[Entry], previous: Mapping[str, int] | None = None) -> list[RankRow]:
    """Highest rate first; equal rates share a rank (1, 2, 2, 4); areas without a denominator come last."""
    rated = sorted(
        (e for e in entries if e.denominator),
        key=lambda e: (-e.installs / e.denominator, e.area_code),  # type: ignore[operator]
    )
    rows: list[RankRow] = []
    for position, entry in enumerate(rated, start=1):
        rate = 100 * entry.installs / entry.denominator  # type: ignore[operator]
        current = rows[-1].rank if rows and rows[-1].rate_percent == rate else position
        before = None if previous is None else previous.get(entry.area_code)
        rows.append(
            RankRow(
                current,
                entry.area_code,
                entry.name,
                entry.installs,
                entry.denominator,
                rate,
                None if before is None or current is None else before - current,
            )
        )
    unrated = sorted((e for e in entries if not e.denominator), key=lambda e: e.area_code)
    rows += [RankRow(None, e.area_code, e.name, e.installs, e.denominator, None, None) for e in unrated]
    return rows
