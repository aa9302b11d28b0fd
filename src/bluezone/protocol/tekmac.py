"""The verification certificate's `tekmac` claim: an HMAC binding a certificate to the keys it allows.

Cleartext: for each key `base64(key).rollingStartNumber.rollingPeriod.transmissionRisk`, sorted by the
base64 string, joined by ","; HMAC-SHA256 under the device's random `hmacKey`, standard base64.
When every transmission risk is 0, servers also accept the form without the fourth field.
Venue check-ins shared in the same upload are bound too: "|" and their reports (serialised, base64, sorted,
joined by ",") follow the keys; without check-ins the cleartext is GAEN's exactly.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

from bluezone.errors import InvalidInput
from bluezone.protocol.exposure_key import ExposureKey

MIN_HMAC_KEY_LENGTH = 16


def cleartext(
    keys: Sequence[ExposureKey], *, with_transmission_risk: bool = True, check_ins: Sequence[bytes] = ()
) -> str:
    segments = []
    for key in keys:
        fields = [
            base64.b64encode(key.key_data).decode("ascii"),
            str(key.rolling_start_interval_number),
            str(key.rolling_period),
        ]
        if with_transmission_risk:
            fields.append(str(key.transmission_risk_level))
        segments.append(".".join(fields))
    text = ",".join(sorted(segments))
    if check_ins:
        text += "|" + ",".join(sorted(base64.b64encode(report).decode("ascii") for report in check_ins))
    return text


def tekmac(
    hmac_key: bytes,
    keys: Sequence[ExposureKey],
    *,
    with_transmission_risk: bool = True,
    check_ins: Sequence[bytes] = (),
) -> str:
    """Base64 HMAC-SHA256 of the keys' (and check-ins') cleartext."""
    if len(hmac_key) < MIN_HMAC_KEY_LENGTH:
        raise InvalidInput(f"hmacKey must be at least {MIN_HMAC_KEY_LENGTH} bytes", code="bad_hmac_key")
    text = cleartext(keys, with_transmission_risk=with_transmission_risk, check_ins=check_ins).encode("ascii")
    return base64.b64encode(hmac.digest(hmac_key, text, hashlib.sha256)).decode("ascii")


def accepted_tekmacs(
    hmac_key: bytes, keys: Sequence[ExposureKey], check_ins: Sequence[bytes] = ()
) -> list[str]:
    """Every tekmac a server accepts for these keys (two forms when all transmission risks are 0)."""
    macs = [tekmac(hmac_key, keys, check_ins=check_ins)]
    if all(key.transmission_risk_level == 0 for key in keys):
        macs.append(tekmac(hmac_key, keys, with_transmission_risk=False, check_ins=check_ins))
    return macs


def verify(
    hmac_key: bytes, keys: Sequence[ExposureKey], claimed: str, check_ins: Sequence[bytes] = ()
) -> bool:
    return any(hmac.compare_digest(mac, claimed) for mac in accepted_tekmacs(hmac_key, keys, check_ins))
