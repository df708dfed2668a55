from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("viec-cua-toi/", views.my_tasks, name="my_tasks"),
    path("co-quan/<str:code>/", views.agency_dashboard, name="agency_dashboard"),
    path("co-quan/<str:code>/khoa-ky/", views.close_agency_periods, name="agency_close_periods"),
    path("toan-tinh/", views.province_dashboard, name="province_dashboard"),
    path("nhiem-vu/<int:pk>/", views.task_panel, name="tracking_panel"),
    path("nhiem-vu/<int:pk>/bao-cao/", views.post_update, name="tracking_post_update"),
    path("nhiem-vu/<int:pk>/y-kien/", views.comment, name="tracking_comment"),
    path("nhiem-vu/<int:pk>/mo-ky/", views.open_period, name="tracking_open_period"),
    path("bao-cao/<int:pk>/xac-nhan/", views.confirm_update, name="tracking_confirm"),
    path("bao-cao/<int:pk>/tra-lai/", views.return_update, name="tracking_return"),
    path("bao-cao/<int:pk>/sua/", views.revise_update, name="tracking_revise"),
    path("bao-cao/<int:pk>/xoa/", views.delete_update, name="tracking_delete"),
    path("ky/<int:pk>/khoa/", views.close_period, name="tracking_close_period"),
    path("minh-chung/<int:pk>/", views.evidence_file, name="tracking_evidence"),
]
