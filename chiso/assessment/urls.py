from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="assessment_index"),
    path("dot/mo/", views.open_round, name="assessment_open_round"),
    path("dot/<int:pk>/", views.round_detail, name="assessment_round"),
    path("dot/<int:pk>/cong-bo/", views.publish_round, name="assessment_publish"),
    path("dot/<int:pk>/dieu-tra/", views.import_survey, name="assessment_import_survey"),
    path("xep-hang/", views.ranking_page, name="assessment_ranking"),
    path("xep-hang/nhap-ket-qua/", views.import_results, name="assessment_import_results"),
    path("ho-so/<int:pk>/", views.submission_detail, name="assessment_submission"),
    path("ho-so/<int:pk>/gui/", views.submit, name="assessment_submit"),
    path("ho-so/<int:pk>/duyet/", views.approve, name="assessment_approve"),
    path("ho-so/<int:pk>/tra-lai/", views.send_back, name="assessment_return"),
    path("ho-so/<int:pk>/dong-y-con-lai/", views.accept_pending, name="assessment_accept_pending"),
    path("ho-so/<int:pk>/gui-tham-dinh/", views.send_review, name="assessment_send_review"),
    path("ho-so/<int:pk>/chot/", views.finalize, name="assessment_finalize"),
    path("ho-so/<int:pk>/dieu-tra/", views.survey, name="assessment_survey"),
    path("ho-so/<int:pk>/ho-so-ke-khai/", views.pack_request, name="assessment_pack"),
    path("ho-so/<int:pk>/ho-so-ke-khai/<int:job_id>/tai/", views.pack_download, name="assessment_pack_download"),
    path("tieu-chi/<int:pk>/", views.save_score, name="assessment_save_score"),
    path("tieu-chi/<int:pk>/tai-lieu/", views.add_evidence, name="assessment_add_evidence"),
    path("tieu-chi/<int:pk>/tham-dinh/", views.review_score, name="assessment_review_score"),
    path("tieu-chi/<int:pk>/giai-trinh/", views.answer, name="assessment_answer"),
    path("tieu-chi/<int:pk>/go-tai-lieu/", views.remove_evidence, name="assessment_remove_evidence"),
    path("tai-lieu/<int:pk>/tai/", views.download_evidence, name="assessment_evidence_file"),
    path("du-bao/<str:code>/", views.projection_page, name="assessment_projection"),
    path("du-bao/<str:code>/khung/", views.projection_fragment, name="assessment_projection_fragment"),
]
