from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "chiso.plans"
    label = "plans"
