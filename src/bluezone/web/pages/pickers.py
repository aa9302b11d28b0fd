"""Choosing places by name: an area picker (province, then district where the 2008 structure applies, then
commune) that works as plain form posts and, with JavaScript, fills each list from /areas as the one above
changes; and the list behind it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from bluezone.errors import InvalidInput
from bluezone.geography.areas import Area, Level, Structure, registry, short_name
from bluezone.texts import alphabetical

router = APIRouter(prefix="/areas", include_in_schema=False)
LEVELS = {
    Structure.OLD: (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE),
    Structure.NEW: (Level.PROVINCE, Level.COMMUNE),
}
PICKER_MARK = "."  # a form field named "commune_code.province" is the picker's step above commune_code


@dataclass(frozen=True)
class Step:
    level: Level
    name: str  # the form field
    options: list[Area]
    selected: str | None


def by_name(areas: list[Area]) -> list[Area]:
    return sorted(areas, key=lambda a: alphabetical(short_name(a.name)))


def area_steps(
    structure: Structure,
    field: str,
    posted: Mapping[str, object],
    deepest: Level = Level.COMMUNE,
    *,
    within: str | None = None,
) -> list[Step]:
    """The picker's lists, each holding the areas within the one chosen above it. What was chosen comes from
    the posted field itself (its area and those above it) or, while it is still empty, the steps above.
    `within` keeps the first list to one province (a department's own)."""
    areas = registry(structure)
    if within is not None and not posted.get(f"{field}{PICKER_MARK}{Level.PROVINCE}"):
        posted = {**posted, f"{field}{PICKER_MARK}{Level.PROVINCE}": within}
    levels = LEVELS[structure][: LEVELS[structure].index(deepest) + 1]
    selected: dict[Level, str] = {}
    code = posted.get(field)
    try:
        area = areas.get(str(code)) if code else None
    except InvalidInput:
        area = None
    if area is not None:
        selected[area.level] = area.code
        for above in areas.ancestors(area):
            selected[areas.get(above).level] = above
    for level in levels[:-1]:
        selected.setdefault(level, str(posted.get(f"{field}{PICKER_MARK}{level}") or ""))
    steps, parent = [], None
    for i, level in enumerate(levels):
        if i == 0:
            provinces = areas.at_level(Level.PROVINCE)
            options = [a for a in provinces if a.code == within] if within else by_name(provinces)
        else:
            options = by_name(areas.children(parent))
        chosen = selected.get(level)
        chosen = chosen if any(a.code == chosen for a in options) else None
        name = field if i == len(levels) - 1 else f"{field}{PICKER_MARK}{level}"
        steps.append(Step(level, name, options if i == 0 or parent else [], chosen))
        parent = chosen
    return steps


def deepest_chosen(*codes: str) -> str:
    """The area a picker chose, given its lists from the bottom up: the first one filled."""
    return next((code.strip() for code in codes if code.strip()), "")


def without_picker_steps(data: dict[str, object]) -> dict[str, object]:
    """The posted form less the picker's upper steps, which only helped to choose."""
    return {k: v for k, v in data.items() if PICKER_MARK not in k and k != "action"}


@router.get("/{structure}")
@router.get("/{structure}/{parent}")
def areas_within(structure: Structure, parent: str | None = None) -> JSONResponse:
    """The areas directly within `parent` (the provinces without one), by name: for the picker's script."""
    areas = registry(structure)
    if parent is not None:
        try:
            areas.get(parent)
        except InvalidInput:
            raise HTTPException(404) from None
    found = areas.at_level(Level.PROVINCE) if parent is None else areas.children(parent)
    return JSONResponse(
        [{"code": a.code, "name": a.name, "level": a.level} for a in by_name(found)],
        headers={"Cache-Control": "public, max-age=86400"},
    )
