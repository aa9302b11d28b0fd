"""Shared CLI output helpers: JSON to stdout, Rich for people."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from rich.console import Console

from bluezone.errors import InvalidInput

console = Console(highlight=False)


class Lang(StrEnum):
    """--lang: the languages every text is written in (texts.LANGUAGES)."""

    VI = "vi"
    EN = "en"


def print_json(value: Any) -> None:
    """Plain JSON on stdout (no Rich markup or wrapping), so other programs can parse it."""
    print(json.dumps(value, indent=2, ensure_ascii=False))


def parse_hex(value: str, what: str, length: int | None = None) -> bytes:
    try:
        data = bytes.fromhex(value)
    except ValueError:
        raise InvalidInput(f"{what} is not hexadecimal: {value!r}", code="bad_hex") from None
    if length is not None and len(data) != length:
        raise InvalidInput(
            f"{what} must be {length} bytes ({2 * length} hex digits), got {len(data)}", code="bad_key_length"
        )
    return data
