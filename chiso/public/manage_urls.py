"""The leader's switch of the public page (signed in, on the intranet)."""

from django.urls import path

from . import views

urlpatterns = [path("<str:code>/", views.manage, name="public_manage")]
