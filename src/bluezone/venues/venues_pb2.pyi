from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CheckInRecord(_message.Message):
    __slots__ = ("start_interval_number", "period", "transmission_risk_level")
    START_INTERVAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    TRANSMISSION_RISK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    start_interval_number: int
    period: int
    transmission_risk_level: int
    def __init__(self, start_interval_number: _Optional[int] = ..., period: _Optional[int] = ..., transmission_risk_level: _Optional[int] = ...) -> None: ...

class CheckInProtectedReport(_message.Message):
    __slots__ = ("location_id_hash", "iv", "encrypted_check_in_record", "mac")
    LOCATION_ID_HASH_FIELD_NUMBER: _ClassVar[int]
    IV_FIELD_NUMBER: _ClassVar[int]
    ENCRYPTED_CHECK_IN_RECORD_FIELD_NUMBER: _ClassVar[int]
    MAC_FIELD_NUMBER: _ClassVar[int]
    location_id_hash: bytes
    iv: bytes
    encrypted_check_in_record: bytes
    mac: bytes
    def __init__(self, location_id_hash: _Optional[bytes] = ..., iv: _Optional[bytes] = ..., encrypted_check_in_record: _Optional[bytes] = ..., mac: _Optional[bytes] = ...) -> None: ...

class TraceWarningPackage(_message.Message):
    __slots__ = ("interval_number", "region", "check_in_protected_reports")
    INTERVAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    CHECK_IN_PROTECTED_REPORTS_FIELD_NUMBER: _ClassVar[int]
    interval_number: int
    region: str
    check_in_protected_reports: _containers.RepeatedCompositeFieldContainer[CheckInProtectedReport]
    def __init__(self, interval_number: _Optional[int] = ..., region: _Optional[str] = ..., check_in_protected_reports: _Optional[_Iterable[_Union[CheckInProtectedReport, _Mapping]]] = ...) -> None: ...
