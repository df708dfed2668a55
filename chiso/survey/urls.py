from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="survey_index"),
    path("xep-hang/", views.ranking, name="survey_ranking"),
    path("phieu/", views.questionnaires, name="survey_questionnaires"),
    path("phieu/<int:pk>/", views.questionnaire, name="survey_questionnaire"),
    path("phieu/<int:pk>/<str:verb>/", views.questionnaire_action, name="survey_questionnaire_action"),
    path("nhiem-vu/<int:pk>/", views.decide_target, name="survey_decide_target"),
    path("co-quan/<str:code>/", views.dashboard, name="survey_dashboard"),
    path("co-quan/<str:code>/gop-y/", views.comments, name="survey_comments"),
    path("co-quan/<str:code>/quay/", views.counters, name="survey_counters"),
    path("co-quan/<str:code>/ma-qr.pdf", views.poster_pdf, name="survey_poster"),
    path("co-quan/<str:code>/phieu-giay/", views.paper_entry, name="survey_paper"),
    path("co-quan/<str:code>/nhap-tep/", views.import_answers, name="survey_import"),
]
