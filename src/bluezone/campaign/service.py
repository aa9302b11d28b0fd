"""Rankings from stored counts: the snapshot at a moment, counts rolled up to the level asked for,
denominators, and each area's rank in the previous snapshot."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bluezone.campaign.geo import old_to_new
from bluezone.campaign.ranking import Denominator, Entry, RankRow, rank
from bluezone.clock import local_time
from bluezone.errors import InvalidInput, NotFound
from bluezone.geography.areas import Level, Registry, Structure, census_2019, find_area, level_of, registry
from bluezone.store.models import CampaignCount


def latest(session: Session, at_or_before: int | None = None) -> tuple[int, Structure] | None:
    """The newest moment with counts (at or before a time): one index lookup."""
    query = select(CampaignCount.as_of, CampaignCount.structure).order_by(CampaignCount.as_of.desc()).limit(1)
    if at_or_before is not None:
        query = query.where(CampaignCount.as_of <= at_or_before)
    row = session.execute(query).first()
    return None if row is None else (int(row[0]), Structure(row[1]))


def _previous(session: Session, moment: int, structure: Structure) -> int | None:
    """The moment before `moment` with counts in the same structure."""
    return session.scalar(
        select(CampaignCount.as_of)
        .where(CampaignCount.as_of < moment, CampaignCount.structure == structure.value)
        .order_by(CampaignCount.as_of.desc())
        .limit(1)
    )


def _entries(
    session: Session, as_of: int, structure: Structure, *, level: Level, parent: str | None, by: Denominator
) -> list[Entry]:
    """The wanted areas' installs and denominators at one moment: their own counts, or else the sum of the
    counts of the areas below them. A population not imported for an area is the 2019 census's."""
    areas = registry(structure)
    wanted = {a.code: a for a in areas.at_level(level, parent)}
    column = CampaignCount.smartphones if by is Denominator.SMARTPHONES else CampaignCount.population
    rows = session.execute(
        select(CampaignCount.area_code, CampaignCount.installs, column).where(
            CampaignCount.as_of == as_of, CampaignCount.structure == structure.value
        )
    )
    own: dict[str, tuple[int, int | None]] = {}
    installs: dict[str, int] = {}
    denominators: dict[str, int] = {}
    for code, count, denominator in rows:
        if code in wanted:
            own[code] = (count, denominator)
            continue
        if level_of(code) is level:
            continue
        above = [c for c in areas.ancestors(areas.get(code)) if c in wanted]
        if above:  # a lower area's count rolls up into the wanted area above it
            installs[above[0]] = installs.get(above[0], 0) + count
            if denominator is not None:
                denominators[above[0]] = denominators.get(above[0], 0) + denominator
    census = census_2019() if by is Denominator.POPULATION and structure is Structure.OLD else {}
    entries = []
    for code, area in wanted.items():
        if code in own:
            count, denominator = own[code]
        elif code in installs:
            count, denominator = installs[code], denominators.get(code)
        else:
            continue
        entries.append(
            Entry(code, area.name, count, denominator if denominator is not None else census.get(code))
        )
    return entries


def _as_new_provinces(entries: list[Entry]) -> list[Entry]:
    """Old provinces' figures summed into the new provinces they became part of (a denominator only when
    every part has one)."""
    successor = old_to_new()
    names = {a.code: a.name for a in registry(Structure.NEW).at_level(Level.PROVINCE)}
    installs: dict[str, int] = {}
    denominators: dict[str, int | None] = {}
    for entry in entries:
        code = successor[entry.area_code]
        installs[code] = installs.get(code, 0) + entry.installs
        before = denominators.get(code, 0)
        denominators[code] = (
            None if before is None or entry.denominator is None else before + entry.denominator
        )
    return [Entry(code, names[code], installs[code], denominators[code]) for code in sorted(installs)]


def ranking(
    session: Session,
    *,
    as_of: int | None,
    level: str = "province",
    parent: str | None = None,
    by: str = "population",
    structure: str | None = None,
) -> tuple[int, list[RankRow]]:
    """(the snapshot used, its ranking). The snapshot is the newest at or before `as_of`; its figures are in
    the structure in force on its date, or in the 2025 provinces when `structure` is "2025"."""
    try:
        chosen_level, chosen_by = Level(level), Denominator(by)
    except ValueError:
        raise InvalidInput(
            "level is province, district or commune; by is population or smartphones", code="bad_ranking"
        ) from None
    found = latest(session, as_of)
    if found is None:
        raise NotFound("no counts at or before that time", code="no_counts")
    moment, stored = found
    if structure not in (None, stored.value, Structure.NEW.value):
        raise InvalidInput(
            "figures can be shown in the 2025 structure, not back in the old one", code="bad_ranking"
        )
    convert = structure == Structure.NEW.value and stored is Structure.OLD
    if convert and (chosen_level is not Level.PROVINCE or parent is not None):
        raise InvalidInput("old figures convert to the 2025 structure at province level", code="bad_ranking")
    if chosen_level is Level.DISTRICT and stored is Structure.NEW:
        raise InvalidInput("the 2025 structure has no districts", code="bad_ranking")

    def entries(at: int) -> list[Entry]:
        found = _entries(session, at, stored, level=chosen_level, parent=parent, by=chosen_by)
        return _as_new_provinces(found) if convert else found

    earlier = _previous(session, moment, stored)
    previous = None
    if earlier is not None:
        previous = {row.area_code: row.rank for row in rank(entries(earlier)) if row.rank is not None}
    return moment, rank(entries(moment), previous)


def describe(moment: int) -> str:
    return local_time(moment).strftime("%H:%M %d/%m/%Y")


def _below(areas: Registry, code: str) -> dict[str, int]:
    """Every area under `code`, with its depth below it (1: children)."""
    found, frontier, depth = {}, [code], 0
    while frontier:
        depth += 1
        frontier = [child.code for c in frontier for child in areas.children(c)]
        found.update(dict.fromkeys(frontier, depth))
    return found


def _history(
    session: Session, structure: Structure, code: str, by: Denominator, *, at_or_before: int | None = None
) -> list[tuple[int, int, int | None]]:
    """(moment, installs, denominator) of one area at every moment of its structure: its own count where
    there is one, else the sum of the nearest level below that has counts (one summing query per level)."""
    areas = registry(structure)
    area = areas.get(code)
    below = _below(areas, code)
    by_depth: dict[int, list[str]] = {0: [code]}
    for child, depth in below.items():
        by_depth.setdefault(depth, []).append(child)
    per_moment: dict[int, dict[int, tuple[int, int | None]]] = {}  # moment → depth → (installs, phones)
    for depth, codes in by_depth.items():  # one summing query per level below: the database adds up
        query = (
            select(
                CampaignCount.as_of,
                func.sum(CampaignCount.installs),
                func.sum(CampaignCount.smartphones),
                func.count(CampaignCount.smartphones) == func.count(),
            )
            .where(CampaignCount.structure == structure.value, CampaignCount.area_code.in_(codes))
            .group_by(CampaignCount.as_of)
        )
        if at_or_before is not None:
            query = query.where(CampaignCount.as_of <= at_or_before)
        for as_of, installs, phones, every_row_has_phones in session.execute(query):
            known = int(phones) if every_row_has_phones and phones is not None else None
            per_moment.setdefault(int(as_of), {})[depth] = (int(installs), known)
    census = census_2019().get(code) if area.level is Level.PROVINCE and structure is Structure.OLD else None
    history = []
    for moment in sorted(per_moment):
        installs, phones = per_moment[moment][min(per_moment[moment])]  # its own count, or the nearest below
        history.append((moment, installs, phones if by is Denominator.SMARTPHONES else census))
    return history


def area_figures(
    session: Session, code: str, *, as_of: int, by: Denominator
) -> tuple[str, tuple[int | None, int | None]]:
    """(name, (installs, denominator)) of one area at the newest moment with its figures at or before
    `as_of`, in the newest structure that has it."""
    _, area = find_area(code)
    for candidate in (Structure.NEW, Structure.OLD):
        try:
            registry(candidate).get(code)
        except InvalidInput:
            continue
        history = _history(session, candidate, code, by, at_or_before=as_of)
        if history:
            _, installs, denominator = history[-1]
            return registry(candidate).get(code).name, (installs, denominator)
    return area.name, (None, None)


def trend(session: Session, code: str, *, by: Denominator) -> list[tuple[int, float | None, int]]:
    """(moment, rate %, installs) of one area over every moment of the newest structure with its figures."""
    for structure in (Structure.NEW, Structure.OLD):
        try:
            registry(structure).get(code)
        except InvalidInput:
            continue
        history = _history(session, structure, code, by)
        if history:
            return [(t, 100 * n / d if d else None, n) for t, n, d in history]
    return []


def communes_of(code: str) -> list[str]:
    """The commune codes at or below an area, in every structure that has it."""
    found: list[str] = []
    for structure in Structure:
        areas = registry(structure)
        try:
            area = areas.get(code)
        except InvalidInput:
            continue
        if area.level is Level.COMMUNE:
            found.append(code)
        found += [c for c in _below(areas, code) if level_of(c) is Level.COMMUNE]
    return sorted(set(found))
