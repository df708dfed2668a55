from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chiso.accounts"
    label = "accounts"
