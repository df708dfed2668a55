"""The indicators of Decision 766 that dossier and PAKN records can measure, and how a figure becomes
a rate, points and a rating band. The numbers (thresholds, maxima, bands) are data in IndicatorRule and
RatingBand; the defaults below only seed them (migration 0002) and are marked where unverified."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    source: str  # dossier or pakn
    average: bool = False  # a mean (days), not a percentage
    per_procedure: bool = True  # meaningful for one procedure


INDICATORS = [
    Indicator("2.1", "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn", "dossier"),
    Indicator("2.2", "Thời gian giải quyết trung bình (ngày làm việc)", "dossier", average=True),
    Indicator("3.1", "Tỷ lệ thủ tục cung cấp dịch vụ công trực tuyến", "dossier"),
    Indicator("3.3", "Tỷ lệ hồ sơ nộp trực tuyến", "dossier"),
    Indicator("3.5", "Tỷ lệ thủ tục có phí, lệ phí được thanh toán trực tuyến", "dossier"),
    Indicator("3.6", "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến", "dossier"),
    Indicator("4.1", "Tỷ lệ hồ sơ có kết quả điện tử", "dossier"),
    Indicator("4.2", "Tỷ lệ hồ sơ được số hóa (thành phần hồ sơ và kết quả)", "dossier"),
    Indicator("4.3", "Tỷ lệ hồ sơ khai thác, sử dụng lại dữ liệu đã số hóa", "dossier"),
    Indicator("5.2", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "pakn", per_procedure=False),
    Indicator("5.3", "Mức độ hài lòng về xử lý phản ánh, kiến nghị", "pakn", per_procedure=False),
    Indicator("5.4", "Mức độ hài lòng trong giải quyết thủ tục hành chính", "dossier"),
    Indicator("XL", "Tỷ lệ hồ sơ trễ hạn có thư xin lỗi", "dossier"),
]
BY_CODE = {i.code: i for i in INDICATORS}
CODES = [i.code for i in INDICATORS]

# Seeds of IndicatorRule: (code, group, max points, threshold %, params, note). The group maxima of the
# decision are 18 / 20 / 22 / 22 / 18; how they split among indicators is not verified, hence editable.
UNVERIFIED = "Chưa kiểm chứng với văn bản gốc; sửa khi có số liệu chính thức."
DEFAULT_RULES = [
    ("2.1", 2, 20, 100, {}, UNVERIFIED),
    ("2.2", 2, 0, 100, {}, "Chỉ theo dõi, không tính điểm."),
    ("3.1", 3, 4, 80, {}, UNVERIFIED),
    ("3.3", 3, 8, 50, {}, UNVERIFIED),
    ("3.5", 3, 4, 80, {}, UNVERIFIED),
    ("3.6", 3, 6, 80, {}, UNVERIFIED),
    ("4.1", 4, 8, 80, {}, UNVERIFIED),
    ("4.2", 4, 8, 80, {}, UNVERIFIED),
    ("4.3", 4, 6, 80, {}, UNVERIFIED),
    ("5.2", 5, 6, 100, {"answer_days": 15, "refuse_days": 2, "info_days": 5, "publish_days": 2}, UNVERIFIED),
    ("5.3", 5, 4, 100, {}, UNVERIFIED),
    ("5.4", 5, 8, 90, {}, UNVERIFIED),
    ("XL", 2, 0, 100, {}, "Chỉ tiêu của kế hoạch, không thuộc bộ chỉ số 766."),
]
DEFAULT_BANDS = [  # (min score out of 100, label, note)
    (90, "Xuất sắc", ""), (80, "Tốt", UNVERIFIED), (65, "Khá", UNVERIFIED),
    (50, "Trung bình", UNVERIFIED), (0, "Yếu", ""),
]
PAKN_DEFAULTS = DEFAULT_RULES[9][4]

TWO = Decimal("0.01")


def rate_of(numerator: int, denominator: int, average: bool = False) -> Decimal | None:
    """numerator ÷ denominator in percent (or the plain mean for averages), two decimals; None = N/A."""
    if not denominator:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    if not average:
        value *= 100
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


def points_of(rate: Decimal | None, rule) -> Decimal | None:
    """Full points at or above the threshold, else rate × max ÷ threshold; None when the rate is N/A."""
    if rate is None or rule is None:
        return None
    maximum, threshold = Decimal(rule.max_points), Decimal(rule.threshold)
    if threshold <= 0 or rate >= threshold:
        return maximum.quantize(TWO)
    return (rate * maximum / threshold).quantize(TWO, rounding=ROUND_HALF_UP)


def band_of(score: Decimal | None, bands) -> str:
    """The label of the highest band whose minimum the score reaches ("" when there is no score)."""
    if score is None:
        return ""
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if score >= band.min_score:
            return band.label
    return ""
