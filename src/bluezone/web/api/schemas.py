"""Request and response bodies. The API's one convention is camelCase JSON names: GAEN's fields keep the exact
names the standard fixes (`testtype`, `healthAuthorityID`, …); Bluezone's own models are written in snake_case
and sent and read in camelCase (`Camel`, `CamelBody`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from bluezone.authority.codes import IssuedCode
from bluezone.web.dependencies import Count, RowId

B64_KEY = r"^[A-Za-z0-9+/]{22}==$"


class Body(BaseModel):
    # Clients send fields we do not use (padding, accept, …): ignored, never stored.
    model_config = ConfigDict(extra="ignore", str_max_length=4096)


class IssueRequest(Body):
    testType: str = Field(max_length=32)
    symptomDate: str | None = Field(None, max_length=10)
    testDate: str | None = Field(None, max_length=10)
    tzOffset: int = Field(0, ge=-840, le=840, description="minutes east of UTC")
    phone: str | None = Field(None, max_length=20)


class Camel(BaseModel):
    """A reply of Bluezone's own: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, serialize_by_alias=True, from_attributes=True
    )


class CamelBody(Body):
    """A request of Bluezone's own: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)


def iso_utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).isoformat().replace("+00:00", "Z")


class IssueResponse(BaseModel):
    code: str
    expiresAt: str
    expiresAtTimestamp: int
    longCode: str
    longExpiresAt: str
    longExpiresAtTimestamp: int
    smsSent: bool | None = Field(None, description="With a phone: whether the SMS centre took the text")

    @classmethod
    def of(cls, issued: IssuedCode, *, sms_sent: bool | None = None) -> IssueResponse:
        return cls(
            code=issued.code,
            expiresAt=iso_utc(issued.expires_at),
            expiresAtTimestamp=issued.expires_at,
            longCode=issued.long_code,
            longExpiresAt=iso_utc(issued.long_expires_at),
            longExpiresAtTimestamp=issued.long_expires_at,
            smsSent=sms_sent,
        )


class BatchIssueRequest(Body):
    codes: list[IssueRequest] = Field(min_length=1, max_length=100)


class BatchIssueResponse(BaseModel):
    codes: list[IssueResponse]


class SelfReportRequest(CamelBody):
    phone: str = Field(max_length=20, description="The number the code is texted to, which confirms it")
    test_date: str = Field(max_length=10, description="YYYY-MM-DD: the day of the positive rapid test")
    symptom_date: str | None = Field(None, max_length=10)


class ExpireRequest(Body):
    code: str = Field(min_length=1, max_length=64)


class ExpireResponse(BaseModel):
    expired: bool


class VerifyRequest(Body):
    code: str = Field(min_length=1, max_length=64)


class VerifyResponse(BaseModel):
    testtype: str
    symptomDate: str | None
    testDate: str | None
    token: str
    padding: str = ""


class CertificateRequest(Body):
    token: str = Field(min_length=1, max_length=2048)
    ekeyhmac: str = Field(min_length=1, max_length=64)


class CertificateResponse(BaseModel):
    certificate: str
    padding: str = ""


class PublishedKey(Body):
    key: str = Field(pattern=B64_KEY, description="16 bytes, base64")
    rollingStartNumber: int = Field(ge=0, le=2**32 - 1)
    rollingPeriod: int = Field(144, ge=1, le=144)
    transmissionRisk: int = Field(0, ge=0, le=8)


class PublishBody(Body):
    temporaryExposureKeys: list[PublishedKey] = Field(max_length=30)
    healthAuthorityID: str = Field(min_length=1, max_length=32)
    verificationPayload: str = Field(min_length=1, max_length=4096)
    hmacKey: str = Field(min_length=1, max_length=128)
    symptomOnsetInterval: int | None = Field(None, ge=0, le=2**32 - 1)
    traveler: bool = False
    revisionToken: str | None = Field(None, max_length=8192)
    checkInProtectedReports: list[str] = Field(
        default_factory=list, max_length=100, description="venue stays, base64 CheckInProtectedReport"
    )


class PublishResponse(BaseModel):
    insertedExposures: int
    revisionToken: str
    padding: str = ""


class ErrorResponse(BaseModel):
    error: str
    code: str


class DeclarationRequest(CamelBody):
    realm: str = Field(min_length=1, max_length=32, description="the province the user chose")
    phone: str = Field(max_length=20)
    name: str = Field(max_length=100)
    address: str = Field(max_length=300)
    commune_code: str = Field(max_length=5)
    alert_date: str = Field(max_length=10)
    level: str = Field(max_length=2)


class QueuedDeclaration(Camel):
    id: int
    received_at: int
    status: str
    phone: str
    name: str
    address: str
    commune_code: str
    alert_date: str
    level: str


class CodeForDeclaration(IssueResponse):
    smsText: str


class FacilityRequest(CamelBody):
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    phone: str = Field(max_length=20)
    district_code: str = Field(max_length=5)
    commune_code: str = Field("", max_length=5)


class FacilityResponse(Camel):
    id: int
    name: str
    address: str
    phone: str
    district_code: str
    commune_code: str


class DayFiguresResponse(Camel):
    day: date = Field(alias="date")
    withheld: bool
    publish_requests: int | None
    codes_issued: int | None
    codes_claimed: int | None
    certificates: int | None
    keys_published: int | None
    declarations: int | None
    codes_from_labs: int | None
    codes_self_reported: int | None
    texts_sent: int | None
    texts_failed: int | None


class StatsResponse(Camel):
    realm: str
    days: list[DayFiguresResponse]
    key_age_days: list[int] = Field(description="keys 0..15 days old when uploaded, then older")
    onset_to_upload_days: list[int] = Field(description="uploads 0..29 days after onset, then later")


class ActivityRequest(CamelBody):
    kind: str = Field(max_length=8)
    commune_code: str = Field(max_length=5)
    token: str = Field(max_length=32, description="16 random bytes in base64, fresh each day")


class UnitRequest(CamelBody):
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    area_code: str = Field(max_length=5)
    parent_id: RowId | None = None
    report_every_days: int = Field(7, ge=1, le=92)


class ReportRequest(CamelBody):
    as_of: date
    staff: Count
    smartphone_holders: Count
    installed: Count


class TargetRequest(CamelBody):
    subject: str = Field(max_length=16, description="area:CODE or unit:ID")
    basis: str = Field(max_length=12)
    rate_percent: float = Field(allow_inf_nan=False)
    by: date


class VenueRequest(CamelBody):
    unit_id: RowId | None = Field(None, description="the unit that runs the venue, if any")
    name: str = Field(min_length=1, max_length=100)
    address: str = Field("", max_length=100)
    commune_code: str = Field(min_length=5, max_length=5)
    kind: str = Field(max_length=16)
    visit_minutes: int = Field(60, ge=5, le=720)


class VenueBatchRequest(Body):
    venues: list[VenueRequest] = Field(min_length=1, max_length=200)


class RiskyWindowRequest(Body):
    start: datetime
    end: datetime


class VenueResponse(Camel):
    venue_id: str
    payload: str  # the text of the QR code
    poster_pdf: str
    poster_png: str


class VenueBatchResponse(BaseModel):
    venues: list[VenueResponse]


ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorResponse} for s in (400, 401, 403, 404, 413, 429)
}
