"""Bulk scans: the C loop and its NumPy twin draw alike, a phone's scans come out the same when simulated
again alone, and the packets caught look like the field's."""

from __future__ import annotations

import os

import numpy as np
import pytest

from bluezone.sim import noise, scans
from bluezone.sim.contacts import Draw, Encounters, Setting, expand
from bluezone.sim.radio import Channel
from bluezone.sim.scans import NO_STEP, Radio, ScanRows, cut_short

PEOPLE = 400
SEED, DAY = 11, 4

PATHS = ["twin"] + (["c"] if scans.ACCELERATED else [])


def _encounters(n: int = 3000, seed: int = 3) -> Encounters:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, PEOPLE - 1, n)
    b = np.minimum(a + 1 + rng.integers(0, 6, n), PEOPLE - 1)
    start = rng.integers(0, 280, n)
    end = np.minimum(start + rng.integers(1, 120, n), 288)
    encounters = Encounters(
        a.astype(np.int32),
        b.astype(np.int32),
        start.astype(np.int16),
        end.astype(np.int16),
        rng.integers(0, len(Setting), n).astype(np.int8),
        rng.uniform(0.5, 8.0, n).astype(np.float32),
    )
    return cut_short(encounters, np.full(n, 120, np.int16))  # some end early: one of the two was isolated


def _radio(path: str, emit: float | None = None) -> Radio:
    rng = np.random.default_rng(7)
    emit_db = np.full(PEOPLE, emit) if emit is not None else rng.normal(-20.0, 5.0, PEOPLE)
    hear_db = np.zeros(PEOPLE) if emit is not None else rng.normal(0.0, 5.0, PEOPLE)
    return Radio(Channel(), emit_db=emit_db, hear_db=hear_db, seed=SEED, day=DAY, accelerated=path == "c")


def _sorted(rows: ScanRows) -> dict[str, np.ndarray]:
    order = np.lexsort((rows.step, rows.receiver, rows.sender))
    names = ("receiver", "sender", "step", "max_rssi", "mean_rssi", "packets")
    return {name: getattr(rows, name)[order] for name in names}


def test_the_accelerator_is_built_in_ci() -> None:
    if os.environ.get("CI"):
        assert scans.ACCELERATED


def test_the_c_loop_and_the_twin_draw_every_scan_alike(c_width: bool) -> None:
    encounters = _encounters()
    everyone = np.ones(PEOPLE, bool)
    c, twin = _radio("c").rows(encounters, everyone), _radio("twin").rows(encounters, everyone)
    assert len(c) > 10_000
    for name, column in _sorted(c).items():
        assert np.array_equal(column, _sorted(twin)[name]), name
    heard_c, heard_twin = _radio("c").heard(encounters, 84), _radio("twin").heard(encounters, 84)
    assert heard_c.scans == heard_twin.scans == len(c)
    assert np.array_equal(heard_c.first, heard_twin.first)


@pytest.mark.parametrize("path", PATHS)
def test_a_phones_scans_simulated_again_alone_are_the_same(path: str) -> None:
    encounters = _encounters()
    radio = _radio(path)
    everyone = _sorted(radio.rows(encounters, np.ones(PEOPLE, bool)))
    chosen = np.zeros(PEOPLE, bool)
    chosen[[5, 17, 230]] = True
    alone = _sorted(radio.rows(encounters, chosen))
    mine = np.isin(everyone["sender"], [5, 17, 230])
    assert len(alone["sender"]) == int(mine.sum()) > 0
    for name, column in alone.items():
        assert np.array_equal(column, everyone[name][mine]), name


@pytest.mark.parametrize("path", PATHS)
def test_first_heard_steps_are_the_earliest_heard_scan_on_each_side_of_the_split(path: str) -> None:
    encounters = _encounters()
    radio = _radio(path)
    rows = radio.rows(encounters, np.ones(PEOPLE, bool))
    heard = radio.heard(encounters, 100)
    expected = np.full((PEOPLE, 2), NO_STEP, np.int16)
    np.minimum.at(expected, (rows.sender, (rows.step >= 100).astype(np.intp)), rows.step)
    assert np.array_equal(heard.first, expected)
    assert heard.scans == len(rows)


def test_steps_have_the_distances_expand_gives_them() -> None:
    """The loop's attenuation per step is the path loss at the distance `contacts.expand` draws, so the
    transmission model and the radio see the same encounter."""
    plain = _encounters(n=200)
    steps = expand(plain, Draw(SEED, DAY))
    # A link so strong that every packet at 0.3–15 m is heard: each scan's level is set by the distance.
    rows = _sorted(_radio("twin", emit=40.0).rows(plain, np.ones(PEOPLE, bool)))
    distance_at = {
        (int(plain.a[e]), int(plain.b[e]), int(step)): float(d)
        for e, step, d in zip(steps.encounter, steps.step, steps.distance_m, strict=True)
    }
    forward = rows["sender"] < rows["receiver"]
    distances = np.array(
        [
            distance_at[(int(s), int(r), int(t))]
            for s, r, t in zip(
                rows["sender"][forward], rows["receiver"][forward], rows["step"][forward], strict=True
            )
        ]
    )
    expected = 40.0 - Channel().mean_attenuation(distances)
    # The rest is the persistent term (sd 6.6 dB, median 0) and the jitter averaged over the packets.
    residual = rows["mean_rssi"][forward] - expected
    assert abs(float(np.median(residual))) < 1.0
    assert 5.0 < float(np.std(residual)) < 8.0


@pytest.mark.parametrize("path", PATHS)
def test_a_scan_catches_a_field_like_number_of_packets(path: str) -> None:
    """GAEN phones deliver a median of 6 packets per 4-s scan at close range (DP-3T exp34); far away
    with a weak link, most packets fall under the floor and are lost."""
    n = 4000
    near = Encounters(
        a=np.arange(n, dtype=np.int32) % (PEOPLE // 2) * 2,
        b=np.arange(n, dtype=np.int32) % (PEOPLE // 2) * 2 + 1,
        start=(np.arange(n) % 200).astype(np.int16),
        end=(np.arange(n) % 200 + 40).astype(np.int16),
        setting=np.full(n, int(Setting.CAFE), np.int8),
        distance_m=np.full(n, 1.0, np.float32),
    )
    rows = _radio(path, emit=-21.0).rows(near, np.ones(PEOPLE, bool))
    assert rows.packets.max() <= 16
    assert 5.5 <= float(np.mean(rows.packets)) <= 6.8
    assert np.all(rows.max_rssi >= rows.mean_rssi - 0.5)  # both rounded
    far = Encounters(near.a, near.b, near.start, near.end, near.setting, np.full(n, 15.0, np.float32))
    lost = _radio(path, emit=-45.0).rows(far, np.ones(PEOPLE, bool))
    assert len(lost) < 0.2 * len(rows)


def test_packet_jitter_has_unit_variance() -> None:
    values = noise.mix(noise.absorb(noise.seeded(SEED), np.arange(200_000)))
    z = noise.byte_normal_of_sum()[noise.byte_sums(values)]  # the jitter of each packet's byte sum
    assert abs(float(z.mean())) < 0.01 and abs(float(z.std()) - 1.0) < 0.01


@pytest.mark.skipif(not scans.ACCELERATED, reason="the C loop is not built here")
def test_the_c_loop_refuses_people_outside_the_town() -> None:
    encounters = _encounters(n=10)
    bad = Encounters(
        np.full(10, PEOPLE + 5, np.int32),
        encounters.b,
        encounters.start,
        encounters.end,
        encounters.setting,
        encounters.distance_m,
    )
    with pytest.raises(ValueError, match="outside"):
        _radio("c").heard(bad, 84)
    with pytest.raises(ValueError, match="outside"):
        scans.by_person(bad, PEOPLE)


@pytest.mark.parametrize("path", PATHS)
def test_each_persons_encounters_are_listed_once_in_order(path: str) -> None:
    encounters = _encounters(n=500)
    offsets, rows = scans.by_person(encounters, PEOPLE, accelerated=path == "c")
    assert offsets[0] == 0 and offsets[-1] == len(rows) == 2 * len(encounters)
    for person in (0, 7, 150, PEOPLE - 1):
        listed = rows[offsets[person] : offsets[person + 1]]
        as_a = np.flatnonzero(encounters.a == person)
        as_b = np.flatnonzero(encounters.b == person)
        assert listed.tolist() == as_a.tolist() + as_b.tolist()
    if path == "c":
        twin = scans.by_person(encounters, PEOPLE, accelerated=False)
        assert np.array_equal(offsets, twin[0]) and np.array_equal(rows, twin[1])


def test_a_scans_tabled_chances_are_those_of_sixteen_slots() -> None:
    """Whether a scan hears anything, and the slot of its first heard packet, drawn from tables, have the
    chances of 16 advertisement slots each caught and loud enough independently."""
    capture = Channel().capture_probability
    heard_any, first_slot = scans.heard_tables(capture)
    rng = np.random.default_rng(2)
    for loudest in (820, 1020, 1150, noise.BYTE_SUM_MAX):
        chance = capture * noise.BYTE_SUM_CDF[loudest]
        slots = rng.random((200_000, 16)) < chance
        some = slots.any(axis=1)
        assert abs(float(some.mean()) - heard_any[loudest]) < 0.005
        first = np.argmax(slots[some], axis=1)
        expected = first_slot[loudest] - np.r_[0.0, first_slot[loudest][:-1]]
        assert np.allclose(np.bincount(first, minlength=16) / len(first), expected, atol=0.006)
