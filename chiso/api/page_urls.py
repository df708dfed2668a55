from django.urls import path

from . import views

urlpatterns = [
    path("", views.token_list, name="api_tokens"),
    path("<int:pk>/", views.token_detail, name="api_token"),
    path("<int:pk>/thu-hoi/", views.token_revoke, name="api_token_revoke"),
    path("webhook/", views.delivery_log, name="api_deliveries"),
    path("webhook/<int:pk>/gui-lai/", views.delivery_retry, name="api_delivery_retry"),
]
