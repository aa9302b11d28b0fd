"""Sample ids on test forms: printed as XXXX-XXXX-XXXX-XXXX in Crockford's base 32 with a check symbol,
and in a QR code the phone scans. The phone sends only the id's SHA-256. Pure: no I/O."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence

from bluezone.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
SAMPLE_SYMBOLS = 15  # 75 random bits, then one check symbol
CHECK_MODULUS = 31  # prime: any one wrong symbol and any swap of neighbours changes the check
QR_PREFIX = "bluezone://t?s="


def _check_symbol(values: Sequence[int]) -> str:
    return ALPHABET[sum((i + 1) * v for i, v in enumerate(values)) % CHECK_MODULUS]


def new_sample_id() -> str:
    """A sample id to print on a form, as XXXX-XXXX-XXXX-XXXX, its last symbol a check."""
    values = [secrets.randbelow(len(ALPHABET)) for _ in range(SAMPLE_SYMBOLS)]
    symbols = "".join(ALPHABET[v] for v in values) + _check_symbol(values)
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def normalise_sample_id(text: str) -> str:
    """The sample id as a lab or the QR code gives it, checked: case, spaces and dashes ignored, and the
    letters people confuse with digits read as those digits."""
    symbols = re.sub(r"[\s-]", "", text.upper()).translate(str.maketrans("ILO", "110"))
    if len(symbols) != SAMPLE_SYMBOLS + 1 or any(s not in ALPHABET for s in symbols):
        raise InvalidInput(
            "a sample id is 16 letters and digits, as printed on the form", code="bad_sample_id"
        )
    if _check_symbol([ALPHABET.index(s) for s in symbols[:-1]]) != symbols[-1]:
        raise InvalidInput("the sample id has a typing mistake (its check fails)", code="sample_id_check")
    return symbols


def sample_hash(sample_id: str) -> str:
    """What the phone registers: the SHA-256 of the checked sample id, in hex."""
    return hashlib.sha256(normalise_sample_id(sample_id).encode()).hexdigest()


def qr_payload(sample_id: str) -> str:
    """The text of the QR code printed on the sample form."""
    return QR_PREFIX + normalise_sample_id(sample_id)


def sample_id_from_qr(payload: str) -> str:
    if not payload.startswith(QR_PREFIX):
        raise InvalidInput("this QR code is not a Bluezone test form", code="not_a_test_form")
    return normalise_sample_id(payload[len(QR_PREFIX) :])
