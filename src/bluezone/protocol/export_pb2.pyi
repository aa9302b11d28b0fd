from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TemporaryExposureKeyExport(_message.Message):
    __slots__ = ("start_timestamp", "end_timestamp", "region", "batch_num", "batch_size", "signature_infos", "keys", "revised_keys")
    START_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    END_TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    REGION_FIELD_NUMBER: _ClassVar[int]
    BATCH_NUM_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_INFOS_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    REVISED_KEYS_FIELD_NUMBER: _ClassVar[int]
    start_timestamp: int
    end_timestamp: int
    region: str
    batch_num: int
    batch_size: int
    signature_infos: _containers.RepeatedCompositeFieldContainer[SignatureInfo]
    keys: _containers.RepeatedCompositeFieldContainer[TemporaryExposureKey]
    revised_keys: _containers.RepeatedCompositeFieldContainer[TemporaryExposureKey]
    def __init__(self, start_timestamp: _Optional[int] = ..., end_timestamp: _Optional[int] = ..., region: _Optional[str] = ..., batch_num: _Optional[int] = ..., batch_size: _Optional[int] = ..., signature_infos: _Optional[_Iterable[_Union[SignatureInfo, _Mapping]]] = ..., keys: _Optional[_Iterable[_Union[TemporaryExposureKey, _Mapping]]] = ..., revised_keys: _Optional[_Iterable[_Union[TemporaryExposureKey, _Mapping]]] = ...) -> None: ...

class SignatureInfo(_message.Message):
    __slots__ = ("legacy_app_bundle_id", "legacy_android_package", "verification_key_version", "verification_key_id", "signature_algorithm")
    LEGACY_APP_BUNDLE_ID_FIELD_NUMBER: _ClassVar[int]
    LEGACY_ANDROID_PACKAGE_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_KEY_VERSION_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    legacy_app_bundle_id: str
    legacy_android_package: str
    verification_key_version: str
    verification_key_id: str
    signature_algorithm: str
    def __init__(self, legacy_app_bundle_id: _Optional[str] = ..., legacy_android_package: _Optional[str] = ..., verification_key_version: _Optional[str] = ..., verification_key_id: _Optional[str] = ..., signature_algorithm: _Optional[str] = ...) -> None: ...

class TemporaryExposureKey(_message.Message):
    __slots__ = ("key_data", "transmission_risk_level", "rolling_start_interval_number", "rolling_period", "report_type", "days_since_onset_of_symptoms")
    class ReportType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        UNKNOWN: _ClassVar[TemporaryExposureKey.ReportType]
        CONFIRMED_TEST: _ClassVar[TemporaryExposureKey.ReportType]
        CONFIRMED_CLINICAL_DIAGNOSIS: _ClassVar[TemporaryExposureKey.ReportType]
        SELF_REPORT: _ClassVar[TemporaryExposureKey.ReportType]
        RECURSIVE: _ClassVar[TemporaryExposureKey.ReportType]
        REVOKED: _ClassVar[TemporaryExposureKey.ReportType]
    UNKNOWN: TemporaryExposureKey.ReportType
    CONFIRMED_TEST: TemporaryExposureKey.ReportType
    CONFIRMED_CLINICAL_DIAGNOSIS: TemporaryExposureKey.ReportType
    SELF_REPORT: TemporaryExposureKey.ReportType
    RECURSIVE: TemporaryExposureKey.ReportType
    REVOKED: TemporaryExposureKey.ReportType
    KEY_DATA_FIELD_NUMBER: _ClassVar[int]
    TRANSMISSION_RISK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    ROLLING_START_INTERVAL_NUMBER_FIELD_NUMBER: _ClassVar[int]
    ROLLING_PERIOD_FIELD_NUMBER: _ClassVar[int]
    REPORT_TYPE_FIELD_NUMBER: _ClassVar[int]
    DAYS_SINCE_ONSET_OF_SYMPTOMS_FIELD_NUMBER: _ClassVar[int]
    key_data: bytes
    transmission_risk_level: int
    rolling_start_interval_number: int
    rolling_period: int
    report_type: TemporaryExposureKey.ReportType
    days_since_onset_of_symptoms: int
    def __init__(self, key_data: _Optional[bytes] = ..., transmission_risk_level: _Optional[int] = ..., rolling_start_interval_number: _Optional[int] = ..., rolling_period: _Optional[int] = ..., report_type: _Optional[_Union[TemporaryExposureKey.ReportType, str]] = ..., days_since_onset_of_symptoms: _Optional[int] = ...) -> None: ...

class TEKSignatureList(_message.Message):
    __slots__ = ("signatures",)
    SIGNATURES_FIELD_NUMBER: _ClassVar[int]
    signatures: _containers.RepeatedCompositeFieldContainer[TEKSignature]
    def __init__(self, signatures: _Optional[_Iterable[_Union[TEKSignature, _Mapping]]] = ...) -> None: ...

class TEKSignature(_message.Message):
    __slots__ = ("signature_info", "batch_num", "batch_size", "signature")
    SIGNATURE_INFO_FIELD_NUMBER: _ClassVar[int]
    BATCH_NUM_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    signature_info: SignatureInfo
    batch_num: int
    batch_size: int
    signature: bytes
    def __init__(self, signature_info: _Optional[_Union[SignatureInfo, _Mapping]] = ..., batch_num: _Optional[int] = ..., batch_size: _Optional[int] = ..., signature: _Optional[bytes] = ...) -> None: ...
