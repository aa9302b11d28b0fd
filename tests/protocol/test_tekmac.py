"""The verification certificate's tekmac against the key server's published vectors."""

from __future__ import annotations

import base64

import pytest

from bluezone.errors import InvalidInput
from bluezone.protocol import tekmac
from bluezone.protocol.exposure_key import ExposureKey
from tests.conftest import load_json

VECTORS = load_json("gaen_verification_hmac_vectors.json")
SECRET = bytes.fromhex(VECTORS["secret_hex"])


def _keys(case: dict[str, list[dict[str, object]]]) -> list[ExposureKey]:
    return [
        ExposureKey(
            key_data=base64.b64decode(str(k["key"])),
            rolling_start_interval_number=int(str(k["rollingStartNumber"])),
            rolling_period=int(str(k["rollingPeriod"])),
            transmission_risk_level=int(str(k["transmissionRisk"])),
        )
        for k in case["keys"]
    ]


@pytest.mark.parametrize("case", VECTORS["cases"], ids=[c["name"] for c in VECTORS["cases"]])
def test_vectors(case: dict[str, object]) -> None:
    keys = _keys(case)  # type: ignore[arg-type]
    assert tekmac.cleartext(keys) == case["cleartext"]
    assert tekmac.tekmac(SECRET, keys) == case["hmac_b64"]
    assert tekmac.verify(SECRET, keys, str(case["hmac_b64"]))
    if "alt_hmac_b64" in case:
        assert tekmac.cleartext(keys, with_transmission_risk=False) == case["alt_cleartext"]
        assert tekmac.verify(SECRET, keys, str(case["alt_hmac_b64"]))
    else:
        assert len(tekmac.accepted_tekmacs(SECRET, keys)) == 1


def test_order_of_keys_does_not_matter_but_content_does() -> None:
    keys = _keys(VECTORS["cases"][0])
    mac = tekmac.tekmac(SECRET, keys)
    assert tekmac.tekmac(SECRET, keys[::-1]) == mac
    changed = [keys[0], ExposureKey(keys[1].key_data, keys[1].rolling_start_interval_number + 1)]
    assert not tekmac.verify(SECRET, changed, mac)
    assert not tekmac.verify(bytes(16), keys, mac)


def test_short_hmac_key_is_refused() -> None:
    with pytest.raises(InvalidInput):
        tekmac.tekmac(b"short", [])
