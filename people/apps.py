from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Staff directory"

    def ready(self):
        from .signals import grant_institution_admin_permissions

        post_migrate.connect(grant_institution_admin_permissions, sender=self)
