from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("toan-tinh/", views.rollup, name="rollup_default"),
    path("toan-tinh/<str:period>/", views.rollup, name="rollup"),
    path("toan-tinh/<str:period>/tai/<str:fmt>/", views.rollup_file, name="rollup_file"),
    path("toan-tinh/<str:period>/tai/<str:fmt>/<int:job>/", views.rollup_download, name="rollup_download"),
    path("van-ban/<int:pk>/", views.agency_report, name="agency_report"),
    path("van-ban/<int:pk>/tai/<str:fmt>/", views.download, name="download"),
    path("van-ban/<int:pk>/tai/<str:fmt>/tao/", views.build_file, name="build_file"),
    path("van-ban/<int:pk>/buoc/<str:step>/", views.report_step, name="report_step"),
    path("van-ban/<int:pk>/ban-ky/", views.signed_copy, name="signed_copy"),
    path("<str:code>/", views.calendar, name="calendar"),
    path("<str:code>/lich/<str:kind>/", views.edit_rule, name="edit_rule"),
    path("<str:code>/dot-xuat/", views.new_adhoc, name="new_adhoc"),
    path("<str:code>/<str:period>/", views.period, name="period"),
    path("<str:code>/<str:period>/tong-hop/", views.compile_report, name="compile"),
    path("<str:code>/<str:period>/don-vi/<int:unit_id>/", views.unit_report, name="unit_report"),
]
