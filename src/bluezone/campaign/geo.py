"""The campaign map: the 63 provinces' outlines as SVG, coloured by install rate.

The outlines are geoBoundaries' (bundled, CC BY 4.0), joined to GSO codes through the ISO codes of the
bundled province list; Côn Đảo, a separate feature with Bà Rịa–Vũng Tàu's code, is drawn as part of it. For
figures in the 34-province structure each old province is drawn in the colour of the new province it became
part of (found by where the new provinces' communes lie), so no second set of outlines is needed.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Mapping
from functools import cache
from html import escape
from importlib import resources

import numpy as np
import numpy.typing as npt

from bluezone.geography import areas
from bluezone.geography.areas import Structure, dataset_path

Ring = npt.NDArray[np.float64]  # (n, 2): longitude, latitude
WIDTH = 520
SCALE_STOPS = (0, 10, 20, 30, 40, 50, 60)  # percent
COLOURS = ("#f1f5fa", "#d4e3f3", "#a9c8e8", "#79a8d9", "#4a87c7", "#2166ac", "#0b3d7a")
NO_DATA = "#e3e3e3"


def _data(name: str) -> str:
    return resources.files("bluezone.campaign").joinpath("data", name).read_text(encoding="utf-8")


@cache
def provinces_63() -> dict[str, list[Ring]]:
    """GSO code → the province's outer rings."""
    iso_to_gso = {r["iso_3166_2"]: r["gso_code"] for r in areas.provinces_63()}
    shapes: dict[str, list[Ring]] = {}
    for feature in json.loads(_data("vn_adm1_63_geoboundaries_simplified.geojson"))["features"]:
        code = iso_to_gso[feature["properties"]["shapeISO"].strip()]
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        shapes.setdefault(code, []).extend(np.asarray(polygon[0], dtype=np.float64) for polygon in polygons)
    return shapes


def _inside(points: Ring, ring: Ring) -> npt.NDArray[np.bool_]:
    """Even–odd rule: is each point inside the ring?"""
    x, y = points[:, 0:1], points[:, 1:2]
    x1, y1 = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    crosses = (y1 > y) != (y2 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
    return np.asarray((crosses & (x < at)).sum(axis=1) % 2 == 1)


@cache
def old_to_new() -> dict[str, str]:
    """Old (63) province code → the new (34) province it is part of: where most of a new province's
    communes lie decides."""
    with sqlite3.connect(f"file:{dataset_path()}?mode=ro", uri=True) as db:
        wards = db.execute(
            "SELECT provinceCode, wardLon, wardLat FROM admin_units WHERE wardLon IS NOT NULL"
        ).fetchall()
    new_codes = np.array([w[0] for w in wards])
    points = np.array([(w[1], w[2]) for w in wards], dtype=np.float64)
    votes: dict[str, Counter[str]] = {}
    for old, rings in provinces_63().items():
        inside = np.zeros(len(points), bool)
        for ring in rings:
            inside |= _inside(points, ring)
        votes[old] = Counter(new_codes[inside].tolist())
    return {old: count.most_common(1)[0][0] for old, count in votes.items() if count}


def colour(rate: float | None) -> str:
    if rate is None:
        return NO_DATA
    return COLOURS[int(np.searchsorted(SCALE_STOPS, rate, side="right")) - 1]


@cache
def _paths() -> tuple[dict[str, str], int]:
    """SVG path data per old province in a plate carrée scaled by the cosine of the middle latitude."""
    shapes = provinces_63()
    everything = np.concatenate([ring for rings in shapes.values() for ring in rings])
    (lon0, lat0), (lon1, lat1) = everything.min(axis=0), everything.max(axis=0)
    squeeze = np.cos(np.radians((lat0 + lat1) / 2))
    scale = WIDTH / ((lon1 - lon0) * squeeze)
    height = int((lat1 - lat0) * scale) + 1
    paths = {}
    for code, rings in shapes.items():
        parts = []
        for ring in rings:
            x = (ring[:, 0] - lon0) * squeeze * scale
            y = (lat1 - ring[:, 1]) * scale
            parts.append("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)) + "Z")
        paths[code] = "".join(parts)
    return paths, height


def svg_map(
    rates: Mapping[str, float | None],
    names: Mapping[str, str],
    structure: Structure,
    *,
    link: str = "/campaign/area/",
    label: str = "",
) -> str:
    """A choropleth of provinces; each links to its page and says its name and rate on hover."""
    paths, height = _paths()
    new_of = old_to_new() if structure is Structure.NEW else {}
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" class="map">'
    ]
    for old, path in sorted(paths.items()):
        code = new_of.get(old, old)
        rate = rates.get(code)
        shown = "–" if rate is None else f"{rate:.1f}%"
        parts.append(
            f'<a href="{link}{code}" data-code="{code}"><path d="{path}" fill="{colour(rate)}" '
            f'stroke="#fff" stroke-width="0.6"><title>{escape(names.get(code, code))}: {shown}</title>'
            "</path></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def legend() -> list[tuple[str, str]]:
    """(colour, label) from the lowest band up."""
    bands = [f"{low}–{high}%" for low, high in itertools.pairwise(SCALE_STOPS)]
    return list(zip(COLOURS, [*bands, f"≥ {SCALE_STOPS[-1]}%"], strict=True))
