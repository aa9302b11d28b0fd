"""Lab results to the app: labs send results (lab keys); phones register a sample and poll for its result
(device keys), chaff alike: a fake registration or poll is throttled like a real one, takes as long and is
answered in the same padded size."""

from __future__ import annotations

import secrets
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from bluezone.authority import guessing, labs
from bluezone.errors import InvalidInput
from bluezone.web.api.access import Caller, DeviceKey, LabKey
from bluezone.web.api.privacy import Chaff, Timers, chaff_throttle, padded
from bluezone.web.api.schemas import ERRORS, Body, CamelBody
from bluezone.web.dependencies import ClientAddress, Svc

router = APIRouter(tags=["lab results"])


class LabResultItem(CamelBody):
    sample_id: str = Field(max_length=40, description="As printed on the sample form")
    result: str = Field(max_length=20, description="positive, negative or invalid")
    sample_date: str = Field(max_length=10, description="YYYY-MM-DD, the day the sample was taken")


class LabResultsRequest(Body):
    results: list[LabResultItem] = Field(min_length=1, max_length=labs.MAX_RESULTS_PER_REQUEST)


class LabResultsResponse(CamelBody):
    stored: int


class RegisterRequest(CamelBody):
    sample_hash: str = Field(max_length=64, description="SHA-256 (hex) of the sample id in the QR code")


class ResultRequest(CamelBody):
    registration: str = Field(max_length=64)


@router.post("/api/labs/results", response_model=LabResultsResponse, responses=ERRORS)
def send_results(body: LabResultsRequest, svc: Svc, caller: LabKey) -> LabResultsResponse:
    """A lab's results, all stored or none: the first wrong item is named by its place in the list."""
    now = svc.now()
    items = [(r.sample_id, r.result, r.sample_date) for r in body.results]
    report = labs.check_results(items, now)
    if report.errors:
        number, error = report.errors[0]
        raise InvalidInput(f"result {number}: {error.message}", code=error.code, values=error.values)
    with svc.db.session() as session:
        lab = labs.lab_of_key(session, caller.key)
        stored = labs.record_results(
            session,
            svc.secrets,
            svc.settings,
            lab,
            report.rows,
            actor=f"lab:{lab.id} {caller.actor}",
            now=now,
        )
    svc.metrics.lab_results.labels(caller.realm.code).inc(stored)
    return LabResultsResponse(stored=stored)


@router.post("/api/tests/register", responses=ERRORS)
async def register(
    body: RegisterRequest, svc: Svc, *, caller: DeviceKey, client: ClientAddress, chaff: Chaff, timers: Timers
) -> JSONResponse:
    """The phone registers the sample of the QR code its user scanned; only the id's hash is sent."""
    started = time.perf_counter()
    if chaff:
        drawn = timers.register.draw()
        await run_in_threadpool(chaff_throttle, svc, client, timers.register, (started, drawn))
        timers.register.settled(started, drawn)
        return padded({"registration": secrets.token_urlsafe(24)})
    token = await run_in_threadpool(_register, svc, caller, body.sample_hash, client)
    timers.register.record(time.perf_counter() - started)
    return padded({"registration": token})


def _register(svc: Svc, caller: Caller, hashed: str, client: str) -> str:
    with svc.db.session() as session:
        guessing.check_client(session, svc.settings, guessing.client_id(svc.secrets, client), svc.now())
        return labs.register_sample(session, svc.secrets, caller.realm, hashed, svc.now())


@router.post("/api/tests/result", responses=ERRORS)
async def result(
    body: ResultRequest, svc: Svc, *, caller: DeviceKey, client: ClientAddress, chaff: Chaff, timers: Timers
) -> JSONResponse:
    """The sample's result: pending, negative, invalid or positive; a positive one carries the token that
    lets the phone share its keys (as a code's would), with the sample date as the test date."""
    started = time.perf_counter()
    if chaff:
        drawn = timers.result.draw()
        await run_in_threadpool(chaff_throttle, svc, client, timers.result, (started, drawn))
        timers.result.settled(started, drawn)
        return padded({"result": "pending", "sampleDate": None, "token": None})
    poll = await run_in_threadpool(_poll, svc, caller, body.registration, client)
    timers.result.record(time.perf_counter() - started)
    if poll is None:
        raise InvalidInput("this registration is not known: scan the form again", code="registration_unknown")
    return padded({"result": poll.result, "sampleDate": poll.sample_date, "token": poll.token})


def _poll(svc: Svc, caller: Caller, registration: str, client: str) -> labs.Poll | None:
    with svc.db.session() as session:
        return labs.poll_result(
            session,
            svc.secrets,
            svc.settings,
            caller.key,
            registration=registration,
            client=client,
            now=svc.now(),
        )
