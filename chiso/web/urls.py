from django.urls import path

from . import directory, views

urlpatterns = [
    path("", views.home, name="home"),
    path("to-chuc/", directory.agency_list, name="agency_list"),
    path("to-chuc/<str:code>/", directory.agency_detail, name="agency_detail"),
]
