"""The questionnaire ChiSo proposes (the demo's, and the starting draft of a new one). Written for ChiSo
after the five SIPAS aspects of Quyết định 1001/QĐ-BNV; the official wording and scale are not verified,
so every line is editable data once loaded."""

from django.utils.translation import gettext_lazy as _

SCALE = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
SATISFIED = [4, 5]
CHANNELS = ["Nộp trực tiếp tại Bộ phận Một cửa", "Nộp trực tuyến", "Qua bưu chính công ích"]
AGE_GROUPS = ["Dưới 25 tuổi", "Từ 25 đến 39 tuổi", "Từ 40 đến 59 tuổi", "Từ 60 tuổi trở lên"]

ASPECTS = [
    ("A", "Tiếp cận dịch vụ", [
        "Nơi tiếp nhận hồ sơ dễ tìm, có chỗ ngồi chờ và biển chỉ dẫn rõ ràng.",
        "Trang thiết bị phục vụ người dân (máy lấy số, máy tra cứu, bút, giấy) đầy đủ và dùng được.",
        "Thông tin về thủ tục được niêm yết hoặc đăng tải dễ tìm, dễ hiểu.",
    ]),
    ("B", "Thủ tục hành chính", [
        "Thành phần hồ sơ phải nộp đúng như đã công khai.",
        "Phí, lệ phí phải nộp đúng như đã công khai.",
        "Thời gian giải quyết được hẹn đúng quy định.",
    ]),
    ("C", "Công chức trực tiếp giải quyết công việc", [
        "Công chức tiếp nhận có thái độ lịch sự, tôn trọng.",
        "Công chức hướng dẫn kê khai hồ sơ tận tình, dễ hiểu.",
        "Công chức chỉ yêu cầu bổ sung hồ sơ một lần, đúng quy định.",
    ]),
    ("D", "Kết quả dịch vụ", [
        "Kết quả được trả đúng hẹn hoặc sớm hơn hẹn.",
        "Kết quả nhận được có thông tin đầy đủ, chính xác.",
    ]),
    ("E", "Tiếp nhận, xử lý góp ý, phản ánh, kiến nghị", [
        "Có hình thức để người dân góp ý, phản ánh (hộp thư, đường dây nóng, trang điện tử).",
        "Góp ý, phản ánh được tiếp nhận và trả lời kịp thời, thỏa đáng.",
    ]),
]
# Optional statements: a person who did not use them leaves them blank.
OPTIONAL = {"E1", "E2"}

NAME = _("Phiếu khảo sát sự hài lòng về phục vụ hành chính")
INTRO = ("Ý kiến của Ông/Bà giúp cơ quan phục vụ tốt hơn. Phiếu không hỏi họ tên; mỗi hồ sơ chỉ đánh giá "
         "một lần. Xin chọn một mức cho mỗi nhận định.")
THANKS = "Cảm ơn Ông/Bà đã dành thời gian góp ý. Ý kiến đã được ghi nhận."
