from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "chiso.org"
    label = "org"
