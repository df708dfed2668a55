from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<int:pk>/", views.open_notification, name="notification_open"),
    path("da-doc/", views.mark_read, name="notification_read"),
]
