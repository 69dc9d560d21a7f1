"""Events (1D, 2I): partners' staff register and attend, places and the waiting list, endorsement
per kind, the iCalendar file, reminders, and feedback on the survey engine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core import metrics
from notifications.models import Notification
from programmes import services, tasks
from programmes.models import Event, EventKindSetting, Registration, RegistrationTransition
from surveys import services as survey_services
from surveys.models import Invitation, Participation, Response, Survey
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import EventFactory

pytestmark = pytest.mark.django_db
State = Registration.State


def _register(event, person):
    return services.event_register(event=event, person=person, by=person.user)


def _answer_feedback(survey, person, valuable, recommend=4):
    invitation = Invitation.objects.get(survey=survey, person=person)
    questions = {q.theme: q for q in survey.questions.all()}
    return survey_services.survey_answer(
        invitation=invitation, answers={questions["valuable"].pk: valuable, questions["recommend"].pk: recommend}
    )


def test_a_partner_registers_attends_and_their_feedback_counts_towards_valuable(
    institution, partner, programme_manager, technician
):
    # The programme manager opens an event to partner institutions through the form.
    pm = client_for(programme_manager)
    starts = timezone.localtime(timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    response = pm.post(
        reverse("programmes:event_create"),
        {
            "title": "Cryo-EM open day",
            "kind": Event.Kind.WORKSHOP,
            "summary": "Hands-on sample preparation.",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
            "location": "Sutton, Brookes Lawley building",
            "capacity": 40,
            "waiting_list": "on",
            "audience": Event.Audience.PARTNERS,
        },
    )
    event = Event.objects.get(title="Cryo-EM open day")
    assert response.status_code == 302 and event.institution == institution and event.open_to_partners

    # Staff of the partner see it among "other institutions' events opened to us" and register.
    crick_staff = [staff(partner, job_title=f"Crick technician {i}") for i in range(4)]
    listing = client_for(crick_staff[0]).get(reverse("programmes:events"), {"show": "partners"})
    assert "Cryo-EM open day" in listing.content.decode()
    for person in crick_staff:
        client_for(person).post(reverse("programmes:event_register", args=[event.pk]))
    client_for(technician).post(reverse("programmes:event_register", args=[event.pk]))
    assert Registration.objects.filter(event=event, state=State.REGISTERED).count() == 5

    # After the event the organiser records attendance: 4 Crick staff and the ICR technician attended.
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=1, hours=3), ends_at=timezone.now() - timedelta(days=1)
    )
    event.refresh_from_db()
    ids = list(Registration.objects.filter(event=event).values_list("pk", flat=True))
    page = pm.post(reverse("programmes:event_run", args=[event.pk]), {"present": ids})
    assert page.status_code == 302
    assert Registration.objects.filter(event=event, attended=True).count() == 5

    # The feedback survey opened today (the event was yesterday) and invited every attendee.
    survey = Survey.objects.get(audience="event_attendees", audience_ref=event.pk)
    assert survey.kind == Survey.Kind.EVENT_FEEDBACK and survey.anonymous
    assert set(Invitation.objects.filter(survey=survey).values_list("person", flat=True)) == {
        technician.pk,
        *[p.pk for p in crick_staff],
    }
    # A partner answers through the page like anyone else.
    answer_page = client_for(crick_staff[0]).get(reverse("surveys:answer", args=[survey.pk]))
    assert "Attending was valuable to me." in answer_page.content.decode()
    questions = {q.theme: q for q in survey.questions.all()}
    posted = client_for(crick_staff[0]).post(
        reverse("surveys:answer", args=[survey.pk]),
        {f"q{questions['valuable'].pk}": "5", f"q{questions['recommend'].pk}": "4"},
    )
    assert posted.status_code == 302
    # The others: agree (4), strongly agree (5), neither (3), disagree (2): 3 of 5 found it valuable.
    for person, valuable in zip([*crick_staff[1:], technician], [4, 5, 3, 2], strict=True):
        _answer_feedback(survey, person, valuable)

    today = timezone.localdate()
    result = metrics.get("programmes.partner_events_valuable")(
        institution=institution, start=today - timedelta(days=30), end=today
    )
    assert (result.value, result.numerator, result.denominator) == (Decimal("60.0"), 3, 5)
    held = metrics.get("programmes.partner_events")(
        institution=institution, start=today - timedelta(days=30), end=today
    )
    assert held.value == 1
    # The organisers see the same on the event's page.
    run_page = pm.get(reverse("programmes:event_run", args=[event.pk])).content.decode()
    # Five answers are too few to show what they said (core.disclosure: 8 or more).
    assert "5 of 5 attendees answered; results show from 8 answers" in run_page


def test_an_event_not_opened_to_partners_is_a_404_for_partner_staff(institution, partner):
    event = EventFactory(institution=institution, audience=Event.Audience.OWN)
    outsider = staff(partner)
    assert client_for(outsider).get(reverse("programmes:event", args=[event.pk])).status_code == 404
    assert client_for(outsider).post(reverse("programmes:event_register", args=[event.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_a_full_event_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_longest_waiting(
    institution, technician, manager, django_capture_on_commit_callbacks
):
    event = EventFactory(institution=institution, capacity=1)
    first = _register(event, manager)
    later = [staff(institution) for _ in range(2)]
    waiting = [_register(event, person) for person in later]
    assert first.state == State.REGISTERED and [r.state for r in waiting] == [State.WAITLISTED] * 2

    services.registration_cancel(registration=first, by=manager.user)

    for registration in (first, *waiting):
        registration.refresh_from_db()
    assert [first.state, waiting[0].state, waiting[1].state] == [State.CANCELLED, State.REGISTERED, State.WAITLISTED]
    record = RegistrationTransition.objects.get(registration=waiting[0], to_state=State.REGISTERED)
    assert record.by is None and "waiting list" in record.reason
    offered = Notification.objects.get(kind="programmes.event_place_offered")
    assert (
        offered.recipient == later[0].user and offered.idempotency_key == f"programmes.event_place_offered:{record.pk}"
    )


def test_registering_for_a_full_event_without_a_waiting_list_is_refused_and_nothing_saved(institution, technician):
    event = EventFactory(institution=institution, capacity=1, waiting_list=False)
    _register(event, staff(institution))
    page = client_for(technician).post(reverse("programmes:event_register", args=[event.pk]), follow=True)
    assert "is full: all 1 places are taken" in page.content.decode()
    assert not Registration.objects.filter(person=technician).exists()


def test_registering_for_a_past_event_is_refused_with_a_clear_message(institution, technician):
    event = EventFactory(
        institution=institution,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=1),
    )
    with pytest.raises(ValidationError, match="already started; registration is closed"):
        _register(event, technician)
    page = client_for(technician).get(reverse("programmes:event", args=[event.pk])).content.decode()
    assert (
        "already started; registration is closed" in page
        and 'name="csrfmiddlewaretoken"' not in page.split("my-registration")[1].split("</section>")[0]
    )
    assert not Registration.objects.exists()


def test_registering_twice_is_refused(institution, technician):
    event = EventFactory(institution=institution)
    _register(event, technician)
    with pytest.raises(ValidationError, match="already on the list"):
        _register(event, technician)
    assert Registration.objects.filter(person=technician).count() == 1


def test_registering_again_after_cancelling_reuses_the_registration(institution, technician):
    event = EventFactory(institution=institution)
    registration = _register(event, technician)
    services.registration_cancel(registration=registration, by=technician.user)
    again = _register(event, technician)
    assert again.pk == registration.pk and again.state == State.REGISTERED


def test_no_endorsement_is_needed_unless_the_institution_says_so_for_the_kind(institution, technician, manager):
    talk = EventFactory(institution=institution, kind=Event.Kind.TALK)
    workshop = EventFactory(institution=institution, kind=Event.Kind.WORKSHOP)
    EventKindSetting.objects.create(institution=institution, kind=Event.Kind.WORKSHOP, needs_endorsement=True)

    assert _register(talk, technician).state == State.REGISTERED
    waiting = _register(workshop, technician)
    assert waiting.state == State.AWAITING_ENDORSEMENT
    assert Notification.objects.get(kind="programmes.event_endorsement_requested").recipient == manager.user

    # The line manager endorses on the event page; the person takes a place.
    page = client_for(manager).get(reverse("programmes:event", args=[workshop.pk])).content.decode()
    assert "Your team's registrations waiting for you" in page
    client_for(manager).post(
        reverse("programmes:registration_endorse", args=[workshop.pk]),
        {"registration": waiting.pk, "decision": "endorse", "reason": ""},
    )
    waiting.refresh_from_db()
    assert waiting.state == State.REGISTERED


def test_only_the_line_manager_may_endorse_a_registration(institution, technician, manager):
    workshop = EventFactory(institution=institution, kind=Event.Kind.WORKSHOP)
    EventKindSetting.objects.create(institution=institution, kind=Event.Kind.WORKSHOP, needs_endorsement=True)
    waiting = _register(workshop, technician)
    stranger = staff(institution)
    response = client_for(stranger).post(
        reverse("programmes:registration_endorse", args=[workshop.pk]),
        {"registration": waiting.pk, "decision": "endorse"},
    )
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == State.AWAITING_ENDORSEMENT


def test_the_ics_file_describes_the_event(institution, technician):
    starts = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    event = EventFactory(
        institution=institution,
        title="Careers evening",
        online_url="https://teams.example/x",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    response = client_for(technician).get(reverse("programmes:event_ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    entry = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert str(entry["summary"]) == "Careers evening"
    assert entry.decoded("dtstart") == event.starts_at and entry.decoded("dtend") == event.ends_at
    assert str(entry["uid"]) == f"event-{event.pk}@techcareers"
    assert "https://teams.example/x" in str(entry["description"])


def test_attendance_cannot_be_recorded_before_the_event(institution, programme_manager, technician):
    event = EventFactory(institution=institution)
    registration = _register(event, technician)
    with pytest.raises(ValidationError, match="once the event has started"):
        services.event_record_attendance(
            event=event, present_registration_ids=[registration.pk], by=programme_manager.user
        )
    registration.refresh_from_db()
    assert registration.attended is None and not Survey.objects.exists()


def test_the_event_tomorrow_reminder_is_sent_once_even_when_the_job_runs_twice(institution, technician, manager):
    tomorrow = timezone.localtime() + timedelta(days=1)
    event = EventFactory(institution=institution, starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=1))
    _register(event, technician)
    cancelled = _register(event, manager)
    services.registration_cancel(registration=cancelled, by=manager.user)
    tasks.remind_events_tomorrow()
    tasks.remind_events_tomorrow()
    reminders = Notification.objects.filter(kind="programmes.event_tomorrow")
    assert [n.recipient for n in reminders] == [technician.user]


def test_the_feedback_request_goes_out_the_day_after_the_event_and_once(institution, programme_manager, technician):
    from surveys import tasks as survey_tasks

    now = timezone.now()
    event = EventFactory(institution=institution, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=1))
    registration = _register_past(event, technician)
    services.event_record_attendance(event=event, present_registration_ids=[registration.pk], by=programme_manager.user)
    survey = Survey.objects.get(audience_ref=event.pk)
    assert survey.opens_on == timezone.localdate(event.ends_at) + timedelta(days=1)
    assert not Invitation.objects.exists()  # not today: the day after
    sent = survey_services.survey_invite_audience(survey=survey, today=survey.opens_on)
    assert sent == 1
    assert survey_services.survey_invite_audience(survey=survey, today=survey.opens_on) == 0
    assert Notification.objects.filter(kind="surveys.invitation", recipient=technician.user).count() == 1
    assert survey_tasks  # the daily job calls the same service


def _register_past(event, person):
    """A registration made before the event started (the event has started by now)."""
    registration = Registration(event=event, person=person)
    from core.workflow import transition

    transition(registration, State.REGISTERED, by=person.user)
    return registration


def test_feedback_answers_are_anonymous(institution, programme_manager, technician):
    event = EventFactory(
        institution=institution,
        starts_at=timezone.now() - timedelta(days=1, hours=2),
        ends_at=timezone.now() - timedelta(days=1),
    )
    registration = _register_past(event, technician)
    services.event_record_attendance(event=event, present_registration_ids=[registration.pk], by=programme_manager.user)
    survey = Survey.objects.get(audience_ref=event.pk)
    _answer_feedback(survey, technician, 5)
    assert Participation.objects.filter(survey=survey, person=technician).exists()
    assert Response.objects.get(survey=survey).respondent is None


def test_the_organisers_cancel_an_event_and_everyone_registered_or_waiting_is_told_once(
    institution, programme_manager, technician, manager
):
    event = EventFactory(institution=institution, capacity=1)
    _register(event, technician)
    _register(event, manager)  # waiting
    client = client_for(programme_manager)
    refused = client.post(reverse("programmes:event_call_off", args=[event.pk]), {"reason": " "}, follow=True)
    assert "Say why the event is cancelled" in refused.content.decode()
    client.post(reverse("programmes:event_call_off", args=[event.pk]), {"reason": "The speaker is ill."})
    client.post(reverse("programmes:event_call_off", args=[event.pk]), {"reason": "Again."})

    event.refresh_from_db()
    assert event.is_cancelled and event.cancellation_reason == "The speaker is ill."
    assert set(Registration.objects.filter(event=event).values_list("state", flat=True)) == {State.CANCELLED}
    told = Notification.objects.filter(kind="programmes.event_cancelled")
    assert sorted(n.recipient.email for n in told) == sorted([technician.user.email, manager.user.email])
    with pytest.raises(ValidationError, match="cancelled"):
        _register(event, staff(institution))
    tasks.remind_events_tomorrow()
    assert not Notification.objects.filter(kind="programmes.event_tomorrow").exists()


def test_only_the_institutions_programme_managers_cancel_an_event(institution, technician):
    event = EventFactory(institution=institution)
    assert (
        client_for(technician).post(reverse("programmes:event_call_off", args=[event.pk]), {"reason": "No"}).status_code
        == 403
    )
    event.refresh_from_db()
    assert not event.is_cancelled
