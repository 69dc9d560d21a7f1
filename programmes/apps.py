from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self):
        from surveys import audiences

        from . import (
            bulletin,  # noqa: F401  (registers the bulletin's opportunity sources, core.opportunities)
            selectors,
        )

        # Event feedback surveys invite the people recorded as attending the event, partners' staff
        # included (1D, 2I); `audience_ref` is the event's id.
        audiences.register("event_attendees", lambda survey, today: selectors.attendees_of_event(survey.audience_ref))
        # Programme evaluations (1B): the people who completed a cohort, and their line managers,
        # once about each of them; `audience_ref` is the cohort's id.
        audiences.register(
            "cohort_participants", lambda survey, today: selectors.completed_in_cohort(survey.audience_ref, today)
        )
        audiences.register(
            "cohort_managers",
            lambda survey, today: selectors.managers_of_completed(survey.audience_ref, today),
            about=True,
        )
