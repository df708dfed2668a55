"""Reports, evidence, review, periods and history, through the action functions."""

import hashlib
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.audit.log import history
from chiso.notifications.models import Notification
from chiso.periods.checkins import checkins_of
from chiso.plans.status import Status
from chiso.tracking import actions
from chiso.tracking.models import Evidence, Period, ProgressUpdate

from .helpers import PDF, doc, docx, pdf, report

TODAY = date(2026, 3, 20)


def test_it_posts_and_confirms_an_update(world):
    task, p = world.civil_task, world.people
    update = actions.do_post_update(p.staff, task, report(40, files=[pdf()], documents=[doc()]), today=TODAY)
    assert update.review == "submitted" and update.kind == "update" and update.unit == world.civil
    assert actions.current_status(task, TODAY) == Status.IN_PROGRESS
    files = [e for e in update.evidence.all() if e.file]
    assert len(files) == 1 and files[0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert files[0].content_type == "application/pdf" and files[0].size == len(PDF)
    assert Path(files[0].file.path).read_bytes() == PDF
    assert update.evidence.filter(doc_number="45/BC-STP").exists()
    assert Notification.objects.filter(user=p.office, kind="update_submitted").count() == 1
    assert task.tracking.progress == 0 and task.tracking.pending == 1

    done = actions.do_post_update(p.staff, task, report(100, "done", date(2026, 3, 19)), today=TODAY)
    actions.do_confirm_update(p.office, done, "Tốt", today=TODAY)
    task.tracking.refresh_from_db()
    assert task.tracking.progress == 100 and actions.current_status(task, TODAY) == Status.DONE
    assert Notification.objects.filter(user=p.staff, kind="update_confirmed").exists()
    texts = [e.object_repr for e in history(task)]
    assert any("Xác nhận" in t for t in texts) and any("Trạng thái" in t for t in texts)
    assert sum("Báo cáo tiến độ" in t for t in texts) == 2


def test_it_returns_with_a_comment_and_takes_a_revision(world):
    task, p = world.civil_task, world.people
    update = actions.do_post_update(p.staff, task, report(30), today=TODAY)
    with pytest.raises(ValidationError):
        actions.do_return_update(p.office, update, "  ")
    actions.do_return_update(p.office, update, "Thiếu tài liệu kiểm chứng", today=TODAY)
    update.refresh_from_db()
    assert update.review == "returned" and update.review_comment == "Thiếu tài liệu kiểm chứng"
    revision = actions.do_revise_update(p.staff, update, report(35, files=[pdf()]), today=TODAY)
    assert revision.revision == 2 and revision.supersedes == update
    update.refresh_from_db()
    assert update.review == "superseded"
    assert any("lần 2" in e.object_repr for e in history(task))


def test_a_closed_period_refuses_new_updates_and_takes_revisions(world):
    task, p = world.civil_task, world.people
    update = actions.do_post_update(p.staff, task, report(60), today=TODAY)
    actions.do_confirm_update(p.office, update, today=TODAY)
    actions.do_close_period(p.office, update.period)
    with pytest.raises(ValidationError) as exc:
        actions.do_post_update(p.staff, task, report(70), period=update.period, today=TODAY)
    assert "period" in exc.value.message_dict
    revision = actions.do_revise_update(p.staff, update, report(65), today=TODAY)
    assert revision.period == update.period and revision.review == "submitted"
    update.refresh_from_db()
    assert update.review == "confirmed"  # still counts until the revision is confirmed
    actions.do_confirm_update(p.office, revision, today=TODAY)
    update.refresh_from_db()
    assert update.review == "superseded"
    task.tracking.refresh_from_db()
    assert task.tracking.progress == 65
    assert any("Khóa kỳ" in e.object_repr for e in history(task))


@pytest.mark.parametrize("data, field", [
    (report(101), "percent"),
    (report(-1), "percent"),
    (report(100, "done", date(2026, 3, 21)), "done_on"),
    (report(100, "done", None), "done_on"),
    (report(10, "failed"), "cause"),
    (report(10, narrative=" "), "narrative"),
    (report(10, narrative="x" * (actions.TEXT_MAX + 1)), "narrative"),
    (report(10, documents=[doc(day=date(2026, 3, 25))]), "documents"),
    (report(10, documents=[actions.DocumentRef(link="javascript:alert(1)")]), "documents"),
])
def test_it_refuses_bad_reports(world, data, field):
    with pytest.raises(ValidationError) as exc:
        actions.do_post_update(world.people.staff, world.civil_task, data, today=TODAY)
    assert field in exc.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_a_late_report_needs_cause_and_remedy(world):
    late_day = date(2026, 7, 10)
    with pytest.raises(ValidationError) as exc:
        actions.do_post_update(world.people.staff, world.civil_task, report(80), today=late_day)
    assert {"cause", "remedy"} <= set(exc.value.message_dict)
    update = actions.do_post_update(world.people.staff, world.civil_task,
                                    report(100, "done", date(2026, 7, 8), cause="Thiếu nhân lực",
                                           remedy="Bổ sung cán bộ"), today=late_day)
    actions.do_confirm_update(world.people.office, update, today=late_day)
    assert actions.current_status(world.civil_task, late_day) == Status.DONE_LATE


def test_it_refuses_disguised_oversized_and_mismatched_files(world, settings):
    staff, task = world.people.staff, world.civil_task
    disguised = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00 this is a program")
    with pytest.raises(ValidationError) as exc:
        actions.do_post_update(staff, task, report(files=[disguised]), today=TODAY)
    assert "không phải PDF" in exc.value.message_dict["files"][0]
    with pytest.raises(ValidationError) as exc:
        actions.do_post_update(staff, task, report(files=[pdf("anh.png")]), today=TODAY)
    assert "không khớp" in exc.value.message_dict["files"][0]
    settings.CHISO_EVIDENCE_MAX_MB = 0.001  # about 1 KB
    with pytest.raises(ValidationError) as exc:
        actions.do_post_update(staff, task, report(files=[pdf(content=PDF + b"0" * 4000)]), today=TODAY)
    assert "quá lớn" in exc.value.message_dict["files"][0]
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    ok = actions.do_post_update(staff, task, report(files=[docx()]), today=TODAY)
    assert ok.evidence.get().content_type.endswith("wordprocessingml.document")


def test_a_failed_upload_leaves_nothing(world, monkeypatch, media_in_tmp):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage._save
    calls = {"n": 0}

    def flaky(self, name, content):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", flaky)
    with pytest.raises(OSError):
        actions.do_post_update(world.people.staff, world.civil_task,
                               report(files=[pdf(), pdf("b.pdf", PDF + b"%x")]), today=TODAY)
    assert not ProgressUpdate.objects.exists() and not Evidence.objects.exists()
    stored = [f for f in Path(media_in_tmp).rglob("*") if f.is_file()] if Path(media_in_tmp).exists() else []
    assert stored == []


def test_contributions_and_comments(world):
    p = world.people
    contribution = actions.do_post_update(p.laws_staff, world.civil_task, report(20),
                                          kind=ProgressUpdate.Kind.CONTRIBUTION, today=TODAY)
    assert contribution.kind == "contribution"
    world.civil_task.tracking.refresh_from_db()
    assert not world.civil_task.tracking.has_updates  # contributions do not move the lead unit's status
    actions.do_comment(p.leader, world.civil_task, "Đề nghị đẩy nhanh tiến độ")
    assert Notification.objects.filter(user=p.staff, kind="comment").exists()
    assert any("Ý kiến" in e.object_repr for e in history(world.civil_task))


def test_withdrawing_an_update_is_in_the_history(world):
    update = actions.do_post_update(world.people.staff, world.civil_task, report(files=[pdf()]), today=TODAY)
    path = Path(update.evidence.get().file.path)
    actions.do_delete_update(world.people.staff, update, today=TODAY)
    assert not path.exists()
    assert any(e.action == "delete" for e in history(world.civil_task))


def test_recurring_tasks_get_one_period_each(world):
    task = world.laws_task
    task.recurrence = "quarterly"
    task.save()
    assert [s.label for s in checkins_of(task)] == ["Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026"]
    task.recurrence = "monthly"
    assert len(checkins_of(task)) == 12
    task.recurrence = "on_event"
    assert checkins_of(task) == []
    period = actions.do_open_event_period(world.people.office, task, "Khi có văn bản mới", date(2026, 4, 1),
                                          date(2026, 4, 15))
    assert Period.objects.filter(task=task, by_hand=True).get() == period


def test_period_labels_are_stored_in_vietnamese_whatever_the_reader_language(world):
    from django.utils import translation

    from chiso.tracking.actions import ensure_periods

    with translation.override("en"):
        first = ensure_periods(world.civil_task)
    again = ensure_periods(world.civil_task)
    assert [p.pk for p in first] == [p.pk for p in again]
    assert all(not p.label.startswith("Whole") for p in again)
