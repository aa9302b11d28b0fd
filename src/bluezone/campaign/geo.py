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
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources

import numpy as np
import numpy.typing as npt

from bluezone.geography import areas
from bluezone.geography.areas import Structure, dataset_path

Ring = npt.NDArray[np.float64]  # (n, 2): longitude, latitude
WIDTH = 520
MARGIN = 40  # room for the archipelagos' names beyond the outermost islands
SCALE_STOPS = (0, 10, 20, 30, 40, 50, 60)  # percent
COLOURS = ("#f1f5fa", "#d4e3f3", "#a9c8e8", "#79a8d9", "#4a87c7", "#2166ac", "#0b3d7a")
NO_DATA = "#e3e3e3"


def _data(name: str) -> str:
    return resources.files("bluezone.campaign").joinpath("data", name).read_text(encoding="utf-8")


@cache
def provinces_63() -> dict[str, list[Ring]]:
    """GSO code → the province's outer rings on the mainland and the near-shore islands."""
    iso_to_gso = {r["iso_3166_2"]: r["gso_code"] for r in areas.provinces_63()}
    shapes: dict[str, list[Ring]] = {}
    for feature in json.loads(_data("vn_adm1_63_geoboundaries_simplified.geojson"))["features"]:
        code = iso_to_gso[feature["properties"]["shapeISO"].strip()]
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        shapes.setdefault(code, []).extend(np.asarray(polygon[0], dtype=np.float64) for polygon in polygons)
    return shapes


@dataclass(frozen=True)
class Archipelago:
    names: dict[str, str]  # language → name
    province: str  # GSO code in the 63-province structure
    islands: list[Ring]


@cache
def archipelagos() -> list[Archipelago]:
    """Hoàng Sa and Trường Sa: Natural Earth's island outlines (public domain), see data/README.md."""
    return [
        Archipelago(
            names={"vi": f["properties"]["name_vi"], "en": f["properties"]["name_en"]},
            province=f["properties"]["province_code"],
            islands=[np.asarray(p[0], dtype=np.float64) for p in f["geometry"]["coordinates"]],
        )
        for f in json.loads(_data("vn_islands_natural_earth_10m.geojson"))["features"]
    ]


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


@dataclass(frozen=True)
class _Drawing:
    paths: dict[str, str]  # old province code → SVG path data
    height: int
    # Each archipelago with its islands' path data and the circle around them (x, y, radius).
    archipelagos: list[tuple[Archipelago, str, tuple[float, float, float]]]


@cache
def _drawing() -> _Drawing:
    """Every province in a plate carrée scaled by the cosine of the middle latitude, and where the
    archipelagos fall in it."""
    shapes = provinces_63()
    islands = [ring for archipelago in archipelagos() for ring in archipelago.islands]
    everything = np.concatenate([ring for rings in shapes.values() for ring in rings] + islands)
    (lon0, lat0), (lon1, lat1) = everything.min(axis=0), everything.max(axis=0)
    squeeze = np.cos(np.radians((lat0 + lat1) / 2))
    scale = WIDTH / ((lon1 - lon0) * squeeze)

    def project(ring: Ring) -> Ring:
        return np.column_stack([(ring[:, 0] - lon0) * squeeze * scale, (lat1 - ring[:, 1]) * scale])

    def path(rings: list[Ring]) -> str:
        return "".join("M" + "L".join(f"{a:.1f},{b:.1f}" for a, b in project(ring)) + "Z" for ring in rings)

    circles = []
    for archipelago in archipelagos():
        points = np.concatenate([project(ring) for ring in archipelago.islands])
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        circle = ((x0 + x1) / 2, (y0 + y1) / 2, max(x1 - x0, y1 - y0) / 2 + 6)
        circles.append((archipelago, path(archipelago.islands), circle))
    return _Drawing(
        {code: path(rings) for code, rings in shapes.items()}, int((lat1 - lat0) * scale) + 1, circles
    )


def svg_map(
    rates: Mapping[str, float | None],
    names: Mapping[str, str],
    structure: Structure,
    *,
    lang: str = "vi",
    link: str = "/campaign/area/",
    label: str = "",
) -> str:
    """A choropleth of provinces; each links to its page and says its name and rate on hover. Hoàng Sa and
    Trường Sa are drawn in their provinces' colours, circled and named, as every map of Viet Nam has them."""
    drawing = _drawing()
    new_of = old_to_new() if structure is Structure.NEW else {}
    parts = [
        f'<svg viewBox="0 -{MARGIN} {WIDTH + 2 * MARGIN} {drawing.height + MARGIN}" role="group" '
        f'aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg" class="map">'
    ]
    for old, path in sorted(drawing.paths.items()):
        code = new_of.get(old, old)
        rate = rates.get(code)
        shown = f"{escape(names.get(code, code))}: {'–' if rate is None else f'{rate:.1f}%'}"
        parts.append(
            f'<a href="{link}{code}" data-code="{code}" aria-label="{shown}">'
            f'<path d="{path}" fill="{colour(rate)}" '
            f'stroke="#fff" stroke-width="0.6"><title>{shown}</title>'
            "</path></a>"
        )
    for archipelago, islands, (x, y, r) in drawing.archipelagos:
        code = new_of.get(archipelago.province, archipelago.province)
        province = names.get(code, code)
        name = archipelago.names.get(lang, archipelago.names["vi"])
        parts.append(
            f'<g class="archipelago"><a href="{link}{code}" data-code="{code}" '
            f'aria-label="{escape(name)} ({escape(province)})"><path d="{islands}" '
            f'fill="{colour(rates.get(code))}" stroke="#1d2733" stroke-width="0.8"><title>{escape(name)} '
            f"({escape(province)})</title></path></a>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="none" '
            f'stroke="#5b6b7c" stroke-width="0.8" stroke-dasharray="3 2"/>'
            f'<text x="{x:.1f}" y="{y - r - 17:.1f}" text-anchor="middle" font-size="14" fill="#1d2733">'
            f'{escape(name)}</text><text x="{x:.1f}" y="{y - r - 3:.1f}" text-anchor="middle" '
            f'font-size="12" fill="#5b6b7c">({escape(province)})</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend() -> list[tuple[str, str]]:
    """(colour, label) from the lowest band up."""
    bands = [f"{low}–{high}%" for low, high in itertools.pairwise(SCALE_STOPS)]
    return list(zip(COLOURS, [*bands, f"≥ {SCALE_STOPS[-1]}%"], strict=True))
