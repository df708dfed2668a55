"""The evidence pack: built by the background job, downloaded, opened, its index checked against the files
inside; atomic on failure; `chiso assessment export`; who may ask for it."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from chiso.assessment import actions, pack
from chiso.assessment.actions import Declared
from chiso.jobs.api import run_pending
from chiso.jobs.models import Job
from chiso.tracking.actions import do_post_update
from chiso.tracking.tests.helpers import PDF, pdf, report


@pytest.fixture
def filled(aw):
    update = do_post_update(aw.people.staff, aw.civil_task,
                            report(files=[pdf("ke-hoach.pdf")], cause="Chậm", remedy="Làm bù"))
    actions.do_save_score(aw.people.office, aw.scores["1.1.1"], Declared(yes=True))
    actions.do_pick_evidence(aw.people.office, aw.scores["1.1.1"], update.evidence.get())
    actions.do_add_evidence(aw.people.office, aw.scores["1.1.1"], upload=pdf("ke-hoach.pdf", PDF + b"%2"),
                            doc_number="12/KH", doc_summary="Kế hoạch CCHC năm")
    actions.do_add_evidence(aw.people.office, aw.scores["2.1.1"], doc_number="7/BC", doc_summary="Báo cáo rà soát")
    actions.do_save_score(aw.people.office, aw.scores["1.1.3"],
                          Declared(score=Decimal(1), explanation="Chưa có văn bản"))
    return aw


def opened(data: bytes):
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None
    sheet = load_workbook(io.BytesIO(zf.read("00 - Danh mục hồ sơ.xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    return zf, rows


def test_the_pack_holds_every_file_under_its_field_and_criterion_and_the_index_lists_them(filled, client):
    client.force_login(filled.people.office)
    response = client.post(f"/danh-gia/ho-so/{filled.sub.pk}/ho-so-ke-khai/")
    assert response.status_code == 302
    job = Job.objects.get(kind="assessment_pack")
    page = client.get(f"/danh-gia/ho-so/{filled.sub.pk}/").content.decode()
    assert f'id="job-{job.pk}"' in page  # progress shown while queued
    run_pending()
    job.refresh_from_db()
    assert job.state == "done", job.error
    download = client.get(job.result["url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    zf, rows = opened(b"".join(download.streaming_content))
    files = sorted(n for n in zf.namelist() if not n.startswith("00 - "))
    assert files == ["1 Chỉ đạo, điều hành/1.1 Kế hoạch CCHC/1.1.1 - ke-hoach (2).pdf",
                     "1 Chỉ đạo, điều hành/1.1 Kế hoạch CCHC/1.1.1 - ke-hoach.pdf"]
    assert rows[0] == tuple(pack.INDEX_COLUMNS)
    listed = sorted(r[8] for r in rows[1:] if r[8])
    assert listed == files  # every file inside is in the index, and every indexed file is inside
    by_code = {r[0]: r for r in rows[1:] if r[0]}
    assert sorted(by_code) == ["1.1.1", "1.1.2", "1.1.3", "2.1.1", "2.1.2"]
    assert by_code["1.1.1"][3] == "2" and by_code["2.1.1"][5] == "7/BC" and by_code["1.1.3"][9] == "Chưa có văn bản"
    assert zf.read(files[1]) == PDF
    doc = Document(io.BytesIO(zf.read("00 - Danh mục hồ sơ.docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "DANH MỤC HỒ SƠ KÊ KHAI" in text and "Sở Tư pháp" in text
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells] == pack.INDEX_COLUMNS
    assert len(table.rows) == len(rows)


@pytest.mark.parametrize("role, status", [("office", 302), ("leader", 302), ("viewer", 302), ("coordinator", 302),
                                          ("outsider", 403), ("far_coordinator", 403), ("nobody", 403)])
def test_who_may_ask_for_the_pack(filled, client, role, status):
    client.force_login(getattr(filled.people, role))
    assert client.post(f"/danh-gia/ho-so/{filled.sub.pk}/ho-so-ke-khai/").status_code == status


def test_only_the_person_who_asked_downloads_it(filled, client):
    client.force_login(filled.people.office)
    client.post(f"/danh-gia/ho-so/{filled.sub.pk}/ho-so-ke-khai/")
    run_pending()
    url = Job.objects.get(kind="assessment_pack").result["url"]
    client.force_login(filled.people.viewer)
    assert client.get(url).status_code == 403
    client.force_login(filled.people.outsider)
    assert client.get(url).status_code == 403


def test_a_failure_leaves_no_file_and_no_part(filled, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pack.shutil, "copyfileobj", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OSError):
        pack.write_pack(filled.sub, folder / "pack.zip")
    assert list(folder.iterdir()) == []


def test_the_command(filled, tmp_path, capsys):
    out = tmp_path / "stp.zip"
    call_command("assessment", "export", "--agency", "stp", "--round", "2026", "--out", str(out))
    assert "2 tệp" in capsys.readouterr().out
    zf, rows = opened(out.read_bytes())
    assert len([n for n in zf.namelist() if n.endswith(".pdf")]) == 2
    for args, message in (
        (["--agency", "KHONG", "--round", "2026", "--out", str(out)], "Không có cơ quan mã"),
        (["--agency", "STP", "--round", "2020", "--out", str(out)], "không có hồ sơ tự đánh giá"),
        (["--agency", "STP", "--round", "2026", "--out", str(tmp_path / "x" / "a.zip")], "không tồn tại"),
        (["--agency", "STP", "--round", "năm", "--out", str(out)], "không hợp lệ"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            call_command("assessment", "export", *args)
        err = capsys.readouterr().err
        assert exit_info.value.code == 1 and err.count("\n") == 1 and message in err
