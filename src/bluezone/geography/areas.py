"""Viet Nam's administrative units in both structures, with GSO codes.

`2008`: 63 provinces, their districts and communes (in force until 30 June 2025).
`2025`: 34 provinces and their communes/wards, no district level (from 1 July 2025).
A figure dated before 2025-07-01 belongs to the old structure.
"""

from __future__ import annotations

import csv
import functools
import io
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources, util
from pathlib import Path

from bluezone.errors import InvalidInput

NEW_STRUCTURE_FROM = date(2025, 7, 1)


class Structure(StrEnum):
    OLD = "2008"
    NEW = "2025"


class Level(StrEnum):
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"


CODE_LENGTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    level: Level
    name: str
    parent: str | None  # the code of the area above, None for a province


def structure_on(day: date) -> Structure:
    return Structure.NEW if day >= NEW_STRUCTURE_FROM else Structure.OLD


def level_of(code: str) -> Level:
    for level, length in CODE_LENGTH.items():
        if len(code) == length and code.isdigit():
            return level
    raise InvalidInput(
        f"{code!r} is not a GSO code (2, 3 or 5 digits)", code="bad_area_code", values={"code": code}
    )


class Registry:
    """The areas of one structure, by code, with their children."""

    def __init__(self, structure: Structure, areas: Iterable[Area]) -> None:
        self.structure = structure
        self._by_code: dict[tuple[Level, str], Area] = {}
        self._children: dict[str | None, list[Area]] = {}
        for area in areas:
            self._by_code[(area.level, area.code)] = area
            self._children.setdefault(area.parent, []).append(area)
        # Codes of different levels differ in length, so the code alone finds the area (imports' hot path).
        self._by_plain_code = {code: area for (_, code), area in self._by_code.items()}

    def get(self, code: str) -> Area:
        area = self._by_plain_code.get(code)
        if area is None:
            level_of(code)  # says what is wrong with a malformed code
            raise InvalidInput(
                f"no area {code} in the {self.structure} structure",
                code="unknown_area",
                values={"code": code},
            )
        return area

    def children(self, code: str | None) -> list[Area]:
        return self._children.get(code, [])

    def at_level(self, level: Level, parent: str | None = None) -> list[Area]:
        """Areas of one level, all or those below `parent` (at any depth)."""
        if parent is None:
            return self._sorted_level(level)
        self.get(parent)
        found, frontier = [], [parent]
        while frontier:  # down the tree from the parent: cheaper than every area's ancestors
            children = [child for code in frontier for child in self.children(code)]
            found += [child for child in children if child.level == level]
            frontier = [child.code for child in children]
        return sorted(found, key=lambda a: a.code)

    @functools.cache  # noqa: B019  (registries live as long as the process, as the cache does)
    def _sorted_level(self, level: Level) -> list[Area]:
        return sorted((a for (lvl, _), a in self._by_code.items() if lvl == level), key=lambda a: a.code)

    def ancestors(self, area: Area) -> list[str]:
        found = []
        while area.parent is not None:
            found.append(area.parent)
            area = self._by_code[(level_of(area.parent), area.parent)]
        return found

    def __len__(self) -> int:
        return len(self._by_code)


def dataset_path() -> Path:
    """The vietnamadminunits SQLite dataset, found without importing the package (and its dependencies)."""
    spec = util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"


@cache
def registry(structure: Structure) -> Registry:
    with sqlite3.connect(f"file:{dataset_path()}?mode=ro", uri=True) as db:
        if structure is Structure.OLD:
            rows = db.execute(
                "SELECT DISTINCT provinceCode, province, districtCode, district, wardCode, ward "
                "FROM admin_units_legacy"
            ).fetchall()
            areas: dict[tuple[Level, str], Area] = {}
            for p_code, p_name, d_code, d_name, c_code, c_name in rows:
                if not (p_code and d_code and c_code):  # a few rows of the dataset lack a code
                    continue
                areas[(Level.PROVINCE, p_code)] = Area(p_code, Level.PROVINCE, p_name, None)
                areas[(Level.DISTRICT, d_code)] = Area(d_code, Level.DISTRICT, d_name, p_code)
                areas[(Level.COMMUNE, c_code)] = Area(c_code, Level.COMMUNE, c_name, d_code)
        else:
            rows = db.execute(
                "SELECT DISTINCT provinceCode, province, wardCode, ward FROM admin_units"
            ).fetchall()
            areas = {}
            for p_code, p_name, c_code, c_name in rows:
                if not (p_code and c_code):
                    continue
                areas[(Level.PROVINCE, p_code)] = Area(p_code, Level.PROVINCE, p_name, None)
                areas[(Level.COMMUNE, c_code)] = Area(c_code, Level.COMMUNE, c_name, p_code)
    return Registry(structure, areas.values())


def find_area(code: str) -> tuple[Structure, Area]:
    """An area by code in whichever structure has it (the newer first)."""
    level_of(code)
    for structure in (Structure.NEW, Structure.OLD):
        try:
            return structure, registry(structure).get(code)
        except InvalidInput:
            continue
    raise InvalidInput(f"no area {code} in either structure", code="unknown_area", values={"code": code})


def area_name(code: str) -> str:
    """An area's name, for showing a stored code: the code itself if no structure knows it."""
    try:
        return find_area(code)[1].name
    except InvalidInput:
        return code


def province_named(name_or_code: str) -> str:
    """A province's GSO code from its code or its name, with or without accents ("Hà Nội", "ha noi"),
    in either structure; the choices are named when none or several match."""
    from bluezone.texts import alphabetical  # noqa: PLC0415 (texts loads Babel; areas stays light)

    wanted = name_or_code.strip()
    if wanted.isdigit():
        return find_area(wanted.zfill(2))[1].code
    folded = alphabetical(wanted)[0]
    found = {
        a.code: a.name
        for structure in (Structure.NEW, Structure.OLD)
        for a in registry(structure).at_level(Level.PROVINCE)
        if folded in {alphabetical(a.name)[0], alphabetical(short_name(a.name))[0]}
    }
    if len(found) != 1:
        raise InvalidInput(
            f"no single province is called {wanted!r}"
            + (f" (it could be {', '.join(f'{n} ({c})' for c, n in found.items())})" if found else ""),
            code="unknown_province",
        )
    return next(iter(found))


UNIT_TYPES = ("Thành phố ", "Tỉnh ", "Quận ", "Huyện ", "Thị xã ", "Thị trấn ", "Phường ", "Xã ", "Đặc khu ")


def short_name(name: str) -> str:
    """An area's name without its kind of unit ("Tỉnh Khánh Hòa" → "Khánh Hòa"), to sort and match by."""
    for kind in UNIT_TYPES:
        if name.startswith(kind):
            return name.removeprefix(kind)
    return name


def lies_in(code: str, province_code: str) -> bool:
    """Whether an area (of any level, in either structure that has it) lies in the province."""
    level_of(code)
    for structure in (Structure.NEW, Structure.OLD):
        try:
            area = registry(structure).get(code)
        except InvalidInput:
            continue
        if code == province_code or province_code in registry(structure).ancestors(area):
            return True
    find_area(code)  # an unknown code says so
    return False


@cache
def provinces_63() -> list[dict[str, str]]:
    """The 63 provinces' GSO and ISO 3166-2 codes, names and 2019 census totals (data/README.md)."""
    text = (
        resources.files("bluezone.geography").joinpath("data", "vn_provinces_63_2020.csv").read_text("utf-8")
    )
    return list(csv.DictReader(io.StringIO(text)))


def census_2019() -> dict[str, int]:
    """2019 census population of each of the 63 provinces, by GSO code."""
    return {row["gso_code"]: int(row["population_2019_census"]) for row in provinces_63()}
