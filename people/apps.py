from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Staff directory"

    def ready(self):
        from .signals import grant_institution_admin_permissions

        post_migrate.connect(grant_institution_admin_permissions, sender=self)

        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_session_on_sign_in

        user_logged_in.connect(stamp_session_on_sign_in, dispatch_uid="people.stamp_session_on_sign_in")
