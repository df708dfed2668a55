"""The notifier: registered kinds only, one notification per person, the bell, sections of the daily mail."""


import pytest
from django.urls import reverse
from django.utils import timezone

from chiso.notifications import digest, kinds
from chiso.notifications.models import Notification
from chiso.notifications.service import do_mark_read, notify, unread_count

pytestmark = pytest.mark.django_db


def test_apps_register_their_kinds_and_the_notifier_refuses_others(world):
    assert kinds.get("update_submitted").section is None  # in-app only
    assert str(kinds.get("reminder_due").section) == "Nhiệm vụ"
    assert str(kinds.get("report_draft").section) == "Báo cáo định kỳ"
    with pytest.raises(ValueError, match="not registered"):
        notify([world.people.staff], "report_something", "?")
    with pytest.raises(ValueError, match="registered differently"):
        kinds.register("report_draft", section=None)
    assert not Notification.objects.exists()


def test_one_notification_per_person_and_the_bell(world, login):
    p = world.people
    assert notify([p.staff, p.staff, None, p.head], "comment", "Có ý kiến mới", "/ke-hoach/") == 2
    assert unread_count(p.staff) == 1
    body = login(p.staff).get(reverse("home")).content.decode()
    assert 'class="bell-count">1<' in body
    assert do_mark_read(p.staff) == 1 and unread_count(p.staff) == 0 and unread_count(p.head) == 1


def test_the_mail_lists_sections_in_their_order_with_their_detail_column(world):
    p = world.people
    notify([p.staff], "report_draft", "Dự thảo báo cáo quý I", "/bao-cao/1/")
    notify([p.staff], "reminder_due", "Hôm nay là hạn", "/ke-hoach/nhiem-vu/1/", detail="12/KH-STP")
    notify([p.staff], "comment", "Chỉ trong ứng dụng", "/ke-hoach/")
    items = list(digest.unmailed(timezone.now()).filter(user=p.staff).values("kind", "text", "url", "detail"))
    assert {i["kind"] for i in items} == {"report_draft", "reminder_due"}  # the comment is not mailed
    sections = digest.sections(items, "https://chiso.example")
    assert [s["title"] for s in sections] == ["Nhiệm vụ", "Báo cáo định kỳ"]
    assert sections[0]["has_detail"] and sections[0]["detail_label"] == "Kế hoạch"
    assert sections[0]["rows"][0]["url"] == "https://chiso.example/ke-hoach/nhiem-vu/1/"
    assert not sections[1]["has_detail"]


def test_a_notification_is_followed_by_post_only(world, login):
    notify([world.people.office], "comment", "Xem nhiệm vụ", "//ngoai.example/")  # not a path of this site
    n = Notification.objects.get()
    response = login(world.people.office).post(reverse("notification_open", args=[n.pk]))
    assert response.url == reverse("notification_list")  # no open redirect
