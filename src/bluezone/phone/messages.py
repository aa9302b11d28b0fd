"""What the phone says to its user, in Vietnamese (the default) and English."""

from __future__ import annotations

from typing import Literal

from bluezone.errors import InvalidInput

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")

MESSAGES: dict[str, dict[Language, str]] = {
    "f1.title": {
        "vi": "Cảnh báo: bạn là người tiếp xúc gần (F1)",
        "en": "Alert: you are a close contact (F1)",
    },
    "f1.body": {
        "vi": "Ngày {date}, bạn đã ở gần một người được xác nhận nhiễm COVID-19 (F0) "
        "trong khoảng {minutes} phút; khoảng cách ước tính: {distance}.",
        "en": "On {date} you were near a person confirmed to have COVID-19 (F0) for about {minutes} minutes; "
        "estimated distance: {distance}.",
    },
    "f1.instructions": {
        "vi": "Hãy tự cách ly tại nhà, đeo khẩu trang, hạn chế tiếp xúc với người khác, theo dõi nhiệt độ và "
        "triệu chứng hằng ngày, và liên hệ ngay với cơ sở y tế dưới đây để được hướng dẫn xét nghiệm. "
        "Nếu sốt, ho hoặc khó thở, hãy gọi 115.",
        "en": "Isolate at home, wear a mask, avoid contact with others, check your temperature and symptoms "
        "daily, and contact the health facility below for a test. If you have a fever, a cough or "
        "difficulty breathing, call 115.",
    },
    "f2.title": {
        "vi": "Lưu ý: bạn là người tiếp xúc với F1 (F2)",
        "en": "Notice: you were near a close contact (F2)",
    },
    "f2.body": {
        "vi": "Ngày {date}, bạn đã ở gần một người tiếp xúc gần với ca bệnh (F1) "
        "trong khoảng {minutes} phút; khoảng cách ước tính: {distance}.",
        "en": "On {date} you were near a close contact of a case (F1) for about {minutes} minutes; "
        "estimated distance: {distance}.",
    },
    "f2.instructions": {
        "vi": "Hãy hạn chế di chuyển, đeo khẩu trang, theo dõi sức khỏe và làm theo hướng dẫn của cơ sở y tế "
        "địa phương. Nếu có triệu chứng, hãy liên hệ cơ sở y tế dưới đây.",
        "en": "Limit your movements, wear a mask, watch your health and follow the local health facility's "
        "advice. If you have symptoms, contact the health facility below.",
    },
    "declare.offer": {
        "vi": "Bạn có thể gửi số điện thoại, họ tên và địa chỉ của mình để cơ sở y tế liên hệ hỗ trợ. "
        "Việc gửi là tự nguyện.",
        "en": "You may send your phone number, name and address so that health workers can contact you. "
        "Sending is voluntary.",
    },
    "no_exposure": {
        "vi": "Không phát hiện tiếp xúc gần với ca bệnh trong 14 ngày qua (đã kiểm tra {keys} mã khóa, "
        "lúc {checked}). Hãy tiếp tục bật Bluetooth và giữ ứng dụng hoạt động.",
        "en": "No close contact with a case found in the last 14 days ({keys} keys checked at {checked}). "
        "Keep Bluetooth on and the app running.",
    },
    "distance.under_1m": {"vi": "dưới 1 m", "en": "under 1 m"},
    "distance.metres": {"vi": "{metres} m", "en": "{metres} m"},
    "distance.far": {"vi": "hơn 10 m", "en": "over 10 m"},
    # SMS text without diacritics, as Vietnamese texts usually are: plain GSM-7 fits 160 characters a
    # message, while one accented letter switches the whole message to UCS-2 and 70 characters.
    "sms.close_contact_code": {
        "vi": "Bluezone: ma xac nhan cua ban la {code} (het han {expires}). Mo ung dung Bluezone, "
        "chon 'Gui khoa' va nhap ma de canh bao nhung nguoi da o gan ban.",
        "en": "Bluezone: your code is {code} (expires {expires}). Open Bluezone, choose 'Share keys' and "
        "enter the code to warn the people who were near you.",
    },
    "no_facility": {
        "vi": "Chưa có danh sách cơ sở y tế cho quận/huyện của bạn; hãy gọi đường dây nóng 1900 9095.",
        "en": "No health facility list for your district yet; call the hotline 1900 9095.",
    },
}


def text(message_id: str, language: Language = "vi", **values: object) -> str:
    if language not in LANGUAGES:
        raise InvalidInput(f"unsupported language {language!r}; use vi or en", code="bad_language")
    return MESSAGES[message_id][language].format(**values)
