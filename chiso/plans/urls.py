from django.urls import path

from . import import_views, views

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("them/", views.plan_create, name="plan_create"),
    path("xlsx/", views.plan_list_export, name="plan_list_export"),
    path("<int:pk>/xlsx/", views.plan_tasks_export, name="plan_tasks_export"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/xoa/", views.plan_delete, name="plan_delete"),
    path("<int:pk>/lich-su/", views.plan_history, name="plan_history"),
    path("<int:pk>/van-ban-goc/", views.plan_source, name="plan_source"),
    path("<int:plan_pk>/nhiem-vu/them/", views.task_create, name="task_create"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("nhiem-vu/<int:pk>/xoa/", views.task_delete, name="task_delete"),
    path("nhap/", import_views.import_upload, name="plan_import"),
    path("nhap/cho/<int:job_id>/", import_views.import_wait, name="plan_import_wait"),
    path("nhap/<int:pk>/", import_views.import_preview, name="plan_import_preview"),
    path("nhap/<int:pk>/thong-tin/", import_views.import_header, name="plan_import_header"),
    path("nhap/<int:pk>/don-vi/", import_views.import_unit, name="plan_import_unit"),
    path("nhap/<int:pk>/dong/<int:row_id>/sua/", import_views.import_row_edit, name="plan_import_row_edit"),
    path("nhap/<int:pk>/dong/<int:row_id>/bo/", import_views.import_row_drop, name="plan_import_row_drop"),
    path("nhap/<int:pk>/dong/<int:row_id>/gop/", import_views.import_row_merge, name="plan_import_row_merge"),
    path("nhap/<int:pk>/luu/", import_views.import_confirm, name="plan_import_confirm"),
    path("nhap/<int:pk>/huy/", import_views.import_discard, name="plan_import_discard"),
    path("nhap/<int:pk>/phien-ban-moi/", import_views.import_version, name="plan_import_version"),
]
