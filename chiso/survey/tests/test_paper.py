"""Paper forms typed at the keyboard, and answers imported from XLSX: the same checks as the public page,
the channel recorded, a bad file stores nothing."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.survey.models import Answer, Response

from .helpers import open_survey


@pytest.fixture
def opened(world):
    q, (c1, c2) = open_survey(world, ("Quầy 1", "Quầy 2"))
    return world, q, c1, c2


def digits(q, level="5"):
    return "".join(level if x.required else "-" for x in q.questions.order_by("aspect__order", "order"))


def test_a_paper_sheet_is_typed_and_saved(opened, login):
    world, q, c1, c2 = opened
    client = login(world.people.office)
    url = reverse("survey_paper", args=[world.home.code])
    page = client.get(url).content.decode()
    assert "autofocus" in page and "13 chữ số" in page
    resp = client.post(url, {"nonce": "n1", "quay": c1.pk, "ngay": "05/03/2026", "day-tra-loi": digits(q),
                             "receipt_code": "HS-GIAY-1", "comment": "Tốt"})
    assert resp.status_code == 302 and f"quay={c1.pk}" in resp["Location"] and "ngay=05/03/2026" in resp["Location"]
    r = Response.objects.get()
    assert (r.channel, r.counter, r.day, r.entered_by, r.receipt_code) == (
        "paper", c1, date(2026, 3, 5), world.people.office, "HS-GIAY-1")
    assert Answer.objects.filter(response=r).count() == 11  # the two optional statements left blank
    # pressing Enter twice on the same sheet stores it once
    again = client.post(url, {"nonce": "n1", "quay": c1.pk, "ngay": "05/03/2026", "day-tra-loi": digits(q)})
    assert again.status_code == 400 and Response.objects.count() == 1


@pytest.mark.parametrize("fields,message", [
    ({"day-tra-loi": "555"}, "Dãy trả lời có 3 ký tự nhưng phiếu có 13 nhận định"),
    ({"day-tra-loi": "9" * 13}, "nằm ngoài thang 1–5"),
    ({"day-tra-loi": "²" * 13}, "Mức “²” của nhận định A1 nằm ngoài thang 1–5"),
    ({"day-tra-loi": "²²²"}, "Dãy trả lời có 3 ký tự"),
    ({"day-tra-loi": "٣" * 13}, "Mức “٣” của nhận định A1 nằm ngoài thang 1–5"),
    ({"day-tra-loi": "５" * 13}, "Mức “５” của nhận định A1 nằm ngoài thang 1–5"),
    ({"day-tra-loi": "-" * 13}, "Xin chọn một mức cho nhận định A1"),
    ({"ngay": "31/02/2026"}, "dd/mm/yyyy"),
    ({"ngay": "01/01/2999"}, "ở tương lai"),
    ({"quay": "99999"}, "Không có quầy này"),
])
def test_bad_paper_sheets_are_refused(opened, login, fields, message):
    world, q, c1, c2 = opened
    data = {"nonce": "x", "quay": c1.pk, "ngay": "05/03/2026", "day-tra-loi": digits(q), **fields}
    resp = login(world.people.office).post(reverse("survey_paper", args=[world.home.code]), data)
    assert resp.status_code == 400 and message in resp.content.decode()
    assert Response.objects.count() == 0


def test_a_huge_comment_on_paper_is_refused_and_not_echoed_back(opened, login):
    world, q, c1, c2 = opened
    data = {"nonce": "x", "quay": c1.pk, "ngay": "05/03/2026", "day-tra-loi": digits(q), "comment": "y" * 1_000_000}
    resp = login(world.people.office).post(reverse("survey_paper", args=[world.home.code]), data)
    assert resp.status_code == 400 and "quá giới hạn 1000 ký tự" in resp.content.decode()
    assert len(resp.content) < 100 * 1024 and 'value="' + "y" * 1000 + '"' in resp.content.decode()
    assert Response.objects.count() == 0


def test_only_the_office_enters_answers(opened, login):
    world = opened[0]
    for who, code in (("office", 200), ("admin", 200), ("leader", 403), ("staff", 403), ("coordinator", 403),
                      ("outsider", 403)):
        client = login(getattr(world.people, who))
        assert client.get(reverse("survey_paper", args=[world.home.code])).status_code == code, who
        assert client.get(reverse("survey_import", args=[world.home.code])).status_code == code, who


def _xlsx(rows, header=None, q=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header or ["Ngày", "Quầy", "Mã hồ sơ", "Góp ý", "Kênh"] + [x.code for x in q.questions.all()])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("phieu.xlsx", buf.getvalue())


def test_answers_are_imported_from_xlsx(opened, login):
    world, q, c1, c2 = opened
    n = q.questions.count()
    rows = [["01/02/2026", "Quầy 1", "HS-1", "Tốt", ""] + [5] * n,
            [date(2026, 2, 2), "quầy 2", "", "", "Phiếu giấy"] + [2] * (n - 2) + [None, None]]
    client = login(world.people.office)
    resp = client.post(reverse("survey_import", args=[world.home.code]), {"file": _xlsx(rows, q=q)})
    assert resp.status_code == 302
    got = list(Response.objects.order_by("day").values_list("channel", "counter__name", "receipt_code", "day"))
    assert got == [("import", "Quầy 1", "HS-1", date(2026, 2, 1)), ("paper", "Quầy 2", None, date(2026, 2, 2))]
    assert Answer.objects.count() == 2 * n - 2
    # the template lists the questionnaire's codes
    template = client.get(reverse("survey_import", args=[world.home.code]) + "?mau=xlsx")
    header = next(openpyxl.load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert header[0] == "Ngày" and "A1" in header and "E2" in header


def test_a_file_with_one_bad_row_stores_nothing(opened, login):
    world, q, c1, c2 = opened
    n = q.questions.count()
    rows = [["01/02/2026", "Quầy 1", "HS-1", "", ""] + [5] * n,
            ["1/2/26", "Quầy 9", "HS-1", "", "fax"] + [7] + [5] * (n - 1),
            ["03/02/2026", "", "", "", ""] + [None] * n]
    resp = login(world.people.office).post(reverse("survey_import", args=[world.home.code]), {"file": _xlsx(rows, q=q)})
    body = resp.content.decode()
    assert resp.status_code == 400
    assert "Dòng 3: Ngày trên phiếu phải có dạng dd/mm/yyyy" in body and "không có quầy “Quầy 9”" in body
    assert "kênh “fax”" in body and "nằm ngoài thang" in body and "trùng dòng 2" in body
    assert "Dòng 4: Xin chọn một mức" in body
    assert Response.objects.count() == 0


@pytest.mark.parametrize("value", ["²", "٣", "５", "5" * 5000],
                         ids=["superscript", "arabic-indic", "fullwidth", "5000-digits"])
def test_an_imported_level_in_odd_digits_is_refused(opened, login, value):
    world, q, c1, c2 = opened
    n = q.questions.count()
    rows = [["01/02/2026", "", "", "", ""] + [value] + [5] * (n - 1)]
    resp = login(world.people.office).post(reverse("survey_import", args=[world.home.code]), {"file": _xlsx(rows, q=q)})
    assert resp.status_code == 400
    assert f"Dòng 2: Mức “{value[:10]}” của nhận định A1 nằm ngoài thang 1–5" in resp.content.decode()
    assert Response.objects.count() == 0


def test_a_dossier_already_answered_refuses_the_file(opened, login):
    world, q, c1, c2 = opened
    n = q.questions.count()
    client = login(world.people.office)
    client.post(reverse("survey_import", args=[world.home.code]),
                {"file": _xlsx([["01/02/2026", "", "HS-1", "", ""] + [5] * n], q=q)})
    resp = client.post(reverse("survey_import", args=[world.home.code]), {"file": _xlsx(
        [["02/02/2026", "", "HS-2", "", ""] + [5] * n, ["02/02/2026", "", "HS-1", "", ""] + [5] * n], q=q)})
    assert resp.status_code == 400 and "Dòng 3: Hồ sơ HS-1 đã được đánh giá" in resp.content.decode()
    assert list(Response.objects.values_list("receipt_code", flat=True)) == ["HS-1"]


def test_unknown_columns_and_unreadable_files(opened, login):
    world, q, c1, c2 = opened
    client = login(world.people.office)
    url = reverse("survey_import", args=[world.home.code])
    resp = client.post(url, {"file": _xlsx([], header=["Ngày", "Z9"])})
    assert "cột “Z9” không có trong phiếu" in resp.content.decode()
    resp = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert resp.status_code == 400 and "không đọc được" in resp.content.decode()
    assert Response.objects.count() == 0
