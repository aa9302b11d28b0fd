"""The town's contacts come from Viet Nam's contact diaries: the shipped summary is the survey's own, and the
town's close contacts by place match it with the distances the package ships."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bluezone.errors import InvalidInput
from bluezone.sim import diaries, survey
from bluezone.sim.contacts import DISTANCE
from bluezone.sim.population import build_population
from bluezone.sim.scenario import PopulationSettings
from tests.cli.test_cli import run
from tests.conftest import TESTDATA

HORBY = TESTDATA / "contacts"


def test_the_shipped_summary_is_the_survey_s_records_summarised() -> None:
    recorded, packaged = survey.summarise_horby(HORBY), survey.shipped()
    assert recorded.people.sum() == 865
    np.testing.assert_array_equal(recorded.people, packaged.people)
    np.testing.assert_allclose(recorded.long, packaged.long, atol=5e-5)
    np.testing.assert_allclose(recorded.any, packaged.any, atol=5e-5)
    np.testing.assert_allclose(recorded.weekdays, packaged.weekdays, atol=5e-5)
    assert survey.diaries_csv(recorded) == (Path(survey.__file__).parent / "data" / survey.SHIPPED).read_text(
        encoding="utf-8"
    )


def test_the_survey_s_figures_are_the_paper_s() -> None:
    """6,675 contacts in 865 diaries (a contact at two places counts at both); pupils meet at school."""
    recorded = survey.shipped()
    contacts = float(recorded.people @ recorded.any.sum(axis=1))
    assert 6_675 <= round(contacts) <= 6_675 + 2 * 28  # 28 contacts have two places or more
    pupils = survey.BAND_LABELS.index("6-15")
    assert recorded.long[pupils, survey.PLACES.index(survey.Place.SCHOOL)] == pytest.approx(2.66, abs=0.01)


def test_a_missing_survey_is_named() -> None:
    with pytest.raises(InvalidInput, match="cannot read the Horby survey"):
        survey.summarise_horby(Path("/nonexistent"))


def test_ages_fall_in_the_survey_s_bands() -> None:
    assert survey.band_of([0, 5, 6, 15, 16, 64, 65, 99]).tolist() == [0, 0, 1, 1, 2, 5, 6, 6]


@pytest.fixture(scope="module")
def town() -> diaries.TownDiaries:
    population = build_population(PopulationSettings(people=10_000), np.random.default_rng(7))
    return diaries.keep_town_diaries(population, seed=7, weekdays=survey.shipped().weekdays)


def test_the_town_s_close_contacts_by_place_are_the_diaries(town: diaries.TownDiaries) -> None:
    ours = town.diaries.standardised(town.age_shares)
    theirs = survey.shipped().standardised(town.age_shares)
    for setting in diaries.FITTED:
        place = survey.PLACES.index(diaries.PLACE_OF[setting])
        assert ours[place] == pytest.approx(theirs[place], rel=0.1), setting.name
    # At home the town has its households only (no visitors): fewer than the diaries, never more.
    home = survey.PLACES.index(survey.Place.HOME)
    assert 0.7 * theirs[home] < ours[home] < theirs[home]


def test_the_shipped_distances_are_the_fit(town: diaries.TownDiaries) -> None:
    medians = {setting: median for setting, (median, _) in DISTANCE.items()}
    fitted = diaries.fitted_medians(town, survey.shipped(), medians)
    for setting, median in fitted.items():
        assert median == pytest.approx(medians[setting], rel=0.08), setting.name


def test_refitting_moves_the_distance_the_way_the_contacts_need(town: diaries.TownDiaries) -> None:
    """Twice the wanted contacts at school bring classmates nearer."""
    recorded = survey.shipped()
    doubled = survey.Diaries(recorded.people, recorded.long * 2, recorded.any, recorded.weekdays)
    medians = {setting: median for setting, (median, _) in DISTANCE.items()}
    nearer = diaries.fitted_medians(town, doubled, medians)
    assert all(nearer[s] < medians[s] for s in diaries.FITTED)


def test_more_contacts_than_the_town_can_give_are_refused(town: diaries.TownDiaries) -> None:
    recorded = survey.shipped()
    impossible = survey.Diaries(recorded.people, recorded.long * 1000, recorded.any, recorded.weekdays)
    with pytest.raises(InvalidInput, match="too few"):
        diaries.fitted_medians(town, impossible, {s: m for s, (m, _) in DISTANCE.items()})


def test_small_children_go_out_less_than_adults() -> None:
    population = build_population(PopulationSettings(people=5_000), np.random.default_rng(3))
    outings = population.outings
    assert outings.mean() == pytest.approx(1.0)
    assert (
        outings[population.age <= 5].mean()
        < 0.4 * outings[(population.age >= 35) & (population.age < 50)].mean()
    )


def test_the_command_shows_the_town_beside_the_diaries(capsys: pytest.CaptureFixture[str]) -> None:
    code, printed, err = run(capsys, "sim", "contacts", "--people", "2000", "--fit", "--json")
    assert code == 0, err
    result = json.loads(printed)
    assert [p["place"] for p in result["places"]] == [str(p) for p in survey.PLACES]
    assert len(result["by_age"]) == len(survey.BAND_LABELS)
    assert set(result["fitted_median_m"]) == {s.name.lower() for s in diaries.FITTED}
    assert result["total"]["diaries"] == pytest.approx(5.6, abs=0.3)
