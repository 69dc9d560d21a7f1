from django.apps import AppConfig


class ApprenticeshipsConfig(AppConfig):
    name = "apprenticeships"
    verbose_name = "Apprenticeships"

    def ready(self):
        # "Completed the same apprenticeship": a mentoring signal fed by this app's records, so
        # mentoring suggests former apprentices to new ones without importing this app.
        from mentoring.matching import register_signal

        from .matching import FACTS, completed_same_apprenticeship, load_facts

        register_signal(FACTS, completed_same_apprenticeship, load_facts)
