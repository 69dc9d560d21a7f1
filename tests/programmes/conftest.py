"""Programme fixtures: an open HSO-level cohort and factories for programmes, cohorts and applications."""

from datetime import timedelta

import factory
import pytest
from django.utils import timezone

from programmes import services
from programmes.models import Application, Cohort, Event, Programme, Session


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme {n}")
    kind = Programme.Kind.DEVELOPMENT
    summary = "A development programme for technicians."


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Intake {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=120))
    capacity = 20
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    selection = Cohort.Selection.SELECTION


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    location = "Chester Beatty Labs, room 2"


def make_application(cohort, applicant, state=Application.State.ENDORSED):
    """An application in the given state, with its transitions recorded as the services would."""
    application = Application.objects.create(
        cohort=cohort,
        applicant=applicant,
        line_manager=applicant.line_manager,
        statement="I want to grow.",
        state=state,
    )
    application.transitions.create(from_state="", to_state=state, reason="test set-up")
    if state == Application.State.WAITLISTED:
        application.waitlisted_at = timezone.now()
        application.save(update_fields=["waitlisted_at"])
    return application


@pytest.fixture
def programme(institution, programme_manager):
    return ProgrammeFactory(institution=institution, title="Ignite", owner=programme_manager)


@pytest.fixture
def cohort(programme, so_family):
    """Open now, for HSO level or equivalent (level 3), selection by the programme manager."""
    return CohortFactory(
        programme=programme, name="Spring intake", min_level=3, max_level=3, eligibility_text="HSO or equivalent"
    )


@pytest.fixture
def submitted(cohort, technician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.application_submit(cohort=cohort, applicant=technician, statement="I want to lead projects.")


@pytest.fixture
def endorsed(submitted, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.application_endorse(application=submitted, by=manager.user)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (notifications) at the end of the block, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    kind = Event.Kind.TALK
    summary = "A talk for technicians."
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    location = "Chester Beatty Labs, lecture theatre"
    capacity = 30


@pytest.fixture
def partner(institution, other_institution):
    """The Crick lists the ICR as a partner and the other way round (RITG partners)."""
    institution.partners.add(other_institution)
    other_institution.partners.add(institution)
    return other_institution


def evaluated(cohort, answers, *, theme="career", today=None):
    """One participant per answer, completing the cohort and answering its evaluation's `theme` question
    ("career" or "valuable"; "performance" for their line managers, one each) Yes or No through the
    survey engine, on `today`. Returns the participants."""
    from surveys import services as survey_services
    from surveys.models import Invitation
    from tests.factories import staff

    institution = cohort.programme.institution
    people = []
    for _ in answers:
        manager = staff(institution) if theme == "performance" else None
        person = staff(institution, line_manager=manager)
        make_application(cohort, person, Application.State.COMPLETED)
        people.append(person)
    surveys = services.cohort_evaluation_surveys(cohort=cohort, today=today)  # opens on `today` if new
    survey = surveys[1] if theme == "performance" else surveys[0]
    question = survey.questions.get(theme=theme)
    for person, answer in zip(people, answers, strict=True):
        if theme == "performance":
            invitation = Invitation.objects.get(survey=survey, person=person.line_manager, subject=person)
        else:
            invitation = Invitation.objects.get(survey=survey, person=person)
        survey_services.survey_answer(
            invitation=invitation, answers={question.pk: "Yes" if answer else "No"}, today=today
        )
    return people
