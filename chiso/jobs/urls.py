from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.progress, name="job_progress"),
]
