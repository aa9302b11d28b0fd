"""Every text a person reads, in Vietnamese (the default) and English: one catalogue for the server's pages
and the phone's alerts."""

from __future__ import annotations

from typing import Literal

from bluezone.errors import InvalidInput

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")

CATALOGUE: dict[str, dict[Language, str]] = {
    # What the phone shows and sends.
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
    # The server's pages: the console, the campaign and the declaration forms.
    "title": {"vi": "Bluezone — Bảng điều khiển y tế", "en": "Bluezone — Health console"},
    "nav.codes": {"vi": "Cấp mã", "en": "Issue code"},
    "nav.queue": {"vi": "Danh sách F1 khai báo", "en": "F1 follow-up"},
    "nav.venues": {"vi": "Điểm khai báo QR", "en": "Venues"},
    "venues.title": {"vi": "Điểm khai báo QR của tỉnh", "en": "The province's QR check-in venues"},
    "venues.name": {"vi": "Tên địa điểm", "en": "Venue name"},
    "venues.kind": {"vi": "Loại", "en": "Kind"},
    "venues.minutes": {"vi": "Thời gian ở thông thường (phút)", "en": "Usual visit (minutes)"},
    "venues.poster": {"vi": "Áp phích", "en": "Poster"},
    "venues.add": {"vi": "Đăng ký địa điểm", "en": "Register venue"},
    "nav.arrivals": {"vi": "Người nhập cảnh", "en": "Arrivals"},
    "arrivals.title": {
        "vi": "Người nhập cảnh về tỉnh (hôm nay và 3 ngày tới)",
        "en": "Travellers arriving in the province (today and the next 3 days)",
    },
    "arrivals.none": {"vi": "Chưa có ai khai báo.", "en": "Nobody has declared yet."},
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
    "codes.quota": {
        "vi": "Hôm nay đơn vị đã cấp {issued} trên tối đa {limit} mã mỗi ngày.",
        "en": "Issued today: {issued} of at most {limit} codes a day.",
    },
    "stats.wrong_codes": {
        "vi": "Mã sai nhập từ ứng dụng trong giờ này: {wrong} (cảnh báo từ {alert}; có thể đang bị dò mã).",
        "en": "Wrong codes entered in the app this hour: {wrong} (alert from {alert}; may be guessing).",
    },
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
    "people.state": {"vi": "Trạng thái", "en": "State"},
    "people.active": {"vi": "Đang hoạt động", "en": "Active"},
    "people.disabled": {"vi": "Đã khóa", "en": "Disabled"},
    "people.disable": {"vi": "Khóa tài khoản", "en": "Disable"},
    "people.enable": {"vi": "Mở khóa", "en": "Enable"},
    "people.new_password": {"vi": "Mật khẩu mới", "en": "New password"},
    "people.reset": {"vi": "Đặt lại mật khẩu", "en": "Reset password"},
    "mfa.title": {"vi": "Xác nhận đăng nhập", "en": "Confirm the sign-in"},
    "mfa.code_or_recovery": {
        "vi": "Mã 6 số trong ứng dụng xác thực (hoặc một mã dự phòng)",
        "en": "The 6-digit code from your authenticator (or a recovery code)",
    },
    "mfa.enrol_title": {"vi": "Bật xác thực hai lớp", "en": "Turn on two-step sign-in"},
    "mfa.enrol_text": {
        "vi": "Tài khoản quản trị cần xác thực hai lớp. Hãy quét mã QR bằng ứng dụng xác thực trên điện "
        "thoại (Google Authenticator, Microsoft Authenticator, …) hoặc nhập khóa bên dưới, rồi nhập mã 6 số "
        "ứng dụng hiển thị.",
        "en": "Admin accounts sign in in two steps. Scan the QR code with an authenticator app on your "
        "phone (Google Authenticator, Microsoft Authenticator, …) or type the key below, then enter the "
        "6-digit code it shows.",
    },
    "mfa.qr_alt": {"vi": "Mã QR cho ứng dụng xác thực", "en": "QR code for the authenticator app"},
    "mfa.secret": {"vi": "Khóa:", "en": "Key:"},
    "mfa.code": {"vi": "Mã 6 số", "en": "6-digit code"},
    "mfa.submit": {"vi": "Xác nhận", "en": "Confirm"},
    "mfa.recovery_title": {"vi": "Mã dự phòng", "en": "Recovery codes"},
    "mfa.recovery_text": {
        "vi": "Hãy in hoặc chép lại các mã này và cất ở nơi an toàn. Mỗi mã dùng được một lần nếu mất điện "
        "thoại. Các mã chỉ hiển thị một lần này.",
        "en": "Print or copy these codes and keep them safe. Each works once if you lose your phone. They "
        "are shown only this once.",
    },
    "mfa.continue": {"vi": "Tiếp tục", "en": "Continue"},
    "error.bad_code": {
        "vi": "Mã chưa đúng; hãy nhập mã mới nhất ứng dụng xác thực đang hiển thị.",
        "en": "That code is not right; enter the newest one your authenticator shows.",
    },
    "nav.campaign": {"vi": "Chiến dịch cài đặt", "en": "Install campaign"},
    "people.users": {"vi": "Người dùng", "en": "Users"},
    "people.role": {"vi": "Vai trò", "en": "Role"},
    "role.case_worker": {"vi": "Cán bộ y tế", "en": "Case worker"},
    "role.realm_admin": {"vi": "Quản trị", "en": "Administrator"},
    "role.viewer": {"vi": "Xem thống kê", "en": "Statistics viewer"},
    "role.system_admin": {"vi": "Quản trị hệ thống", "en": "System administrator"},
    "role.campaign_officer": {"vi": "Cán bộ chiến dịch cài đặt", "en": "Campaign official"},
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
    "refused.back": {"vi": "Về trang làm việc của tôi", "en": "Back to my work"},
    "error.generic": {"vi": "Không thực hiện được", "en": "Could not do that"},
    "error.slow_down": {
        "vi": "Đã nhập sai mật khẩu nhiều lần từ máy này; hãy chờ vài phút rồi thử lại.",
        "en": "Too many wrong passwords from this device; wait a few minutes and try again.",
    },
    "error.code_quota": {
        "vi": "Đơn vị đã cấp đủ số mã tối đa của hôm nay. Nếu cần thêm, hãy liên hệ quản trị hệ thống.",
        "en": "The department has issued today's maximum of codes; the system administrator can raise it.",
    },
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
    "campaign.title": {"vi": "Chiến dịch cài đặt Bluezone", "en": "Bluezone installation campaign"},
    "campaign.as_of": {"vi": "Số liệu tính đến {moment}", "en": "Figures as of {moment}"},
    "campaign.by.population": {"vi": "theo dân số", "en": "of population"},
    "campaign.by.smartphones": {
        "vi": "theo thuê bao điện thoại thông minh",
        "en": "of smartphone subscribers",
    },
    "campaign.map": {"vi": "Bản đồ tỷ lệ cài đặt", "en": "Install rate map"},
    "campaign.leaderboard": {"vi": "Bảng xếp hạng", "en": "Leaderboard"},
    "campaign.rank": {"vi": "Hạng", "en": "Rank"},
    "campaign.area": {"vi": "Địa phương", "en": "Area"},
    "campaign.installs": {"vi": "Lượt cài đặt", "en": "Installs"},
    "campaign.denominator.population": {"vi": "Dân số", "en": "Population"},
    "campaign.denominator.smartphones": {"vi": "Thuê bao ĐTTM", "en": "Smartphones"},
    "campaign.rate": {"vi": "Tỷ lệ", "en": "Rate"},
    "campaign.up": {"vi": "tăng {n} bậc", "en": "up {n}"},
    "campaign.down": {"vi": "giảm {n} bậc", "en": "down {n}"},
    "campaign.top": {"vi": "Dẫn đầu", "en": "Top"},
    "campaign.bottom": {"vi": "Cuối bảng", "en": "Bottom"},
    "campaign.download": {"vi": "Tải về", "en": "Download"},
    "campaign.none": {"vi": "Chưa có số liệu.", "en": "No figures yet."},
    "campaign.targets": {"vi": "Mục tiêu", "en": "Targets"},
    "campaign.target": {"vi": "Mục tiêu", "en": "Target"},
    "campaign.by_date": {"vi": "Hạn", "en": "By"},
    "campaign.needed": {"vi": "Còn cần / ngày", "en": "Still needed / day"},
    "campaign.on_track": {"vi": "Đúng tiến độ", "en": "On track"},
    "campaign.behind": {"vi": "Chậm tiến độ", "en": "Behind"},
    "campaign.trend": {"vi": "Diễn biến tỷ lệ cài đặt", "en": "Install rate over time"},
    "campaign.below": {"vi": "Các địa phương trực thuộc", "en": "Areas within"},
    "manage.title": {"vi": "Quản lý đơn vị và mục tiêu", "en": "Units and targets"},
    "manage.scope": {"vi": "Phạm vi", "en": "Your part"},
    "manage.whole_country": {"vi": "toàn quốc", "en": "the whole country"},
    "manage.unit_name": {"vi": "Tên đơn vị", "en": "Unit name"},
    "manage.unit_kind": {"vi": "Loại đơn vị", "en": "Kind"},
    "manage.unit_area": {"vi": "Mã địa bàn (GSO)", "en": "Area (GSO code)"},
    "manage.unit_parent": {"vi": "Thuộc đơn vị số (nếu có)", "en": "Inside unit number (if any)"},
    "manage.add_unit": {"vi": "Thêm đơn vị", "en": "Add unit"},
    "manage.target_subject": {"vi": "Áp dụng cho", "en": "For"},
    "manage.target_basis": {"vi": "Tính theo", "en": "Share of"},
    "manage.target_rate": {"vi": "Tỷ lệ mục tiêu (%)", "en": "Target rate (%)"},
    "manage.set_target": {"vi": "Đặt mục tiêu", "en": "Set target"},
    "unit.agency": {"vi": "Cơ quan", "en": "Agency"},
    "unit.business": {"vi": "Doanh nghiệp", "en": "Business"},
    "unit.school": {"vi": "Trường học", "en": "School"},
    "unit.hospital": {"vi": "Bệnh viện", "en": "Hospital"},
    "unit.post_office": {"vi": "Bưu điện", "en": "Post office"},
    "unit.other": {"vi": "Khác", "en": "Other"},
    "campaign.check_ins": {
        "vi": "Số điện thoại khai báo điểm đến (7 ngày qua)",
        "en": "Phones checking in at venues (last 7 days)",
    },
    "campaign.units": {"vi": "Cơ quan, đơn vị", "en": "Units"},
    "campaign.unit": {"vi": "Đơn vị", "en": "Unit"},
    "campaign.staff": {"vi": "Cán bộ, nhân viên", "en": "Staff"},
    "campaign.holders": {"vi": "Có ĐTTM", "en": "With a smartphone"},
    "campaign.installed": {"vi": "Đã cài đặt", "en": "Installed"},
    "campaign.report_date": {"vi": "Ngày báo cáo", "en": "Report date"},
    "campaign.status": {"vi": "Tình trạng báo cáo", "en": "Reporting"},
    "campaign.status.ok": {"vi": "Đúng hạn", "en": "On time"},
    "campaign.status.late": {"vi": "Chậm", "en": "Late"},
    "campaign.status.missing": {"vi": "Chưa báo cáo", "en": "Missing"},
    "campaign.report": {"vi": "Báo cáo", "en": "Report"},
    "campaign.quick_report": {"vi": "Báo cáo nhanh (PDF)", "en": "Quick report (PDF)"},
    "campaign.report_title": {"vi": "Báo cáo số người cài đặt Bluezone", "en": "Report Bluezone installs"},
    "campaign.report_saved": {"vi": "Đã ghi nhận báo cáo.", "en": "Report saved."},
    "campaign.submit": {"vi": "Gửi báo cáo", "en": "Send report"},
    "campaign.import_title": {"vi": "Nhập số liệu cài đặt", "en": "Import install counts"},
    "campaign.import_help": {
        "vi": "Tệp CSV hoặc XLSX với các cột as_of, area_code, installs và (tùy chọn) smartphones, active, "
        "population. Cả tệp được kiểm tra trước: nếu có dòng sai, không dòng nào được lưu.",
        "en": "A CSV or XLSX file with columns as_of, area_code, installs and optionally smartphones, "
        "active, population. The whole file is checked first: with any bad row, nothing is stored.",
    },
    "campaign.import_file": {"vi": "Tệp số liệu", "en": "Counts file"},
    "campaign.import_submit": {"vi": "Nhập", "en": "Import"},
    "campaign.imported": {
        "vi": "Đã nhập {rows} dòng ({replaced} dòng thay thế số liệu cũ).",
        "en": "{rows} rows imported ({replaced} replaced earlier figures).",
    },
    "campaign.bad_rows": {"vi": "{n} dòng sai; chưa lưu gì", "en": "{n} bad rows; nothing stored"},
    "campaign.line": {"vi": "Dòng", "en": "Line"},
    "campaign.problem": {"vi": "Lỗi", "en": "Problem"},
    "error.bad_report": {
        "vi": "Số liệu không hợp lệ: đã cài đặt ≤ có ĐTTM ≤ tổng số cán bộ, và ngày không ở tương lai.",
        "en": "Invalid figures: installed ≤ with a smartphone ≤ staff, and the date not in the future.",
    },
    "declare.health_title": {"vi": "Khai báo y tế tự nguyện", "en": "Voluntary health declaration"},
    "declare.health_help": {
        "vi": "Khai báo mỗi ngày. Nếu bạn có triệu chứng và đã tiếp xúc với F0, F1 hoặc đi qua tỉnh khác, "
        "Sở Y tế sẽ liên hệ với bạn. Thông tin được mã hóa và xóa sau 30 ngày.",
        "en": "Declare every day. If you have symptoms and were near an F0 or F1, or travelled, the "
        "provincial health department will contact you. Answers are encrypted and deleted after 30 days.",
    },
    "declare.entry_title": {"vi": "Khai báo y tế nhập cảnh", "en": "Entry health declaration"},
    "declare.entry_help": {
        "vi": "Khai báo trong vòng 3 ngày trước khi nhập cảnh; xuất trình mã QR cho cán bộ tại cửa khẩu.",
        "en": "Declare within 3 days before you arrive; show the QR code to the officer at the border.",
    },
    "declare.full_name": {"vi": "Họ và tên", "en": "Full name"},
    "declare.phone": {"vi": "Số điện thoại", "en": "Phone"},
    "declare.commune": {"vi": "Mã xã, phường nơi ở (GSO)", "en": "Commune where you stay (GSO code)"},
    "declare.address": {"vi": "Địa chỉ", "en": "Address"},
    "declare.symptoms": {"vi": "Triệu chứng", "en": "Symptoms"},
    "declare.exposure": {"vi": "Tiếp xúc trong 14 ngày qua", "en": "Contact in the last 14 days"},
    "declare.travel": {
        "vi": "Các tỉnh đã đi qua trong 14 ngày (mã tỉnh)",
        "en": "Provinces visited in the last 14 days (codes)",
    },
    "declare.document_type": {"vi": "Loại giấy tờ", "en": "Identity document"},
    "declare.document_number": {"vi": "Số giấy tờ", "en": "Document number"},
    "declare.nationality": {"vi": "Quốc tịch (mã ISO, ví dụ VN)", "en": "Nationality (ISO code, e.g. VN)"},
    "declare.departure": {"vi": "Ngày khởi hành", "en": "Departure date"},
    "declare.arrival": {"vi": "Ngày nhập cảnh", "en": "Arrival date"},
    "declare.gate": {"vi": "Cửa khẩu nhập cảnh", "en": "Border gate"},
    "declare.flight": {"vi": "Số hiệu chuyến bay", "en": "Flight number"},
    "declare.countries": {
        "vi": "Các nước đã đến trong 14 ngày (mã ISO)",
        "en": "Countries visited in the last 14 days (ISO codes)",
    },
    "declare.submit": {"vi": "Gửi khai báo", "en": "Send declaration"},
    "declare.thanks": {"vi": "Đã nhận khai báo", "en": "Declaration received"},
    "declare.recorded": {"vi": "Cảm ơn bạn. Chúc bạn khỏe mạnh.", "en": "Thank you. Stay well."},
    "declare.follow_up": {
        "vi": "Cảm ơn bạn. Sở Y tế sẽ liên hệ với bạn qua số điện thoại đã khai.",
        "en": "Thank you. The provincial health department will call you on the number you gave.",
    },
    "declare.receipt_help": {
        "vi": "Đây là mã khai báo của bạn. Hãy xuất trình tại cửa khẩu.",
        "en": "This is your declaration receipt. Show it at the border.",
    },
    "symptom.fever": {"vi": "Sốt", "en": "Fever"},
    "symptom.cough": {"vi": "Ho", "en": "Cough"},
    "symptom.breathing": {"vi": "Khó thở", "en": "Shortness of breath"},
    "symptom.sore_throat": {"vi": "Đau họng", "en": "Sore throat"},
    "symptom.taste_smell": {"vi": "Mất vị giác, khứu giác", "en": "Loss of taste or smell"},
    "symptom.tiredness": {"vi": "Mệt mỏi", "en": "Tiredness"},
    "symptom.diarrhoea": {"vi": "Tiêu chảy", "en": "Diarrhoea"},
    "exposure.none": {"vi": "Không", "en": "None"},
    "exposure.f0": {"vi": "Tiếp xúc gần với ca bệnh (F0)", "en": "Close to a confirmed case (F0)"},
    "exposure.f1": {"vi": "Tiếp xúc gần với F1", "en": "Close to a close contact (F1)"},
    "document.passport": {"vi": "Hộ chiếu", "en": "Passport"},
    "document.id_card": {"vi": "Căn cước công dân", "en": "Citizen ID card"},
    "error.bad_declaration": {"vi": "Khai báo chưa hợp lệ", "en": "The declaration is not valid"},
    "error.csrf": {"vi": "Biểu mẫu đã hết hạn; hãy thử lại.", "en": "The form expired; please try again."},
}


def text(key: str, language: Language = "vi", **values: object) -> str:
    """The text in the language, its {placeholders} filled."""
    if language not in LANGUAGES:
        raise InvalidInput(f"unsupported language {language!r}; use vi or en", code="bad_language")
    return CATALOGUE[key][language].format(**values)


def has_text(key: str) -> bool:
    return key in CATALOGUE
