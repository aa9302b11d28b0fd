"""Request and response bodies, with the GAEN servers' field names so existing clients work unchanged."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

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


class IssueResponse(BaseModel):
    code: str
    expiresAt: str
    expiresAtTimestamp: int
    longCode: str
    longExpiresAt: str
    longExpiresAtTimestamp: int


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


class PublishRequest(Body):
    temporaryExposureKeys: list[PublishedKey] = Field(max_length=30)
    healthAuthorityID: str = Field(min_length=1, max_length=32)
    verificationPayload: str = Field(min_length=1, max_length=4096)
    hmacKey: str = Field(min_length=1, max_length=128)
    symptomOnsetInterval: int | None = Field(None, ge=0)
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


class DeclarationRequest(Body):
    realm: str = Field(min_length=1, max_length=32, description="the province the user chose")
    phone: str = Field(max_length=20)
    name: str = Field(max_length=100)
    address: str = Field(max_length=300)
    communeCode: str = Field(max_length=5)
    alertDate: str = Field(max_length=10)
    level: str = Field(max_length=2)


class QueuedDeclaration(BaseModel):
    id: int
    receivedAt: int
    status: str
    phone: str
    name: str
    address: str
    communeCode: str
    alertDate: str
    level: str


class CodeForDeclaration(IssueResponse):
    smsText: str


class FacilityRequest(Body):
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    phone: str = Field(max_length=20)
    districtCode: str = Field(max_length=5)
    communeCode: str = Field("", max_length=5)


class FacilityResponse(BaseModel):
    id: int
    name: str
    address: str
    phone: str
    districtCode: str
    communeCode: str


class DayFiguresResponse(BaseModel):
    date: str
    withheld: bool
    publishRequests: int | None
    codesIssued: int | None
    codesClaimed: int | None
    certificates: int | None
    keysPublished: int | None
    declarations: int | None


class StatsResponse(BaseModel):
    realm: str
    days: list[DayFiguresResponse]
    keyAgeDays: list[int] = Field(description="keys 0..15 days old when uploaded, then older")
    onsetToUploadDays: list[int] = Field(description="uploads 0..29 days after onset, then later")


class ActivityRequest(Body):
    kind: str = Field(max_length=8)
    communeCode: str = Field(max_length=5)
    token: str = Field(max_length=32, description="16 random bytes in base64, fresh each day")


class UnitRequest(Body):
    name: str = Field(max_length=200)
    kind: str = Field(max_length=16)
    areaCode: str = Field(max_length=5)
    parentId: int | None = None
    reportEveryDays: int = 7


class ReportRequest(Body):
    asOf: date
    staff: int = Field(ge=0)
    smartphoneHolders: int = Field(ge=0)
    installed: int = Field(ge=0)


class TargetRequest(Body):
    subject: str = Field(max_length=16, description="area:CODE or unit:ID")
    basis: str = Field(max_length=12)
    ratePercent: float
    by: date


class VenueRequest(Body):
    unitId: int | None = Field(None, description="the unit that runs the venue, if any")
    name: str = Field(min_length=1, max_length=100)
    address: str = Field("", max_length=100)
    communeCode: str = Field(min_length=5, max_length=5)
    kind: str = Field(max_length=16)
    visitMinutes: int = Field(60, ge=5, le=720)


class VenueBatchRequest(Body):
    venues: list[VenueRequest] = Field(min_length=1, max_length=200)


class RiskyWindowRequest(Body):
    start: datetime
    end: datetime


class VenueResponse(BaseModel):
    venueId: str
    payload: str  # the text of the QR code
    posterPdf: str
    posterPng: str


class VenueBatchResponse(BaseModel):
    venues: list[VenueResponse]
