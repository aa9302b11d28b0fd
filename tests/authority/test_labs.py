"""Lab results to the app: sample ids that catch typing mistakes, a phone that registers only a hash and
polls, labs that send results with their own keys, a positive result that lets the phone share its keys
with no case worker, and nothing kept that links a person to a result or past its time."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from bluezone.authority import labs
from bluezone.authority.realms import create_api_key, realm_by_code
from bluezone.errors import InvalidInput
from bluezone.phone.client import ServerClient, ServerError
from bluezone.phone.phone import Phone
from bluezone.protocol.samples import (
    ALPHABET,
    new_sample_id,
    normalise_sample_id,
    qr_payload,
    sample_hash,
    sample_id_from_qr,
)
from bluezone.services import run_maintenance
from bluezone.store.models import AuditEntry, LabResult, SampleRegistration, VerificationCode
from bluezone.web.api.privacy import PADDED_SIZE
from tests.conftest import E2E_START, REALM, RunningServer

DAY = 86_400
SAMPLE_DAY = (E2E_START - timedelta(days=1)).date().isoformat()


def _phone_client(server: RunningServer, http: httpx.Client) -> ServerClient:
    public = load_pem_public_key(server.services.secrets.export_public_pem())
    assert isinstance(public, ec.EllipticCurvePublicKey)
    return ServerClient(server.base_url, server.device_key, [public], http=http)


def _send(server: RunningServer, *results: tuple[str, str], key: str | None = None) -> httpx.Response:
    body = {"results": [{"sampleId": s, "result": r, "sampleDate": SAMPLE_DAY} for s, r in results]}
    with server.client() as http:
        return http.post("/api/labs/results", json=body, headers={"X-API-Key": key or server.lab_key})


# ------------------------------------------------------------------ sample ids


@given(st.data())
def test_a_sample_id_catches_one_wrong_symbol_and_a_swap(data: st.DataObject) -> None:
    made = new_sample_id()
    assert normalise_sample_id(made) == made.replace("-", "")
    symbols = list(made.replace("-", ""))
    where = data.draw(st.integers(0, len(symbols) - 1))
    wrong = data.draw(st.sampled_from([c for c in ALPHABET if c != symbols[where]]))
    typed = [*symbols[:where], wrong, *symbols[where + 1 :]]
    if {symbols[where], wrong} != {"0", "Z"}:  # 0 and Z are 31 apart: the one pair the check cannot see
        with pytest.raises(InvalidInput):
            normalise_sample_id("".join(typed))
    if where + 1 < len(symbols) and symbols[where] != symbols[where + 1]:
        swapped = [*symbols]
        swapped[where], swapped[where + 1] = swapped[where + 1], swapped[where]
        if {symbols[where], symbols[where + 1]} != {"0", "Z"}:
            with pytest.raises(InvalidInput):
                normalise_sample_id("".join(swapped))


def test_sample_ids_are_read_as_people_type_them() -> None:
    made = new_sample_id()
    sloppy = made.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_sample_id(sloppy) == normalise_sample_id(made)
    assert sample_id_from_qr(qr_payload(made)) == normalise_sample_id(made)
    assert sample_hash(made) == hashlib.sha256(normalise_sample_id(made).encode()).hexdigest()
    for bad, code in [("ABC", "bad_sample_id"), ("U" * 16, "bad_sample_id")]:
        with pytest.raises(InvalidInput) as refused:
            normalise_sample_id(bad)
        assert refused.value.code == code
    with pytest.raises(InvalidInput) as refused:
        sample_id_from_qr("https://example.com/" + made)
    assert refused.value.code == "not_a_test_form"


def test_a_labs_table_is_checked_whole_in_either_language() -> None:
    first, second = new_sample_id(), new_sample_id()
    now = int(E2E_START.timestamp())
    table = (
        f"sample_id,result,sample_date\n{first},Dương tính,{SAMPLE_DAY}\n\n{second},âm tính,{SAMPLE_DAY}\n"
    )
    report = labs.parse_results_table(table, now)
    assert not report.errors and [r.result for r in report.rows] == ["positive", "negative"]
    bad = f"\ufeffsample_id,result,sample_date\n{first},maybe,{SAMPLE_DAY}\n{first},negative,2020-01-01\n"
    report = labs.parse_results_table(bad, now)
    assert [(line, e.code) for line, e in report.errors] == [(2, "bad_result"), (3, "date_too_old")]
    with pytest.raises(InvalidInput) as refused:
        labs.parse_results_table("sample,result\n", now)
    assert refused.value.code == "missing_result_columns"


# ------------------------------------------------------------------ from the lab to the upload


def test_a_positive_result_lets_the_phone_share_its_keys_with_no_case_worker(server: RunningServer) -> None:
    sample = new_sample_id()
    phone = Phone(server.clock)
    phone.current_key()
    with server.client() as http:
        client = _phone_client(server, http)
        test = client.register_sample(qr_payload(sample), server.clock.now())
        assert client.check_sample(test).result == "pending"
        assert _send(server, (sample, "invalid")).json() == {"stored": 1}
        assert client.check_sample(test).result == "invalid"
        server.clock.advance(3600)
        assert _send(server, (sample, "positive")).status_code == 200  # the lab retested it
        test = client.check_sample(test)
        assert (test.result, str(test.sample_date), test.token is not None) == ("positive", SAMPLE_DAY, True)
        again = client.check_sample(test)  # an answer lost on the way: the same authorisation again
        assert again.token is not None
        assert test.sample_date is not None and test.token is not None
        stored = client.upload_with_token(test.token, phone.prepare_upload(test.sample_date), REALM)
        assert stored >= 1
        shared = client.check_sample(test)
        assert (shared.result, shared.token) == ("positive", test.token)  # nothing new: it has been used
        raw = http.post(
            "/api/tests/result",
            json={"registration": test.registration},
            headers={"X-API-Key": server.device_key},
        ).json()
        assert raw["token"] is None
    refused = _send(server, (sample, "negative"))
    assert (refused.status_code, refused.json()["code"]) == (409, "result_final")
    with server.services.db.session() as session:
        sources = dict(
            session.execute(
                select(VerificationCode.source, func.count()).group_by(VerificationCode.source)
            ).all()
        )
        audited = session.scalars(select(AuditEntry.action)).all()
    assert sources == {"lab": 1}
    assert audited == ["lab_results:1"] * 2


def test_the_server_keeps_no_sample_id_and_no_hash_a_phone_sent(server: RunningServer) -> None:
    sample = new_sample_id()
    with server.client() as http:
        test = _phone_client(server, http).register_sample(qr_payload(sample), server.clock.now())
    _send(server, (sample, "negative"))
    hashed = sample_hash(sample)
    with server.services.db.session() as session:
        rows = [
            value
            for model in (LabResult, SampleRegistration)
            for row in session.scalars(select(model))
            for value in vars(row).values()
        ]
    words = [v for v in rows if isinstance(v, str)]
    for secret in (normalise_sample_id(sample), hashed, test.registration):
        assert not any(secret in value for value in words)
    assert bytes.fromhex(hashed) not in rows and test.registration.encode() not in rows


def test_a_chaff_poll_looks_like_a_real_one_and_stores_nothing(server: RunningServer) -> None:
    with server.client() as http:
        client = _phone_client(server, http)
        test = client.register_sample(qr_payload(new_sample_id()), server.clock.now())
        headers = {"X-API-Key": server.device_key}
        real = http.post("/api/tests/result", json={"registration": test.registration}, headers=headers)
        fake = http.post(
            "/api/tests/result", json={"registration": "x" * 32}, headers={**headers, "X-Chaff": "1"}
        )
        fake_registration = http.post(
            "/api/tests/register", json={"sampleHash": "ab" * 32}, headers={**headers, "X-Chaff": "1"}
        )
        client.chaff_result_poll()
    assert real.status_code == fake.status_code == fake_registration.status_code == 200
    assert len(real.content) == len(fake.content) == len(fake_registration.content) == PADDED_SIZE
    assert real.json()["result"] == fake.json()["result"] == "pending"
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(SampleRegistration)) == 1


def test_a_sample_belongs_to_the_first_phone_and_unknown_registrations_are_guesses(
    server: RunningServer,
) -> None:
    sample = qr_payload(new_sample_id())
    with server.client() as http:
        client = _phone_client(server, http)
        client.register_sample(sample, server.clock.now())
        with pytest.raises(ServerError) as taken:
            client.register_sample(sample, server.clock.now())
        assert taken.value.code == "sample_registered"
        answers = [
            http.post(
                "/api/tests/result",
                json={"registration": f"guess-{i}"},
                headers={"X-API-Key": server.device_key},
            )
            for i in range(server.services.settings.verify_failures_per_client_hour + 1)
        ]
    assert {a.json()["code"] for a in answers[:-1]} == {"registration_unknown"}
    assert answers[-1].status_code == 429


def test_labs_answer_for_their_own_results_within_their_quota(server: RunningServer) -> None:
    sample = new_sample_id()
    bad = _send(server, (sample, "negative"), (new_sample_id(), "perhaps"))
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_result") and "result 2" in bad.json()["error"]
    twice = _send(server, (sample, "negative"), (sample, "positive"))
    assert twice.json()["code"] == "sample_twice"
    assert _send(server, (sample, "negative")).status_code == 200
    with server.services.db.session() as session:
        other = labs.create_lab(
            session, realm_by_code(session, REALM), "Bệnh viện Bạch Mai", server.services.now()
        )
        other_key = create_api_key(session, server.services.secrets, REALM, "lab", 0, lab_id=other.id)
    taken = _send(server, (sample, "positive"), key=other_key)
    assert (taken.status_code, taken.json()["code"]) == (409, "other_lab")
    server.services.settings.lab_results_per_day = 2
    over = _send(server, (new_sample_id(), "negative"), (new_sample_id(), "negative"))
    assert (over.status_code, over.json()["code"]) == (429, "lab_quota")


def test_results_and_registrations_are_deleted_on_schedule(server: RunningServer) -> None:
    sample = new_sample_id()
    with server.client() as http:
        _phone_client(server, http).register_sample(qr_payload(sample), server.clock.now())
    _send(server, (sample, "negative"))
    kept = server.services.settings.lab_retention_days * DAY
    server.clock.advance(kept - 3600)
    run_maintenance(server.services)
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LabResult)) == 1
    server.clock.advance(7200)
    run_maintenance(server.services)
    with server.services.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LabResult)) == 0
        assert session.scalar(select(func.count()).select_from(SampleRegistration)) == 0
