"""The verification server's API: codes for case workers (admin keys), verify and certificate for phones."""

from __future__ import annotations

import secrets
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bluezone.authority import certificates, codes
from bluezone.errors import InvalidInput
from bluezone.web.api.access import AdminKey, ClientAddress, DeviceOrChaff
from bluezone.web.api.privacy import Timers, padded
from bluezone.web.api.schemas import (
    ERRORS,
    CertificateRequest,
    CertificateResponse,
    ExpireRequest,
    ExpireResponse,
    IssueRequest,
    IssueResponse,
    VerifyRequest,
    VerifyResponse,
)
from bluezone.web.dependencies import Svc

router = APIRouter(tags=["verification"])


@router.post("/api/issue", response_model=IssueResponse, responses=ERRORS)
def issue(body: IssueRequest, svc: Svc, caller: AdminKey) -> IssueResponse:
    """Issue a one-time code to a confirmed case (F0) or a close contact asked to upload (F1)."""
    with svc.db.session() as session:
        issued = codes.issue_code(
            session,
            svc.secrets,
            svc.settings,
            caller.realm,
            test_type=body.testType,
            symptom_date=body.symptomDate,
            test_date=body.testDate,
            phone=body.phone,
            now=svc.now(),
        )
    svc.metrics.codes_issued.labels(body.testType).inc()
    return IssueResponse.of(issued)


@router.post("/api/expirecode", response_model=ExpireResponse, responses=ERRORS)
def expire(body: ExpireRequest, svc: Svc, caller: AdminKey) -> ExpireResponse:
    """Withdraw a code given by mistake; false when it was unknown or already used."""
    with svc.db.session() as session:
        return ExpireResponse(expired=codes.expire_code(session, svc.secrets, caller.realm.id, body.code))


@router.post("/api/verify", response_model=VerifyResponse, responses=ERRORS)
async def verify(
    body: VerifyRequest, svc: Svc, caller: DeviceOrChaff, client: ClientAddress, timers: Timers
) -> JSONResponse:
    """Trade a code for a token. Used, expired and unknown codes all get the same answer."""
    if caller is None:
        await timers.verify.imitate()
        return padded(
            {
                "testtype": "confirmed",
                "symptomDate": None,
                "testDate": None,
                "token": secrets.token_urlsafe(180),
            }
        )
    started = time.perf_counter()
    now = svc.now()
    with svc.db.session() as session:
        verified = codes.verify_code(
            session, svc.secrets, svc.settings, caller.key, code=body.code, client=client, now=now
        )
        token = None if verified is None else certificates.make_token(svc.secrets, verified, now)
    timers.verify.record(time.perf_counter() - started)
    svc.metrics.codes_verified.labels("ok" if verified else "invalid").inc()
    if verified is None:
        svc.metrics.wrong_codes.labels(caller.realm.code).inc()
    if verified is None or token is None:
        raise InvalidInput("the code is not valid: it may be wrong, used or expired", code="code_invalid")
    return padded(
        {
            "testtype": verified.test_type,
            "symptomDate": verified.symptom_date,
            "testDate": verified.test_date,
            "token": token,
        }
    )


@router.post("/api/certificate", response_model=CertificateResponse, responses=ERRORS)
async def certificate(
    body: CertificateRequest, svc: Svc, caller: DeviceOrChaff, timers: Timers
) -> JSONResponse:
    """Trade a token and the HMAC of the keys to publish for a signed certificate."""
    if caller is None:
        await timers.verify.imitate()
        return padded({"certificate": secrets.token_urlsafe(300)})
    with svc.db.session() as session:
        signed = certificates.issue_certificate(
            session,
            svc.secrets,
            svc.settings,
            caller.key,
            token=body.token,
            ekeyhmac=body.ekeyhmac,
            now=svc.now(),
        )
    return padded({"certificate": signed})


@router.get("/.well-known/jwks/{realm}", responses=ERRORS)
def realm_keys(realm: str, svc: Svc) -> dict[str, list[dict[str, str]]]:
    """The realm's certificate signing keys (JWKS)."""
    with svc.db.session() as session:
        return certificates.jwks(session, realm)
