from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = "Institutional single sign-on"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from .signals import limit_session_to_provider

        user_logged_in.connect(limit_session_to_provider, dispatch_uid="sso.limit_session_to_provider")
