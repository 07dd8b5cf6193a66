"""Every word the views print, in English and Vietnamese.

Kinds keep their event names in English because ``--kind`` takes them; in
Vietnamese they read as the words a provincial report would use.
"""

from __future__ import annotations

from typing import Any, Final

LANGS: Final = ("en", "vi")

LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "date": "Date", "kind": "Kind", "partners": "Partners", "title": "Title", "status": "Status",
        "sources": "Sources", "revisions": "Revisions", "none": "No entries match.", "event": "Event",
        "recorded": "Recorded", "position": "#", "entry": "Entry", "details": "Details", "actors": "Actors",
        "timeline": "Timeline", "entries": "{n} entries", "one_entry": "1 entry", "as_of": "as of {date}",
        "known_at": "known at {time}", "page": "entries {first}–{last} of {total} · page {page} of {pages}",
        "next_page": "--page {page} for more", "empty_page": "No entries on page {page}: the last page is {pages}.",
        "open_start": "Open start", "decade": "{decade}s",
        "marker.definite": "happened", "marker.possible": "possible", "marker.future": "not yet",
        "marker.planned": "planned", "marker.corrected": "corrected", "marker.retracted": "retracted",
        "hierarchy": "Place in the hierarchy", "relationship": "Relationship",
        "relations_since": "relations since", "twinned_since": "twinned since", "agreements": "agreements",
        "mechanisms": "mechanisms", "first_contact": "first contact", "latest_contact": "latest contact",
        "counts": "entries by kind", "possible_n": "+{n} possible", "history": "History",
        "partner": "Partner", "level": "Level", "parent": "Parent", "country": "Country", "id": "Id",
        "metric": "Metric", "unit": "Unit", "group": "Group", "year": "Year", "definite": "Definite",
        "range": "Range with possible", "covered": "Covered", "all": "all", "counters": "Counters",
        "value": "Value", "certainty": "Certainty", "covered_by": "Covered by",
        "relationships": "Relationships", "activity": "Activity per year", "latest": "Latest happenings",
        "overdue": "Planned, date passed, no outcome", "nothing": "none",
        "activity_note": "happenings by the year they began; ░ possible as of the date",
        "undated": "{n} with an open start not shown",
        "state": "State", "audit_ok": "Audit passed", "audit_failed": "Audit FAILED",
        "head": "head {head} after {events} events", "problems": "Problems", "findings": "Findings",
        "check": "Check", "where": "Where", "message": "Message", "replay": "Replay",
        "effect": "Effect", "live": "Live entries", "changes": "Changes", "change": "Change",
        "no_changes": "No changes.", "from_to": "from {since} to {until}", "log": "Event log",
        "rev": "rev", "note": "Note", "codes": "Codes", "quote": "Quote", "reason": "Reason",
        "partners_title": "Partners", "explain": "Behind {metric}", "figure": "reported figure",
        "legend": "Legend", "original": "Originally", "observed": "as of {date}", "disagree": "sources disagree", "more": "and {n} more",
        "page_events": "events {first}–{last} of {total} · page {page} of {pages}",
    },
    "vi": {
        "date": "Thời gian", "kind": "Loại", "partners": "Đối tác", "title": "Tiêu đề", "status": "Trạng thái",
        "sources": "Nguồn", "revisions": "Các lần ghi", "none": "Không có mục nào.", "event": "Sự kiện",
        "recorded": "Ghi lúc", "position": "#", "entry": "Mục", "details": "Chi tiết", "actors": "Phía ta",
        "timeline": "Dòng thời gian", "entries": "{n} mục", "one_entry": "1 mục", "as_of": "tính đến {date}",
        "known_at": "theo dữ liệu ghi đến {time}",
        "page": "mục {first}–{last} trên {total} · trang {page}/{pages}",
        "next_page": "--page {page} để xem tiếp", "empty_page": "Trang {page} không có mục nào: trang cuối là trang {pages}.",
        "open_start": "Không rõ khởi điểm", "decade": "thập niên {decade}",
        "marker.definite": "đã diễn ra", "marker.possible": "có thể đã diễn ra", "marker.future": "chưa tới",
        "marker.planned": "dự kiến", "marker.corrected": "đã đính chính", "marker.retracted": "đã rút lại",
        "hierarchy": "Vị trí trong hệ thống", "relationship": "Quan hệ",
        "relations_since": "quan hệ từ", "twinned_since": "kết nghĩa từ", "agreements": "thỏa thuận",
        "mechanisms": "cơ chế", "first_contact": "lần đầu", "latest_contact": "gần nhất",
        "counts": "số mục theo loại", "possible_n": "+{n} có thể", "history": "Lịch sử",
        "partner": "Đối tác", "level": "Cấp", "parent": "Trực thuộc", "country": "Quốc gia", "id": "Mã",
        "metric": "Chỉ số", "unit": "Đơn vị", "group": "Nhóm", "year": "Năm", "definite": "Chắc chắn",
        "range": "Khoảng (kể cả có thể)", "covered": "Đã tính trong số liệu", "all": "tất cả",
        "counters": "Số liệu cộng dồn", "value": "Giá trị", "certainty": "Mức chắc chắn",
        "covered_by": "Tính trong", "relationships": "Các mối quan hệ", "activity": "Hoạt động theo năm",
        "latest": "Sự kiện gần nhất", "overdue": "Dự kiến đã quá hạn, chưa có kết quả", "nothing": "không có",
        "activity_note": "số sự kiện theo năm bắt đầu; ░ có thể đã diễn ra tính đến ngày đó",
        "undated": "{n} mục không rõ khởi điểm không được tính",
        "state": "Tình hình", "audit_ok": "Kiểm tra đạt", "audit_failed": "Kiểm tra KHÔNG ĐẠT",
        "head": "đầu chuỗi {head} sau {events} sự kiện", "problems": "Lỗi", "findings": "Phát hiện",
        "check": "Hạng mục", "where": "Vị trí", "message": "Nội dung", "replay": "Phát lại",
        "effect": "Tác động", "live": "Số mục", "changes": "Thay đổi", "change": "Thay đổi",
        "no_changes": "Không có thay đổi.", "from_to": "từ {since} đến {until}", "log": "Nhật ký sự kiện",
        "rev": "lần", "note": "Ghi chú", "codes": "Mã", "quote": "Trích dẫn", "reason": "Lý do",
        "partners_title": "Đối tác", "explain": "Căn cứ của {metric}", "figure": "số liệu báo cáo",
        "legend": "Chú thích", "original": "Ban đầu", "observed": "tính đến {date}", "disagree": "các nguồn không thống nhất", "more": "và {n} mục khác",
        "page_events": "sự kiện {first}–{last} trên {total} · trang {page}/{pages}",
    },
}  # fmt: skip

KIND_LABELS: Final[dict[str, dict[str, str]]] = {
    "vi": {
        "RelationsEstablished": "Thiết lập quan hệ", "TwinningSigned": "Kết nghĩa",
        "AgreementSigned": "Ký thỏa thuận", "MechanismEstablished": "Lập cơ chế", "TalksHeld": "Hội đàm",
        "ConferenceHeld": "Hội nghị", "VisitMade": "Thăm, làm việc", "AidProvided": "Hỗ trợ",
        "CooperationCarriedOut": "Hợp tác", "FigureReported": "Số liệu",
    },
}  # fmt: skip

STATUS_LABELS: Final[dict[str, dict[str, str]]] = {
    "vi": {"happened": "đã diễn ra", "planned": "dự kiến", "held": "đã tổ chức", "postponed": "hoãn", "cancelled": "hủy"},
}

LEVEL_LABELS: Final[dict[str, dict[str, str]]] = {
    "vi": {
        "country": "quốc gia", "province": "tỉnh", "prefecture": "châu", "city": "thành phố", "county": "huyện",
        "district": "huyện", "township": "trấn", "commune": "xã", "village": "thôn", "border-post": "đồn biên phòng",
        "border-gate": "cửa khẩu", "organisation": "tổ chức", "agency": "cơ quan", "company": "công ty",
        "park": "khu du lịch", "region": "vùng",
    },
}  # fmt: skip


def label(lang: str, key: str, **values: object) -> str:
    """The label ``key`` in ``lang`` (English when missing), filled with ``values``."""
    text = LABELS.get(lang, LABELS["en"]).get(key) or LABELS["en"][key]
    return text.format(**values) if values else text


def kind_label(kind: str, lang: str) -> str:
    return KIND_LABELS.get(lang, {}).get(kind, kind)


def status_label(status: str, lang: str) -> str:
    return STATUS_LABELS.get(lang, {}).get(status, status)


def level_label(level: str, lang: str) -> str:
    return LEVEL_LABELS.get(lang, {}).get(level, level)


def quantity_dated(quantity: Any, lang: str) -> str:
    """A quantity's date as shown beside it: a flow's period, or "as of" a stock's observed date."""
    if quantity.observed is not None:
        return label(lang, "observed", date=quantity.observed.display(lang))
    return str(quantity.period.display(lang)) if quantity.period is not None else ""
