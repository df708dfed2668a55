from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="kpi_index"),
    path("xep-hang/", views.ranking, name="kpi_ranking"),
    path("nhap/", views.upload, name="kpi_upload"),
    path("nhap/<int:pk>/", views.upload_run, name="kpi_upload_run"),
    path("nhiem-vu/<int:pk>/", views.task_measure, name="kpi_task_measure"),
    path("co-quan/<str:code>/", views.dashboard, name="kpi_dashboard"),
    path("co-quan/<str:code>/ho-so/", views.dossier_list, name="kpi_dossiers"),
    path("co-quan/<str:code>/ho-so/<str:dossier>/thu-xin-loi.docx", views.apology_letter, name="kpi_apology_docx"),
    path("co-quan/<str:code>/ho-so/<str:dossier>/thu-xin-loi/", views.apology_record, name="kpi_apology_record"),
]
