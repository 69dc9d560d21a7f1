from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Staff directory"

    def ready(self):
        # Every app's dashboard.py registers its panels and navigation links.
        autodiscover_modules("dashboard")
