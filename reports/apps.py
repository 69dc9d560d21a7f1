from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Report catalogue"

    def ready(self):
        # The catalogue's reports register themselves on import.
        from . import library  # noqa: F401
