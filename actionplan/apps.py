from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "Action plan"

    def ready(self):
        # Every app registers the success measures its data can compute in its metrics.py.
        autodiscover_modules("metrics")
