"""The synthetic town: households, classes, teams, smartphones by age, and who adopts the app."""

from __future__ import annotations

import numpy as np
import pytest

from bluezone.errors import InvalidInput
from bluezone.sim.population import NO_GROUP, build_population, pairs_within
from bluezone.sim.scenario import PopulationSettings


def test_the_town_looks_like_viet_nam() -> None:
    town = build_population(PopulationSettings(people=20_000), np.random.default_rng(1))
    assert len(town) == 20_000
    household_sizes = np.bincount(town.household)
    assert 3.2 <= household_sizes.mean() <= 3.8
    assert 0.72 <= town.has_phone.mean() <= 0.84  # 76.8M smartphone users in 97.6M people
    pupils = town.school_class != NO_GROUP
    assert np.all((town.age[pupils] >= 3) & (town.age[pupils] <= 17))  # kindergarten, then school
    sizes = np.bincount(town.school_class[pupils])
    kindergarten = np.unique(town.school_class[pupils & (town.age <= 5)])
    assert np.all(sizes[kindergarten] <= 35) and np.all(sizes <= 45)
    assert np.all(town.age[town.team != NO_GROUP] >= 10)
    assert np.bincount(town.team[town.team != NO_GROUP]).max() <= 20
    heads = np.r_[True, town.household[1:] != town.household[:-1]]
    assert np.all(town.age[heads] >= 20)  # every household has an adult


def test_adoption_is_an_exact_share_of_everyone_and_needs_a_smartphone() -> None:
    town = build_population(PopulationSettings(people=10_000, adoption=0.4), np.random.default_rng(2))
    assert town.has_app.sum() == 4000
    assert np.all(town.has_phone[town.has_app])
    with pytest.raises(InvalidInput, match="exceeds the smartphone share"):
        build_population(PopulationSettings(people=10_000, adoption=0.95), np.random.default_rng(2))


def _same_household_share(clustering: float) -> float:
    settings = PopulationSettings(people=10_000, adoption=0.3, household_clustering=clustering)
    town = build_population(settings, np.random.default_rng(3))
    users = town.household[town.has_app]
    return float(np.mean(np.bincount(users)[users] > 1))


def test_clustered_adoption_puts_app_users_together() -> None:
    assert _same_household_share(0.9) > _same_household_share(0.0) + 0.1


def test_every_smartphone_gets_a_model_from_the_market_mix() -> None:
    town = build_population(PopulationSettings(people=5000), np.random.default_rng(4))
    handsets = town.handsets
    assert np.all((handsets.model >= 0) == town.has_phone)
    names = [handsets.models[m] for m in handsets.model[town.has_phone]]
    iphones = sum(name.startswith("iPhone") for name in names) / len(names)
    assert 0.10 <= iphones <= 0.18
    tx = handsets.tx_power[town.has_phone]
    assert np.all((tx >= -50) & (tx <= 20))  # what receivers accept as plausible


def _team_concentration(clustering: float) -> float:
    """Mean square of the teams' app shares: higher when app users bunch in some teams."""
    settings = PopulationSettings(people=10_000, adoption=0.3, household_clustering=clustering)
    town = build_population(settings, np.random.default_rng(3))
    workers = town.team != NO_GROUP
    rate = np.bincount(town.team[workers], weights=town.has_app[workers]) / np.bincount(town.team[workers])
    return float(np.mean(rate**2))


def test_clustered_adoption_also_gathers_workplace_teams() -> None:
    assert _team_concentration(0.9) > _team_concentration(0.0) + 0.02


def test_adoption_can_come_from_a_provinces_campaign_figures(tmp_path: object) -> None:
    from pathlib import Path

    from bluezone.geography.areas import census_2019

    assert isinstance(tmp_path, Path)
    counts = tmp_path / "counts.csv"
    danang = census_2019()["48"]
    counts.write_text(
        f"as_of,area_code,installs\n2020-08-10,48,{danang // 5}\n2020-08-20,48,{danang * 4 // 10}\n",
        encoding="utf-8",
    )
    settings = PopulationSettings(people=5000, adoption_province="48", campaign_counts=counts)
    town = build_population(settings, np.random.default_rng(6))
    assert abs(town.has_app.mean() - 0.4) < 0.001  # the newest figure: 40% of the 2019 census
    with pytest.raises(InvalidInput, match="no counts for province 79"):
        build_population(
            PopulationSettings(people=500, adoption_province="79", campaign_counts=counts),
            np.random.default_rng(1),
        )
    with pytest.raises(InvalidInput, match=r"needs population\.campaign_counts"):
        build_population(PopulationSettings(people=500, adoption_province="48"), np.random.default_rng(1))


def test_pairs_within_groups_are_every_pair_once_and_none_when_nobody_is_grouped() -> None:
    people = np.array([4, 1, 2, 3, 5, 1])
    group = np.array([7, 7, NO_GROUP, 9, 9, 7])  # person 1 listed twice in group 7
    pairs = pairs_within(people, group)
    got = sorted(zip(pairs.a.tolist(), pairs.b.tolist(), pairs.group.tolist(), strict=True))
    assert got == [(1, 4, 7), (3, 5, 9)]
    empty = pairs_within(np.arange(3), np.full(3, NO_GROUP))
    assert len(empty.a) == len(empty.b) == len(empty.group) == 0
