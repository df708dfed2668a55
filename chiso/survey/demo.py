"""The demo's survey: the proposed questionnaire in use for every agency, counters with QR codes, and a
year of answers (more at some counters than others, one counter and one aspect visibly weaker), stored
through the same action as a real answer."""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from . import actions
from .models import Channel

COUNTERS = {
    "STP": ["Quầy 1 – Hộ tịch, chứng thực", "Quầy 2 – Lý lịch tư pháp", "Quầy 3 – Công chứng, luật sư"],
    "SVHTTDL": ["Quầy 1 – Văn hóa, gia đình", "Quầy 2 – Thể thao, du lịch"],
}
PROCEDURES = {
    "STP": ["Cấp Phiếu lý lịch tư pháp", "Chứng thực bản sao từ bản chính", "Đăng ký khai sinh có yếu tố nước ngoài",
            "Cấp bản sao trích lục hộ tịch", "Đăng ký hành nghề công chứng"],
    "SVHTTDL": ["Cấp giấy phép tổ chức biểu diễn nghệ thuật", "Công nhận hạng cơ sở lưu trú du lịch",
                "Cấp giấy chứng nhận đủ điều kiện kinh doanh thể thao"],
}
COMMENTS = [
    "Cán bộ hướng dẫn rất nhiệt tình, cảm ơn.", "Phải chờ lâu, nên thêm ghế ngồi ở khu vực chờ.",
    "Máy lấy số thường bị hỏng.", "Thủ tục nhanh gọn hơn năm trước.", "Đề nghị niêm yết phí rõ hơn.",
    "Bị yêu cầu bổ sung giấy tờ hai lần.", "Trả kết quả đúng hẹn.", "Nên có chỗ gửi xe rộng hơn.",
]
PER_COUNTER_MONTH = 14


def load_survey_demo(today, agencies: dict, actor=None) -> int:
    """Questionnaire, counters and answers for the demo agencies; returns the number of responses."""
    q = actions.do_create_questionnaire(actor)
    actions.do_activate(actor, q.pk)
    q = actions.active_questionnaire(None)
    questions = list(q.questions.select_related("aspect"))
    rnd = random.Random(1001)  # noqa: S311 - demo data
    count = 0
    for code, names in COUNTERS.items():
        agency = agencies.get(code)
        if agency is None:
            continue
        counters = [actions.do_save_counter(actor, agency, name) for name in names]
        for months_back in range(11, -1, -1):
            for i, counter in enumerate(counters):
                weak = i == len(counters) - 1  # the last counter pulls the index down
                for _n in range(PER_COUNTER_MONTH + rnd.randint(-4, 4)):
                    day = today - timedelta(days=months_back * 30 + rnd.randint(0, 29))
                    if day > today:
                        day = today
                    values = {}
                    for x in questions:
                        if not x.required and rnd.random() < 0.4:
                            continue
                        p_good = 0.86 - (0.18 if weak else 0) - (0.1 if x.aspect.code == "B" else 0) \
                            + 0.01 * (11 - months_back)
                        values[x.pk] = rnd.choice([4, 5]) if rnd.random() < p_good else rnd.choice([1, 2, 3, 3])
                    when = timezone.make_aware(datetime.combine(day, time(8 + rnd.randint(0, 8), rnd.randint(0, 59))))
                    actions.do_submit(actions.Submission(
                        questionnaire=q, agency=agency, counter=counter,
                        channel=rnd.choice([Channel.QR, Channel.QR, Channel.KIOSK, Channel.PAPER]), values=values,
                        procedure=rnd.choice(PROCEDURES[code]), comment=rnd.choice(COMMENTS) if rnd.random() < 0.2
                        else "", when=when))
                    count += 1
    return count
