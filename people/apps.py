from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Staff directory"

    def ready(self):
        from .signals import grant_institution_admin_permissions

        post_migrate.connect(grant_institution_admin_permissions, sender=self)
        # Every app's dashboard.py registers its panels and navigation links.
        autodiscover_modules("dashboard")
