"""The key server's publish API (`POST /v1/publish`, the GAEN field names)."""

from __future__ import annotations

import base64
import binascii
import time

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bluezone.errors import InvalidInput
from bluezone.keyserver.publish import Publication, imitation_revision_token
from bluezone.keyserver.publish import publish as publish_keys
from bluezone.keyserver.rules import SubmittedKey
from bluezone.web.api.privacy import Chaff, Timers, padded
from bluezone.web.api.schemas import ERRORS, PublishBody, PublishResponse
from bluezone.web.dependencies import Svc

router = APIRouter(tags=["keys"])


def _b64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{what} must be base64", code="bad_base64") from None


@router.post("/v1/publish", response_model=PublishResponse, responses=ERRORS)
async def publish(body: PublishBody, svc: Svc, chaff: Chaff, timers: Timers) -> JSONResponse:
    """Publish the keys of an infectious window, with the certificate that allows it. `X-Chaff: 1` marks a
    fake request: it is answered with the same size and fields, after a real publish's time, and stores
    nothing."""
    started = time.perf_counter()
    if chaff:
        drawn = timers.publish.draw()
        token = imitation_revision_token()
        await timers.publish.imitate(started, drawn)
        timers.publish.settled(started, drawn)
        return padded({"insertedExposures": len(body.temporaryExposureKeys), "revisionToken": token})
    hmac_key = _b64(body.hmacKey, "hmacKey")
    if len(hmac_key) < 16:
        raise InvalidInput("hmacKey must be at least 16 bytes", code="bad_hmac_key")
    publication = Publication(
        keys=[
            SubmittedKey(_b64(k.key, "key"), k.rollingStartNumber, k.rollingPeriod, k.transmissionRisk)
            for k in body.temporaryExposureKeys
        ],
        health_authority_id=body.healthAuthorityID,
        certificate=body.verificationPayload,
        hmac_key=hmac_key,
        revision_token=body.revisionToken,
        check_ins=[_b64(report, "checkInProtectedReports") for report in body.checkInProtectedReports],
    )
    with svc.db.session() as session:
        result = publish_keys(session, svc.secrets, publication, svc.now())
    timers.publish.record(time.perf_counter() - started)
    svc.metrics.keys_published.inc(result.inserted)
    return padded({"insertedExposures": result.inserted, "revisionToken": result.revision_token})
