from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "chiso.frameworks"
    label = "frameworks"
