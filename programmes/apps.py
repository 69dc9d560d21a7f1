from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self):
        # The bulletin's opportunity sources (core.opportunities).
        from surveys import audiences

        from . import bulletin, selectors

        # Event feedback surveys invite the people recorded as attending the event (1D, 2I).
        audiences.register("event_attendees", lambda survey, today: selectors.attendees_of_event(survey.audience_ref))
        assert bulletin.COHORT
