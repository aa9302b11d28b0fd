"""The health facilities an alert points to: the user's own district first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Facility:
    name: str
    address: str
    phone: str
    district_code: str
    commune_code: str = ""


class FacilityDirectory:
    """Facilities by district, as a province's health department publishes them."""

    def __init__(self, facilities: Iterable[Facility] = ()) -> None:
        self._by_district: dict[str, list[Facility]] = {}
        for facility in facilities:
            self._by_district.setdefault(facility.district_code, []).append(facility)

    def in_district(self, district_code: str | None, commune_code: str | None = None) -> list[Facility]:
        """The district's facilities, those of the user's commune first."""
        found = self._by_district.get(district_code or "", [])
        return sorted(found, key=lambda f: (f.commune_code != commune_code, f.name))
