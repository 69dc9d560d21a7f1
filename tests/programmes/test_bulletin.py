"""The opportunities bulletin (1F): every source on one page, filters, the click-counting redirect,
uptake beside clicks for programme managers, the weekly digest, the Atom feed and http(s) links only."""

from datetime import timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from core import metrics, opportunities
from notifications.models import Notification
from programmes import services, tasks
from programmes.models import BulletinClick, BulletinPost, DigestSubscription, Event, Programme
from tests.conftest import client_for
from tests.factories import staff
from tests.programmes.conftest import CohortFactory, EventFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def prize_source():
    """A source as recognition registers its prize deadlines, through the same registry."""

    @opportunities.opportunity_source("tests.prize")
    def prizes(*, user, today):
        return [
            opportunities.Opportunity(
                key="tests.prize:1",
                kind="prize",
                title="Papin Prize nominations",
                summary="For technicians' contribution to research.",
                url="/recognition/prizes/1/",
                deadline=today + timedelta(days=20),
                offered_by="Science Council",
            )
        ]

    yield
    opportunities._sources.pop("tests.prize")


@pytest.fixture
def board(institution, partner, programme_manager):
    """One of each: an open cohort, an external programme, our event, a partner's opened event, a post."""
    today = timezone.localdate()
    ignite = ProgrammeFactory(institution=institution, title="Ignite", summary="Mid-career programme")
    cohort = CohortFactory(programme=ignite, name="2027 intake", closes_on=today + timedelta(days=5))
    herschel = ProgrammeFactory(institution=institution, title="Herschel", kind=Programme.Kind.EXTERNAL)
    CohortFactory(programme=herschel, name="Autumn", closes_on=today + timedelta(days=60))
    talk = EventFactory(institution=institution, title="Careers evening")
    crick = EventFactory(institution=partner, title="Crick imaging day", audience=Event.Audience.PARTNERS)
    EventFactory(institution=partner, title="Crick internal seminar")  # not opened: never shown
    post = BulletinPost.objects.create(
        institution=institution,
        kind=BulletinPost.Kind.POST,
        title="Senior technician, flow cytometry",
        summary="A permanent post.",
        url="https://jobs.example.org/123",
        deadline=today + timedelta(days=10),
    )
    BulletinPost.objects.create(
        institution=institution,
        title="Expired call",
        summary="Closed.",
        url="https://old.example.org",
        deadline=today - timedelta(days=1),
    )
    return {"cohort": cohort, "talk": talk, "crick": crick, "post": post}


def _titles(response):
    return [o.title for o, _ in response.context["opportunities"]]


def test_the_bulletin_shows_programmes_events_prizes_and_posts_together(board, technician, prize_source):
    response = client_for(technician).get(reverse("programmes:bulletin"))
    titles = _titles(response)
    assert set(titles) == {
        "Ignite: 2027 intake",
        "Herschel: Autumn",
        "Careers evening",
        "Crick imaging day",
        "Senior technician, flow cytometry",
        "Papin Prize nominations",
    }
    # Soonest deadline first: the cohort closes in 5 days, the post in 10, the events in 10, the prize in 20.
    assert titles[0] == "Ignite: 2027 intake" and titles[-1] == "Herschel: Autumn"
    page = response.content.decode()
    # Every link goes through the click-counting redirect, never straight out.
    assert 'href="https://jobs.example.org/123"' not in page
    assert reverse("programmes:bulletin_go", args=[f"programmes.post:{board['post'].pk}"]) in page
    assert 'data-testid="traffic"' not in page  # clicks and uptake are for programme managers


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "event"}, {"Careers evening", "Crick imaging day"}),
        ({"kind": "external"}, {"Herschel: Autumn"}),
        ({"audience": "partners"}, {"Crick imaging day"}),
        ({"audience": "external"}, {"Senior technician, flow cytometry"}),
        ({"deadline": "week"}, {"Ignite: 2027 intake"}),
    ],
)
def test_the_bulletin_filters_by_kind_audience_and_deadline(board, technician, filters, expected):
    assert set(_titles(client_for(technician).get(reverse("programmes:bulletin"), filters))) == expected


def test_a_click_counts_once_a_day_per_person_and_opportunity(board, technician, manager):
    key = f"programmes.post:{board['post'].pk}"
    url = reverse("programmes:bulletin_go", args=[key])
    client = client_for(technician)
    first = client.get(url)
    client.get(url)
    client_for(manager).get(url)
    assert first.status_code == 302 and first["Location"] == "https://jobs.example.org/123"
    assert BulletinClick.objects.filter(opportunity=key).count() == 2
    BulletinClick.objects.filter(person=technician).update(day=timezone.localdate() - timedelta(days=1))
    client.get(url)  # a new day counts again
    assert BulletinClick.objects.filter(opportunity=key, person=technician).count() == 2


def test_an_opportunity_the_viewer_may_not_see_is_a_404_and_not_counted(board, technician, partner):
    hidden = EventFactory(institution=partner, title="Crick only")
    for key in (f"programmes.event:{hidden.pk}", "programmes.event:999999", "nonsense"):
        assert client_for(technician).get(reverse("programmes:bulletin_go", args=[key])).status_code == 404
    assert not BulletinClick.objects.exists()


def test_programme_managers_see_clicks_and_uptake_beside_each_opportunity(
    board, programme_manager, technician, institution
):
    cohort_key = f"programmes.cohort:{board['cohort'].pk}"
    for person in (technician, *[staff(institution) for _ in range(2)]):
        client_for(person).get(reverse("programmes:bulletin_go", args=[cohort_key]))
    services.event_register(event=board["talk"], person=technician, by=technician.user)
    response = client_for(programme_manager).get(reverse("programmes:bulletin"))
    traffic = {o.title: (clicks, o.uptake) for o, clicks in response.context["opportunities"]}
    assert traffic["Ignite: 2027 intake"] == (3, 0)
    assert traffic["Careers evening"] == (0, 1)
    assert "3 clicks, 0 applications" in response.content.decode()


def test_clicks_and_uptake_are_measured_per_period(board, institution, technician, manager, partner):
    cohort_key = f"programmes.cohort:{board['cohort'].pk}"
    talk_key = f"programmes.event:{board['talk'].pk}"
    today = timezone.localdate()
    # technician clicks the talk and registers; manager clicks it twice on one day and on another day,
    # and the cohort, but takes neither up; a Crick person's click is Crick's traffic.
    services.bulletin_click_record(person=technician, opportunity=talk_key)
    services.event_register(event=board["talk"], person=technician, by=technician.user)
    services.bulletin_click_record(person=manager, opportunity=talk_key)
    services.bulletin_click_record(person=manager, opportunity=talk_key)
    services.bulletin_click_record(person=manager, opportunity=talk_key, today=today - timedelta(days=1))
    services.bulletin_click_record(person=manager, opportunity=cohort_key)
    services.bulletin_click_record(person=staff(partner), opportunity=talk_key)
    period = {"institution": institution, "start": today - timedelta(days=30), "end": today}

    clicks = metrics.get("programmes.bulletin_clicks")(**period)
    uptake = metrics.get("programmes.bulletin_uptake")(**period)

    assert clicks.value == 4  # technician 1, manager 2 on the talk (two days) and 1 on the cohort
    # pairs clicked: (technician, talk), (manager, talk), (manager, cohort); taken up: 1 of 3
    assert (uptake.value, uptake.numerator, uptake.denominator) == (Decimal("33.3"), 1, 3)


def test_a_non_http_link_is_refused_beside_the_field_and_nothing_saved(programme_manager):
    client = client_for(programme_manager)
    for link in ("javascript:alert(1)", "data:text/html,hi", "ftp://files.example.org/x"):
        response = client.post(
            reverse("programmes:bulletin_post_create"),
            {"kind": "post", "title": "Bad", "summary": "x", "url": link, "shown_from": timezone.localdate()},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["url"]
    # ftp:// is a valid URL to Django, but not a web link: the bulletin's own rule says so.
    assert response.context["form"].errors["url"] == ["Give a web address starting with http:// or https://."]
    assert "Give a web address starting with http:// or https://." in response.content.decode()
    assert not BulletinPost.objects.exists()


def test_a_programme_manager_posts_an_external_programme(programme_manager, technician):
    client_for(programme_manager).post(
        reverse("programmes:bulletin_post_create"),
        {
            "kind": "external_programme",
            "title": "Aurora",
            "summary": "Leadership development for women.",
            "provider": "Advance HE",
            "url": "https://www.advance-he.ac.uk/aurora",
            "shown_from": timezone.localdate(),
        },
    )
    assert "Aurora" in _titles(client_for(technician).get(reverse("programmes:bulletin")))


def test_staff_cannot_post_on_the_bulletin(technician):
    assert client_for(technician).get(reverse("programmes:bulletin_post_create")).status_code == 403


def test_the_weekly_digest_goes_once_a_week_exactly_once(board, technician, manager):
    client_for(technician).post(reverse("programmes:bulletin_digest"), {"weekly": "on"})
    assert DigestSubscription.objects.filter(person=technician).exists()
    tasks.send_bulletin_digests()
    tasks.send_bulletin_digests()  # a second run the same week
    digests = Notification.objects.filter(kind="programmes.bulletin_digest")
    assert [d.recipient for d in digests] == [technician.user]  # the manager did not opt in
    digest = digests.get()
    year, week, _ = timezone.localdate().isocalendar()
    assert digest.idempotency_key == f"programmes.bulletin_digest:{technician.pk}:{year}-W{week:02d}"
    assert digest.link == reverse("programmes:bulletin")
    links = [item["link"] for item in digest.context["items"]]
    assert all("/programmes/bulletin/go/" in link for link in links) and len(links) == 5
    # Next week brings the next one.
    services.digest_send(subscription_id=technician.bulletin_digest.pk, today=timezone.localdate() + timedelta(days=7))
    assert Notification.objects.filter(kind="programmes.bulletin_digest").count() == 2
    # Opting out stops it.
    client_for(technician).post(reverse("programmes:bulletin_digest"), {})
    assert not DigestSubscription.objects.exists()


def test_the_atom_feed_lists_the_bulletin_at_the_private_address(board, technician, client):
    page = client_for(technician).get(reverse("programmes:bulletin"))
    feed_url = page.context["feed_url"]
    response = client.get(feed_url)  # no session: the token is the credential
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    titles = {entry.find(f"{ATOM}title").text for entry in root.iter(f"{ATOM}entry")}
    assert "Crick imaging day" in titles and "Crick internal seminar" not in titles
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")]
    assert all("/programmes/bulletin/go/" in link for link in links)
    assert client.get(reverse("programmes:bulletin_feed", args=["not-a-token"])).status_code == 404


@pytest.mark.parametrize("count", [2, 20])
def test_the_bulletin_keeps_the_same_number_of_queries(
    count, institution, partner, programme_manager, django_assert_max_num_queries
):
    for i in range(count):
        cohort = CohortFactory(programme=ProgrammeFactory(institution=institution))
        EventFactory(institution=institution)
        EventFactory(institution=partner, audience=Event.Audience.PARTNERS)
        BulletinPost.objects.create(
            institution=institution, title=f"Post {i}", summary="x", url=f"https://example.org/{i}"
        )
        services.bulletin_click_record(person=programme_manager, opportunity=f"programmes.cohort:{cohort.pk}")
    client = client_for(programme_manager)
    with django_assert_max_num_queries(17):  # one more: recognition's prize deadlines (its listed prizes)
        response = client.get(reverse("programmes:bulletin"))
    assert len(response.context["opportunities"]) == 4 * count
