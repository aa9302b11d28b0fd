"""Each publish rule alone: what it lets through and the code it refuses with."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bluezone.authority.certificates import CertificateClaims
from bluezone.errors import InvalidInput
from bluezone.keyserver import rules
from bluezone.keyserver.rules import PublishRejected, Submission, SubmittedKey
from bluezone.protocol import tekmac
from bluezone.venues import reports

NOW = 2_930_000  # an ENIntervalNumber
TODAY = NOW - NOW % 144
HMAC_KEY = bytes(range(32))


def _keys(n: int = 3, **changes: int) -> list[SubmittedKey]:
    keys = [SubmittedKey(bytes([i + 1]) * 16, TODAY - 144 * i, 144, 0) for i in range(n)]
    if changes:
        first = keys[0]
        keys[0] = SubmittedKey(
            first.key_data,
            changes.get("start", first.rolling_start),
            changes.get("period", first.rolling_period),
            changes.get("risk", 0),
        )
    return keys


def _submission(
    keys: list[SubmittedKey], onset: int | None = TODAY - 144, mac_keys: list[SubmittedKey] | None = None
) -> Submission:
    try:
        mac = tekmac.tekmac(HMAC_KEY, [k.as_exposure_key() for k in (mac_keys or keys)])
    except InvalidInput:  # keys the earlier rules refuse have no MAC; tekmac_matches never sees them
        mac = ""
    return Submission(keys, HMAC_KEY, CertificateClaims("HN", 1, mac, "confirmed", onset, None), NOW)


def test_a_good_submission_passes_every_rule() -> None:
    rules.validate(_submission(_keys()))
    assert [name for name, _ in rules.RULES] == [
        "key_count",
        "key_length",
        "distinct_keys",
        "rolling_period_range",
        "transmission_risk_range",
        "check_in_reports",
        "tekmac_matches",
        "not_in_future",
        "not_too_old",
        "max_keys_per_start",
        "no_overlap",
        "onset_in_range",
    ]


REFUSALS: list[tuple[Callable[[Submission], None], Callable[[], Submission], str]] = [
    (rules.key_count, lambda: _submission([]), "bad_key_count"),
    (
        rules.key_count,
        lambda: _submission(
            [SubmittedKey(bytes([i % 250 + 1]) * 16, TODAY - 144 * (i % 14), 144, 0) for i in range(31)]
        ),
        "bad_key_count",
    ),
    (rules.key_length, lambda: _submission([SubmittedKey(b"short", TODAY, 144, 0)]), "bad_key_length"),
    (
        rules.distinct_keys,
        lambda: _submission(
            [SubmittedKey(b"a" * 16, TODAY, 144, 0), SubmittedKey(b"a" * 16, TODAY - 144, 144, 0)]
        ),
        "duplicate_key",
    ),
    (rules.rolling_period_range, lambda: _submission(_keys(period=145)), "bad_rolling_period"),
    (rules.rolling_period_range, lambda: _submission(_keys(period=0)), "bad_rolling_period"),
    (rules.transmission_risk_range, lambda: _submission(_keys(risk=9)), "bad_transmission_risk"),
    (
        rules.tekmac_matches,
        lambda: _submission(_keys(), mac_keys=_keys(start=TODAY - 1)),
        "certificate_mismatch",
    ),
    (rules.not_in_future, lambda: _submission(_keys(start=NOW + 1)), "key_in_future"),
    (rules.not_too_old, lambda: _submission(_keys(start=TODAY - 16 * 144)), "key_too_old"),
    (
        rules.max_keys_per_start,
        lambda: _submission([SubmittedKey(bytes([i + 1]) * 16, TODAY, 144, 0) for i in range(4)]),
        "too_many_keys_per_interval",
    ),
    (
        rules.no_overlap,
        lambda: _submission(
            [SubmittedKey(b"a" * 16, TODAY, 144, 0), SubmittedKey(b"b" * 16, TODAY + 10, 20, 0)]
        ),
        "keys_overlap",
    ),
    (rules.onset_in_range, lambda: _submission(_keys(), onset=TODAY + 15 * 144), "onset_out_of_range"),
    (rules.check_in_reports, lambda: _with_check_ins([b"\x0a\x03abc"]), "bad_check_in"),
    (rules.check_in_reports, lambda: _with_check_ins([b"\xff\xff"]), "bad_check_in"),
    (rules.check_in_reports, lambda: _with_check_ins([_stay()] * 101), "bad_check_in_count"),
    (rules.tekmac_matches, lambda: _with_check_ins([_stay()], mac_over=[]), "certificate_mismatch"),
]


@pytest.mark.parametrize(
    ("rule", "make", "code"), REFUSALS, ids=[f"{r.__name__}-{c}" for r, _, c in REFUSALS]
)
def test_each_rule_refuses_with_its_code(
    rule: Callable[[Submission], None], make: Callable[[], Submission], code: str
) -> None:
    with pytest.raises(PublishRejected) as error:
        rule(make())
    assert error.value.code == code


def _stay() -> bytes:
    return reports.protect(b"\x07" * 32, reports.Stay(TODAY + 60, 3, 7)).SerializeToString()


def _with_check_ins(check_ins: list[bytes], mac_over: list[bytes] | None = None) -> Submission:
    """A submission with venue stays; its certificate's MAC covers `mac_over` (default: the stays)."""
    keys = _keys()
    covered = check_ins if mac_over is None else mac_over
    mac = tekmac.tekmac(HMAC_KEY, [k.as_exposure_key() for k in keys], check_ins=covered)
    claims = CertificateClaims("HN", 1, mac, "confirmed", None, None)
    return Submission(keys, HMAC_KEY, claims, NOW, check_ins)


def test_stays_bound_by_the_certificate_pass() -> None:
    rules.validate(_with_check_ins([_stay(), _stay()]))


def test_edges_that_pass() -> None:
    rules.key_count(_submission(_keys(1)))
    rules.not_in_future(_submission(_keys(start=NOW)))
    rules.not_too_old(_submission(_keys(start=TODAY - 14 * 144)))
    same_start = [SubmittedKey(bytes([i + 1]) * 16, TODAY, 144, 0) for i in range(3)]
    rules.max_keys_per_start(_submission(same_start))
    rules.no_overlap(_submission(same_start))  # replaced keys of one day share a start
    rules.onset_in_range(_submission(_keys(), onset=None))
