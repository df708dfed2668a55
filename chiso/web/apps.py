from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "chiso.web"
    label = "web"
