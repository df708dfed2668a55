from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chiso.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_seen

        user_logged_in.connect(mark_seen, dispatch_uid="accounts_mark_seen")  # the idle clock starts at sign-in
