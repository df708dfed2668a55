from django.urls import path

from . import views

urlpatterns = [
    path("", views.framework_list, name="framework_list"),
    path("nhap-xlsx/", views.framework_import, name="framework_import"),
    path("<int:pk>/", views.framework_detail, name="framework_detail"),
    path("<int:pk>/xlsx/", views.framework_export, name="framework_export"),
    path("<int:pk>/sao-chep/", views.framework_copy, name="framework_copy"),
]
