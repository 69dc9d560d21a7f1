"""Query counts pinned at two data sizes (the journeys list, the cohort page, the Employer Champion
page, the leadership cohort page, my registration), and who may see what."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes import services as programmes
from registration.models import Journey, Payer
from tests.conftest import client_for
from tests.factories import JobFamilyFactory, staff
from tests.registration.conftest import join, journey_to, pair_registration_mentor

pytestmark = pytest.mark.django_db
State = Journey.State


def _grow(institution, cohort, leadership_cohort, pm, n, workshops):
    """n more participants of each cohort, with journeys in several stages, in two job families."""
    family = JobFamilyFactory(institution=institution)
    supporter = staff(institution)
    mentor = staff(institution)
    for i in range(n):
        person = staff(institution, job_family=family)
        join(cohort, person, pm, workshops, present=bool(i % 2))
        join(leadership_cohort, staff(institution), pm)
        state = [State.INTERESTED, State.PREPARING, State.SUBMITTED, State.REGISTERED][i % 4]
        journey_to(person, state, supporter=supporter, payer=[Payer.PROGRAMME, Payer.GRANT][i % 2])
        if i == 0:
            pair_registration_mentor(staff(institution), mentor, pm.user)


@pytest.fixture
def leadership_cohort(institution):
    today = timezone.localdate()
    programme = programmes.programme_ensure(institution=institution, title="Leaders", kind="leadership", summary="L")
    return programmes.cohort_ensure(
        programme=programme,
        name="Leaders now",
        starts_on=today,
        ends_on=today,
        capacity=100,
        opens_on=today,
        closes_on=today,
    )


PAGES = [
    ("journeys", lambda ctx: reverse("registration:journeys"), "programme_manager", 12),
    (
        "journeys beyond SOA",
        lambda ctx: reverse("registration:journeys") + "?beyond_soa=1&state=preparing",
        "programme_manager",
        12,
    ),
    ("cohort", lambda ctx: reverse("registration:cohort", args=[ctx["cohort"].pk]), "programme_manager", 16),
    ("champion", lambda ctx: reverse("registration:champion"), "hr", 14),
    (
        "leadership cohort",
        lambda ctx: reverse("registration:leadership_cohort", args=[ctx["leaders"].pk]),
        "programme_manager",
        12,
    ),
    ("programme", lambda ctx: reverse("registration:programme"), "programme_manager", 14),
    ("mine", lambda ctx: reverse("registration:mine"), "technician", 14),
]


@pytest.mark.parametrize(("label", "url", "who", "limit"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_keep_their_query_count_as_data_grows(
    label,
    url,
    who,
    limit,
    institution,
    technician,
    hr,
    programme_manager,
    registration_programme,
    leadership_cohort,
    django_assert_max_num_queries,
):
    people = {"technician": technician, "hr": hr, "programme_manager": programme_manager}
    client = client_for(people[who])
    ctx = {"cohort": registration_programme["cohort"], "leaders": leadership_cohort}
    counts = []
    for n in (2, 9):
        _grow(institution, ctx["cohort"], leadership_cohort, programme_manager, n, registration_programme["workshops"])
        journey_to(technician, State.INTERESTED, code=["RSciTech", "CSci"][len(counts)])
        with django_assert_max_num_queries(limit) as captured:
            response = client.get(url(ctx))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_cohort_page_shows_each_participants_journeys_attendance_and_funding(
    institution, programme_manager, registration_programme
):
    cohort, workshops = registration_programme["cohort"], registration_programme["workshops"]
    funded, unfunded, none = (staff(institution) for _ in range(3))
    join(cohort, funded, programme_manager, workshops)
    join(cohort, unfunded, programme_manager, workshops[:1])
    join(cohort, none, programme_manager)
    journey_to(funded, State.SUBMITTED, supporter=programme_manager, payer=Payer.ASSOCIATION)
    journey_to(unfunded, State.PREPARING)
    response = client_for(programme_manager).get(reverse("registration:cohort", args=[cohort.pk]))
    page = response.context["page"]
    rows = {row.application.applicant: row for row in page.participants}
    assert [(rows[p].sessions_attended, rows[p].funded) for p in (funded, unfunded, none)] == [
        (2, True),
        (1, False),
        (0, False),
    ]
    assert page.funded_count == 1
    assert [s.title for s in page.events] == ["Registration day"]
    assert "Fees funded: <strong>1</strong>" in response.content.decode()


def test_the_champion_page_rounds_its_counts(institution, hr, so_family):
    supporter = staff(institution)
    for _ in range(7):
        journey_to(staff(institution, job_family=so_family), State.REGISTERED, supporter=supporter)
    response = client_for(hr).get(reverse("registration:champion"))
    figures = dict(response.context["by_register"])
    assert figures["RSci"].shown == "5"  # 7 rounds to 5
    assert figures["CSci"].shown == "0"
    assert dict(response.context["by_family"])["Scientific Officer"].shown == "5"


def test_a_journey_is_seen_by_the_person_their_supporter_manager_and_programme_manager_only(
    institution, technician, manager, programme_manager, hr, outsider
):
    journey = journey_to(technician, State.SUPPORTER_NAMED)
    colleague = staff(institution)
    for who, status in (
        (technician, 200),
        (manager, 200),
        (programme_manager, 200),
        (hr, 200),
        (colleague, 404),
        (outsider, 404),
    ):
        assert client_for(who).get(journey.get_absolute_url()).status_code == status, who


def test_only_the_supporter_can_agree_and_only_the_person_names_one(technician, manager, programme_manager):
    journey = journey_to(technician, State.SUPPORTER_NAMED)
    assert client_for(programme_manager).post(reverse("registration:agree", args=[journey.pk])).status_code == 403
    assert client_for(manager).get(reverse("registration:supporter", args=[journey.pk])).status_code == 403
    journey.refresh_from_db()
    assert journey.supporter_agreed_on is None


def test_programme_pages_are_for_programme_managers_and_figures_for_hr_too(
    technician, hr, programme_manager, registration_programme
):
    cohort = registration_programme["cohort"]
    for name, args in (
        ("journeys", []),
        ("champion", []),
        ("programme", []),
        ("cohort", [cohort.pk]),
        ("leadership", []),
    ):
        assert client_for(technician).get(reverse(f"registration:{name}", args=args)).status_code in (403, 404), name
    assert client_for(hr).get(reverse("registration:champion")).status_code == 200
    assert client_for(programme_manager).get(reverse("registration:cohort", args=[cohort.pk])).status_code == 200


def test_another_institutions_registration_cohort_is_a_404(
    outsider, other_institution, programme_manager, registration_programme
):
    from people import roles

    their_pm = staff(other_institution, groups=[roles.PROGRAMME_MANAGER])
    url = reverse("registration:cohort", args=[registration_programme["cohort"].pk])
    assert client_for(their_pm).get(url).status_code == 404


def test_the_programme_manager_names_the_registration_programme_from_their_own_programmes(
    institution, other_institution, programme_manager
):
    from registration.models import ProgrammeSettings

    ours = programmes.programme_ensure(institution=institution, title="PR programme", kind="development", summary="x")
    event = programmes.programme_ensure(institution=institution, title="PR day", kind="event", summary="x")
    theirs = programmes.programme_ensure(institution=other_institution, title="Theirs", kind="development", summary="x")
    client = client_for(programme_manager)
    response = client.post(reverse("registration:settings"), {"programme": theirs.pk, "funders": "SOA"})
    assert "programme" in response.context["form"].errors
    assert not ProgrammeSettings.objects.exists()
    response = client.post(
        reverse("registration:settings"), {"programme": ours.pk, "annual_event": event.pk, "funders": "SOA"}
    )
    assert response.url == reverse("registration:programme")
    settings = ProgrammeSettings.objects.get()
    assert (settings.institution, settings.programme, settings.annual_event, settings.funders) == (
        institution,
        ours,
        event,
        "SOA",
    )


def test_a_renewal_moves_the_date_on_and_records_who_pays(technician):
    from datetime import timedelta

    journey = journey_to(technician, State.REGISTERED, supporter=staff(technician.institution))
    client = client_for(technician)
    earlier = journey.renewal_on - timedelta(days=1)
    response = client.post(
        reverse("registration:renewal", args=[journey.pk]),
        {"renewal_on": earlier.isoformat(), "later_years_payer": "person", "grant_name": ""},
    )
    assert response.context["form"].errors["renewal_on"] == [
        f"The next renewal comes after the current one ({journey.renewal_on:%-d %b %Y})."
    ]
    later = journey.renewal_on + timedelta(days=365)
    client.post(
        reverse("registration:renewal", args=[journey.pk]),
        {"renewal_on": later.isoformat(), "later_years_payer": "grant", "grant_name": "Wellcome"},
    )
    journey.refresh_from_db()
    assert (journey.renewal_on, journey.later_years_payer, journey.grant_name) == (later, "grant", "Wellcome")
