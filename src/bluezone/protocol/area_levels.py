"""The local epidemic levels phones show between alerts: one signed JSON document (signed_json.py, name
`levels`) mapping GSO area codes (provinces and communes) to a level of Resolution 128/NQ-CP and the cases
of the last 7 days. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec

from bluezone.errors import FormatError
from bluezone.protocol import signed_json

LEVELS_FILE = "risk-levels.json"


@dataclass(frozen=True)
class LocalLevel:
    area_code: str
    level: int  # 1 low, 2 medium, 3 high, 4 very high
    cases_7d: int | None


def sign_levels(
    levels: Mapping[str, tuple[int, int | None]], as_of: int, key: ec.EllipticCurvePrivateKey
) -> bytes:
    document = {
        "asOf": as_of,
        "areas": {
            code: {"level": level, "cases7d": cases} for code, (level, cases) in sorted(levels.items())
        },
    }
    return signed_json.sign_document("levels", document, key)


def read_levels(data: bytes, keys: Mapping[str, ec.EllipticCurvePublicKey]) -> dict[str, LocalLevel]:
    document = signed_json.read_document("levels", data, keys)
    try:
        return {
            str(code): LocalLevel(str(code), int(entry["level"]), _count(entry.get("cases7d")))
            for code, entry in dict(document["areas"]).items()
            if int(entry["level"]) in (1, 2, 3, 4)
        }
    except (KeyError, TypeError, ValueError):
        raise FormatError("the levels file holds no levels", code="bad_levels_file") from None


def _count(value: object) -> int | None:
    return None if value is None else int(str(value))


def level_for(levels: Mapping[str, LocalLevel], area_codes: Sequence[str | None]) -> LocalLevel | None:
    """The level of the most local area known: the phone's commune, else its province."""
    return next((levels[code] for code in area_codes if code and code in levels), None)
