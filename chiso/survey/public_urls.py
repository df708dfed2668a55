"""The public survey (under /cong-khai/, no login): see public_views."""

from django.urls import path

from . import public_views

urlpatterns = [
    path("<str:code>/", public_views.survey, name="survey_agency"),
    path("<str:code>/cam-on/", public_views.thanks, name="survey_thanks"),
    path("<str:code>/<slug:slug>/", public_views.survey, name="survey_counter"),
]
