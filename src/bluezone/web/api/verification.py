"""The verification server's API: codes for case workers (admin keys), verify and certificate for phones."""

from __future__ import annotations

import time
from collections.abc import Sequence

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bluezone.authority import certificates, codes, guessing, self_reports
from bluezone.authority.texting import Texter
from bluezone.errors import InvalidInput
from bluezone.sms.senders import SmsFailed
from bluezone.web.api.access import AdminKey, Caller, DeviceKey
from bluezone.web.api.privacy import Chaff, LatencyTracker, Timers, chaff_throttle, padded
from bluezone.web.api.schemas import (
    ERRORS,
    BatchIssueRequest,
    BatchIssueResponse,
    CertificateRequest,
    CertificateResponse,
    ExpireRequest,
    ExpireResponse,
    IssueRequest,
    IssueResponse,
    SelfReportRequest,
    VerifyRequest,
    VerifyResponse,
)
from bluezone.web.dependencies import ClientAddress, Svc

router = APIRouter(tags=["verification"])


@router.post("/api/issue", response_model=IssueResponse, responses=ERRORS)
def issue(body: IssueRequest, svc: Svc, caller: AdminKey) -> IssueResponse:
    """Issue a one-time code to a confirmed case (F0) or a close contact asked to upload (F1); with a
    `phone`, the server texts it there, signed (`smsSent` says whether the SMS centre took it)."""
    return _issue_many([body], svc, caller)[0]


@router.post("/api/batch-issue", response_model=BatchIssueResponse, responses=ERRORS)
def batch_issue(body: BatchIssueRequest, svc: Svc, caller: AdminKey) -> BatchIssueResponse:
    """Up to 100 codes at once (a list of cases from a hospital, say): every item is checked, and the
    realm's quota is taken for all of them, before any is issued; then each is texted where it has a phone."""
    return BatchIssueResponse(codes=_issue_many(body.codes, svc, caller))


def _issue_many(requests: Sequence[IssueRequest], svc: Svc, caller: Caller) -> list[IssueResponse]:
    now = svc.now()
    wanted = [codes.CodeRequest(r.testType, r.symptomDate, r.testDate, r.phone) for r in requests]
    try:
        with svc.db.session() as session:
            issued = codes.issue_many(session, svc.secrets, svc.settings, caller.realm, wanted, now=now)
    except codes.BatchRefused as refused:
        line, first = refused.problems[0]
        where = f"code {line}: " if len(requests) > 1 else ""
        raise InvalidInput(where + first.message, code=first.code, values=first.values) from None
    texter = Texter(svc.sms, svc.secrets)
    answers = []
    for request, made in zip(requests, issued, strict=True):
        sent = None
        if request.phone and texter.available:
            with svc.db.session() as session:
                sent = texter.send_code(session, caller.realm, request.phone, made, now)
            svc.metrics.texts.labels(caller.realm.code, "sent" if sent else "failed").inc()
        svc.metrics.codes_issued.labels(request.testType).inc()
        answers.append(IssueResponse.of(made, sms_sent=sent))
    return answers


@router.post("/api/expirecode", response_model=ExpireResponse, responses=ERRORS)
def expire(body: ExpireRequest, svc: Svc, caller: AdminKey) -> ExpireResponse:
    """Withdraw a code given by mistake; false when it was unknown or already used."""
    with svc.db.session() as session:
        return ExpireResponse(expired=codes.expire_code(session, svc.secrets, caller.realm.id, body.code))


@router.post("/api/verify", response_model=VerifyResponse, responses=ERRORS)
async def verify(
    body: VerifyRequest, svc: Svc, *, caller: DeviceKey, client: ClientAddress, chaff: Chaff, timers: Timers
) -> JSONResponse:
    """Trade a code for a token. Used, expired and unknown codes all get the same answer. A chaff request
    (`X-Chaff: 1`) is checked and throttled like a real one, takes as long, and gets a worthless token."""
    started = time.perf_counter()
    now = svc.now()
    if chaff:
        drawn = timers.verify.draw()
        fake = await run_in_threadpool(_chaff_claim, svc, caller, client, timers.verify, (started, drawn))
        timers.verify.settled(started, drawn)
        return padded({"testtype": "confirmed", "symptomDate": None, "testDate": None, "token": fake})
    verified, token = await run_in_threadpool(_claim, svc, caller, body.code, client, now)
    timers.verify.record(time.perf_counter() - started)
    svc.metrics.codes_verified.labels("ok" if verified else "invalid").inc()
    if verified is None or token is None:
        svc.metrics.wrong_codes.labels(caller.realm.code).inc()
        raise InvalidInput("the code is not valid: it may be wrong, used or expired", code="code_invalid")
    return padded(
        {
            "testtype": verified.test_type,
            "symptomDate": verified.symptom_date,
            "testDate": verified.test_date,
            "token": token,
        }
    )


def _claim(
    svc: Svc, caller: Caller, code: str, client: str, now: int
) -> tuple[codes.VerifiedCode | None, str | None]:
    with svc.db.session() as session:
        verified = codes.verify_code(
            session, svc.secrets, svc.settings, caller.key, code=code, client=client, now=now
        )
        token = None if verified is None else certificates.make_token(svc.secrets, verified, now)
    return verified, token


def _chaff_claim(
    svc: Svc, caller: Caller, client: str, timer: LatencyTracker, timing: tuple[float, float]
) -> str:
    """A chaff code check: the client's throttle as for a real one, a worthless token, a real check's time."""
    now = svc.now()
    with svc.db.session() as session:
        guessing.check_client(session, svc.settings, guessing.client_id(svc.secrets, client), now)
    fake = certificates.imitation_token(caller.realm.code, now)
    timer.wait(*timing)
    return fake


@router.post("/api/certificate", response_model=CertificateResponse, responses=ERRORS)
async def certificate(
    body: CertificateRequest, svc: Svc, caller: DeviceKey, chaff: Chaff, timers: Timers
) -> JSONResponse:
    """Trade a token and the HMAC of the keys to publish for a signed certificate."""
    started = time.perf_counter()
    if chaff:
        drawn = timers.certificate.draw()
        signed = await run_in_threadpool(
            _chaff_certificate, svc, caller, timers.certificate, (started, drawn)
        )
        timers.certificate.settled(started, drawn)
        return padded({"certificate": signed})
    signed = await run_in_threadpool(_certificate, svc, caller, body)
    timers.certificate.record(time.perf_counter() - started)
    return padded({"certificate": signed})


def _certificate(svc: Svc, caller: Caller, body: CertificateRequest) -> str:
    with svc.db.session() as session:
        return certificates.issue_certificate(
            session,
            svc.secrets,
            svc.settings,
            caller.key,
            token=body.token,
            ekeyhmac=body.ekeyhmac,
            now=svc.now(),
        )


def _chaff_certificate(svc: Svc, caller: Caller, timer: LatencyTracker, timing: tuple[float, float]) -> str:
    with svc.db.session() as session:
        signed = certificates.imitation_certificate(session, svc.settings, caller.realm.id, svc.now())
    timer.wait(*timing)
    return signed


@router.get("/.well-known/jwks/{realm}", responses=ERRORS)
def realm_keys(realm: str, svc: Svc) -> dict[str, list[dict[str, str]]]:
    """The realm's certificate signing keys (JWKS)."""
    with svc.db.session() as session:
        return certificates.jwks(session, realm)


@router.post("/api/self-report", status_code=202, responses=ERRORS)
async def self_report(
    body: SelfReportRequest,
    svc: Svc,
    *,
    caller: DeviceKey,
    client: ClientAddress,
    chaff: Chaff,
    timers: Timers,
) -> JSONResponse:
    """A positive rapid test, reported by the person: a code of the `self-report` type is texted to the
    number they give. The answer is the same whether or not the number reported before (a repeat gets a
    text saying so); a chaff request is answered alike and texts nobody."""
    started = time.perf_counter()
    if chaff:
        drawn = timers.self_report.draw()
        await run_in_threadpool(chaff_throttle, svc, client, timers.self_report, (started, drawn))
        timers.self_report.settled(started, drawn)
        return padded({"status": "texted"}, status=202)
    await run_in_threadpool(_self_report, svc, caller, body, client)
    timers.self_report.record(time.perf_counter() - started)
    return padded({"status": "texted"}, status=202)


def _self_report(svc: Svc, caller: Caller, body: SelfReportRequest, client: str) -> None:
    now = svc.now()
    with svc.db.session() as session:
        guessing.check_client(session, svc.settings, guessing.client_id(svc.secrets, client), now)
    try:
        self_reports.self_report(
            svc.db,
            svc.settings,
            Texter(svc.sms, svc.secrets),
            caller.realm.id,
            phone=body.phone,
            test_date=body.test_date,
            symptom_date=body.symptom_date,
            now=now,
        )
    except SmsFailed:
        svc.metrics.texts.labels(caller.realm.code, "failed").inc()
        raise
    svc.metrics.texts.labels(caller.realm.code, "sent").inc()
