"""The verification server's API: codes for case workers (admin keys), verify and certificate for phones."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse

from bluezone.authority import certificates, codes
from bluezone.authority.realms import KeyKind, authenticate, realm_of
from bluezone.errors import InvalidInput
from bluezone.web.privacy import is_chaff, padded
from bluezone.web.schemas import (
    CertificateRequest,
    CertificateResponse,
    ErrorResponse,
    ExpireRequest,
    ExpireResponse,
    IssueRequest,
    IssueResponse,
    VerifyRequest,
    VerifyResponse,
)
from bluezone.web.services import Services, services

router = APIRouter(tags=["verification"])
ApiKeyHeader = Annotated[str | None, Header(alias="X-API-Key")]
ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 404, 413, 429)
}


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")


@router.post("/api/issue", response_model=IssueResponse, responses=ERRORS)
def issue(
    body: IssueRequest, svc: Annotated[Services, Depends(services)], x_api_key: ApiKeyHeader = None
) -> IssueResponse:
    """Issue a one-time code to a confirmed case (F0) or a close contact asked to upload (F1)."""
    now = svc.now()
    with svc.db.session() as session:
        key = authenticate(session, svc.secrets, x_api_key, KeyKind.ADMIN)
        issued = codes.issue_code(
            session,
            svc.secrets,
            svc.settings,
            realm_of(session, key),
            test_type=body.testType,
            symptom_date=body.symptomDate,
            test_date=body.testDate,
            phone=body.phone,
            now=now,
        )
    svc.metrics.codes_issued.labels(body.testType).inc()
    return issued_response(issued)


def issued_response(issued: codes.IssuedCode) -> IssueResponse:
    return IssueResponse(
        code=issued.code,
        expiresAt=_iso(issued.expires_at),
        expiresAtTimestamp=issued.expires_at,
        longCode=issued.long_code,
        longExpiresAt=_iso(issued.long_expires_at),
        longExpiresAtTimestamp=issued.long_expires_at,
    )


@router.post("/api/expirecode", response_model=ExpireResponse, responses=ERRORS)
def expire(
    body: ExpireRequest, svc: Annotated[Services, Depends(services)], x_api_key: ApiKeyHeader = None
) -> ExpireResponse:
    """Withdraw a code given by mistake; false when it was unknown or already used."""
    with svc.db.session() as session:
        key = authenticate(session, svc.secrets, x_api_key, KeyKind.ADMIN)
        return ExpireResponse(expired=codes.expire_code(session, svc.secrets, key.realm_id, body.code))


@router.post("/api/verify", response_model=VerifyResponse, responses=ERRORS)
async def verify(
    body: VerifyRequest,
    request: Request,
    svc: Annotated[Services, Depends(services)],
    x_api_key: ApiKeyHeader = None,
) -> JSONResponse:
    """Trade a code for a token. Used, expired and unknown codes all get the same answer."""
    if is_chaff(request):
        await svc.verify_latency.imitate()
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
        key = authenticate(session, svc.secrets, x_api_key, KeyKind.DEVICE)
        verified = codes.verify_code(session, svc.secrets, svc.settings, key, code=body.code, now=now)
        token = None if verified is None else certificates.make_token(svc.secrets, verified, now)
    svc.verify_latency.record(time.perf_counter() - started)
    svc.metrics.codes_verified.labels("ok" if verified else "invalid").inc()
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
    body: CertificateRequest,
    request: Request,
    svc: Annotated[Services, Depends(services)],
    x_api_key: ApiKeyHeader = None,
) -> JSONResponse:
    """Trade a token and the HMAC of the keys to publish for a signed certificate."""
    if is_chaff(request):
        await svc.verify_latency.imitate()
        return padded({"certificate": secrets.token_urlsafe(300)})
    now = svc.now()
    with svc.db.session() as session:
        key = authenticate(session, svc.secrets, x_api_key, KeyKind.DEVICE)
        signed = certificates.issue_certificate(
            session, svc.secrets, svc.settings, key, token=body.token, ekeyhmac=body.ekeyhmac, now=now
        )
    return padded({"certificate": signed})


@router.get("/.well-known/jwks/{realm}", responses=ERRORS)
def realm_keys(realm: str, svc: Annotated[Services, Depends(services)]) -> dict[str, list[dict[str, str]]]:
    """The realm's certificate signing keys (JWKS)."""
    with svc.db.session() as session:
        return certificates.jwks(session, realm)
