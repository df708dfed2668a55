from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    # first: a citizen's survey answer is the busiest request, and nothing else lives under /cong-khai/
    path("cong-khai/khao-sat/", include("chiso.survey.public_urls")),
    path("cong-khai/", include("chiso.public.urls")),
    path("", include("chiso.web.urls")),
    path("", include("chiso.accounts.urls")),
    path("ke-hoach/", include("chiso.plans.urls")),
    path("bo-chi-so/", include("chiso.frameworks.urls")),
    path("theo-doi/thong-bao/", include("chiso.notifications.urls")),
    path("theo-doi/", include("chiso.tracking.urls")),
    path("bao-cao/", include("chiso.reports.urls")),
    path("chi-so-phuc-vu/", include("chiso.dossiers.urls")),
    path("viec-nen/", include("chiso.jobs.urls")),
    path("danh-gia/", include("chiso.assessment.urls")),
    path("api/v1/", include("chiso.api.urls")),
    path("ket-noi-api/", include("chiso.api.page_urls")),
    path("khao-sat/", include("chiso.survey.urls")),
    path("minh-bach/", include("chiso.public.manage_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("quan-tri/", admin.site.urls),
]
# Under /cong-khai/ the public layout (no link to the login-only home page); elsewhere Django's own views
handler400 = "chiso.public.views.bad_request"
handler404 = "chiso.public.views.page_not_found"
# Uploaded files (evidence, plan documents) are served only through views that check the person's
# permission, whatever the debug setting: /media/ is never a public folder.
