"""The console's words, in Vietnamese (the default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["vi", "en"]

STRINGS: dict[str, dict[Lang, str]] = {
    "title": {"vi": "Bluezone — Bảng điều khiển y tế", "en": "Bluezone — Health console"},
    "nav.codes": {"vi": "Cấp mã", "en": "Issue code"},
    "nav.queue": {"vi": "Danh sách F1 khai báo", "en": "F1 follow-up"},
    "nav.facilities": {"vi": "Cơ sở y tế", "en": "Facilities"},
    "nav.stats": {"vi": "Thống kê", "en": "Statistics"},
    "nav.logout": {"vi": "Đăng xuất", "en": "Sign out"},
    "login.title": {"vi": "Đăng nhập", "en": "Sign in"},
    "login.username": {"vi": "Tên đăng nhập", "en": "Username"},
    "login.password": {"vi": "Mật khẩu", "en": "Password"},
    "login.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "codes.title": {
        "vi": "Cấp mã xác nhận cho người dương tính (F0) hoặc F1",
        "en": "Issue a code to a case (F0) or an F1",
    },
    "codes.test_type": {"vi": "Loại", "en": "Type"},
    "test.confirmed": {"vi": "Xác nhận dương tính (F0)", "en": "Confirmed positive (F0)"},
    "test.likely": {"vi": "Nghi nhiễm (chẩn đoán lâm sàng)", "en": "Likely (clinical diagnosis)"},
    "test.negative": {"vi": "Âm tính (thu hồi)", "en": "Negative (revokes)"},
    "test.close-contact": {
        "vi": "Người tiếp xúc gần (F1) gửi khóa",
        "en": "Close contact (F1) asked to upload",
    },
    "codes.symptom_date": {"vi": "Ngày khởi phát triệu chứng", "en": "Symptom onset date"},
    "codes.test_date": {"vi": "Ngày xét nghiệm", "en": "Test date"},
    "codes.phone": {
        "vi": "Số điện thoại (để gửi tin nhắn, không lưu)",
        "en": "Phone (for the text; not stored)",
    },
    "codes.submit": {"vi": "Cấp mã", "en": "Issue code"},
    "codes.issued": {"vi": "Mã đã cấp", "en": "Code issued"},
    "codes.short": {"vi": "Mã 8 số (hết hạn lúc {time})", "en": "8-digit code (expires {time})"},
    "codes.long": {"vi": "Mã dài (hết hạn lúc {time})", "en": "Long code (expires {time})"},
    "codes.read_out": {"vi": "Đọc cho người nhận mã", "en": "Read to the person"},
    "codes.read_text": {
        "vi": "Mã xác nhận của anh/chị là {code}. Hãy mở ứng dụng Bluezone, chọn “Gửi khóa” và nhập mã "
        "trước {time}. Ứng dụng chỉ gửi các khóa ngẫu nhiên, không gửi tên, số điện thoại hay vị trí.",
        "en": "Your code is {code}. Open Bluezone, choose “Share keys” and enter the code before {time}. "
        "The app sends only random keys: no name, phone number or location.",
    },
    "codes.sms": {"vi": "Tin nhắn để gửi", "en": "Text message to send"},
    "queue.title": {
        "vi": "Người nhận cảnh báo đã khai báo thông tin",
        "en": "Alerted people who sent their details",
    },
    "queue.empty": {"vi": "Không có khai báo mới.", "en": "No new declarations."},
    "queue.received": {"vi": "Nhận lúc", "en": "Received"},
    "queue.name": {"vi": "Họ tên", "en": "Name"},
    "queue.phone": {"vi": "Điện thoại", "en": "Phone"},
    "queue.address": {"vi": "Địa chỉ", "en": "Address"},
    "queue.alert": {"vi": "Cảnh báo", "en": "Alert"},
    "queue.give_code": {"vi": "Cấp mã F1", "en": "Give F1 code"},
    "queue.audit_note": {
        "vi": "Mỗi lần xem danh sách đều được ghi nhật ký.",
        "en": "Every view of this list is logged.",
    },
    "facilities.title": {"vi": "Cơ sở y tế hiển thị trong cảnh báo", "en": "Facilities shown in alerts"},
    "facilities.name": {"vi": "Tên", "en": "Name"},
    "facilities.address": {"vi": "Địa chỉ", "en": "Address"},
    "facilities.phone": {"vi": "Điện thoại", "en": "Phone"},
    "facilities.district": {"vi": "Mã quận/huyện", "en": "District code"},
    "facilities.commune": {"vi": "Mã phường/xã", "en": "Commune code"},
    "facilities.add": {"vi": "Thêm", "en": "Add"},
    "facilities.remove": {"vi": "Xóa", "en": "Remove"},
    "nav.people": {"vi": "Người dùng & khóa API", "en": "Users & API keys"},
    "people.users": {"vi": "Người dùng", "en": "Users"},
    "people.role": {"vi": "Vai trò", "en": "Role"},
    "role.case_worker": {"vi": "Cán bộ y tế", "en": "Case worker"},
    "role.realm_admin": {"vi": "Quản trị", "en": "Administrator"},
    "role.viewer": {"vi": "Xem thống kê", "en": "Statistics viewer"},
    "role.system_admin": {"vi": "Quản trị hệ thống", "en": "System administrator"},
    "people.add_user": {"vi": "Thêm người dùng", "en": "Add user"},
    "people.initial_password": {
        "vi": "Mật khẩu ban đầu (ít nhất 10 ký tự)",
        "en": "First password (10+ characters)",
    },
    "people.keys": {"vi": "Khóa API cho phần mềm", "en": "API keys for programs"},
    "people.kind": {"vi": "Loại", "en": "Kind"},
    "key.admin": {"vi": "Cấp mã (phần mềm của cơ sở)", "en": "Issue codes (a facility's program)"},
    "key.device": {"vi": "Ứng dụng trên điện thoại", "en": "The phone app"},
    "key.stats": {"vi": "Đọc thống kê", "en": "Read statistics"},
    "people.created": {"vi": "Tạo lúc", "en": "Created"},
    "people.revoked": {"vi": "Đã thu hồi", "en": "Revoked"},
    "people.revoke": {"vi": "Thu hồi", "en": "Revoke"},
    "people.new_key": {"vi": "Tạo khóa", "en": "Create key"},
    "people.key_once": {
        "vi": "Khóa mới — chỉ hiển thị một lần, hãy lưu lại ngay:",
        "en": "New key — shown only this once, store it now:",
    },
    "stats.title": {"vi": "Thống kê 14 ngày qua", "en": "The last 14 days"},
    "stats.issued": {"vi": "Mã đã cấp", "en": "Codes issued"},
    "stats.claimed": {"vi": "Mã đã dùng", "en": "Codes used"},
    "stats.keys": {"vi": "Khóa đã công bố", "en": "Keys published"},
    "stats.declarations": {"vi": "Khai báo F1", "en": "F1 declarations"},
    "stats.withheld": {"vi": "Ẩn (quá ít để công bố)", "en": "Withheld (too few to publish)"},
    "error.generic": {"vi": "Không thực hiện được", "en": "Could not do that"},
    "error.forbidden": {
        "vi": "Vai trò của bạn không được phép làm việc này.",
        "en": "Your role does not allow this.",
    },
    "error.bad_credentials": {"vi": "Sai tên đăng nhập hoặc mật khẩu.", "en": "Wrong username or password."},
    "error.locked": {
        "vi": "Sai mật khẩu quá nhiều lần; thử lại sau một giờ.",
        "en": "Too many wrong passwords; try again in an hour.",
    },
    "error.missing_date": {
        "vi": "Cần ngày khởi phát hoặc ngày xét nghiệm.",
        "en": "Give a symptom date or a test date.",
    },
    "error.date_in_future": {"vi": "Ngày không được ở tương lai.", "en": "The date is in the future."},
    "error.date_too_old": {"vi": "Ngày đã quá 28 ngày.", "en": "The date is more than 28 days ago."},
    "error.bad_phone": {
        "vi": "Số điện thoại không hợp lệ (ví dụ 0912345678).",
        "en": "Not a valid phone number (e.g. 0912345678).",
    },
    "error.csrf": {"vi": "Biểu mẫu đã hết hạn; hãy thử lại.", "en": "The form expired; please try again."},
}


def t(key: str, lang: Lang, **values: object) -> str:
    entry = STRINGS.get(key)
    return key if entry is None else entry[lang].format(**values)
