"""The public pages: mounted under /cong-khai/ (see chiso/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="public_home"),
    path("tinh/<slug:code>/", views.province, name="public_province"),
    path("co-quan/<str:code>/", views.agency_page, name="public_agency"),
]
