"""The response's routes to an upload in the simulator, over the real servers: lab results delivered to the
app (no case worker), case workers who reach only some cases, and self-reported rapid tests whose codes
come by text through the simulated carrier."""

from __future__ import annotations

import pytest

from bluezone.sim.engine import Run
from bluezone.sim.epidemic import NEVER
from tests.sim.test_run import SMALL


@pytest.fixture(scope="module")
def by_lab_and_self_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    scenario = SMALL.with_overrides(
        **{
            "response.lab_delivery": 1.0,
            "response.code_reach": 0.0,
            "response.self_report": 1.0,
            "response.test_after_symptoms": 0.4,  # more people untested, so some self-report
        }
    )
    return Run(scenario, with_app=True, workdir=tmp_path_factory.mktemp("server")).run()


def test_every_confirmed_upload_comes_from_a_lab_result_and_no_case_worker(by_lab_and_self_report) -> None:  # type: ignore[no-untyped-def]
    outcome = by_lab_and_self_report
    routes = outcome.uploads_by_route
    assert routes["lab"] == outcome.uploads_by_type["confirmed"] == outcome.uploaded.sum() >= 2
    assert routes["case_worker"] == outcome.uploads_by_type["close-contact"]  # F1s still upload by code


def test_untested_people_self_report_and_their_keys_alert(by_lab_and_self_report) -> None:  # type: ignore[no-untyped-def]
    outcome = by_lab_and_self_report
    assert outcome.uploads_by_route["self_report"] == outcome.uploads_by_type["self-report"] >= 1
    causes = outcome.alerted_by[outcome.alerted_by >= 0]
    never_confirmed = outcome.confirmed_at[causes] == NEVER  # an F1 alert's cause who only self-reported
    assert never_confirmed.any()


def test_nobody_uploads_when_no_case_worker_reaches_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    outcome = Run(SMALL.with_overrides(**{"response.code_reach": 0.0}), with_app=True, workdir=tmp_path).run()
    assert outcome.uploads_by_route == {"case_worker": 0, "lab": 0, "self_report": 0}
    assert outcome.uploaded.sum() == 0 and (outcome.confirmed_at < NEVER).sum() >= 5
