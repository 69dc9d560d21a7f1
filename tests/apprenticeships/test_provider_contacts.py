"""People who act for a training provider: invited by the programme manager, signed up through the
invitation link (whatever their domain), they see only their provider's apprentices at that
institution and sign their reviews; deactivating them ends their access at once; the programme
manager records the provider's sign-off for them only with a reason; reminders go once per review."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apprenticeships import services, tasks
from apprenticeships.models import Apprenticeship, ProgressReview, Provider, ProviderContact
from core.models import AuditEvent
from notifications.models import Notification
from people.models import User
from tests.apprenticeships.conftest import enrol, provider_contact_at
from tests.apprenticeships.test_queries import grow
from tests.conftest import client_for
from tests.factories import PASSWORD, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def apprenticeship(apprentice, programme_manager, standard, provider, today):
    return enrol(
        apprentice,
        programme_manager,
        standard,
        provider,
        start=today - timedelta(days=200),
        end=today + timedelta(days=500),
        portfolio_link="https://login.onefile.co.uk/learner/123",
    )


@pytest.fixture
def review(apprenticeship, manager, today):
    return services.review_record(
        apprenticeship=apprenticeship, by=manager.user, held_on=today - timedelta(days=5), notes="Good progress."
    )


def invitation_token(contact):
    link = Notification.objects.get(kind="apprenticeships.provider_invited", recipient=contact.user).link
    return link.rstrip("/").rsplit("/", 1)[-1]


def signed_in(email, password=PASSWORD):
    client = Client()
    response = client.post(reverse("account_login"), {"login": email, "password": password})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


# --- Invitation and sign-up ----------------------------------------------------------------------


def test_the_invitation_goes_through_the_outbox_and_its_link_lets_that_address_alone_sign_up(
    programme_manager, provider, apprenticeship
):
    pm = client_for(programme_manager)
    response = pm.post(
        reverse("apprenticeships:provider_contact_invite", args=[provider.pk]),
        {"name": "Dev Patel", "email": "Dev.Patel@southbank-science.example"},
    )
    assert response.status_code == 302
    contact = ProviderContact.objects.get(provider=provider)
    assert contact.email == "dev.patel@southbank-science.example" and contact.status == "Invited, not signed up yet"
    assert not contact.user.is_active and not contact.user.has_usable_password()
    invitation = Notification.objects.get(kind="apprenticeships.provider_invited")
    assert invitation.recipient == contact.user
    assert invitation.idempotency_key == f"apprenticeships.provider_invited:{contact.pk}:1"
    from notifications.services import render

    subject, body = render(invitation)
    assert subject == f"{provider.institution.name} invites you to TechCareers for Southbank Science Skills"
    assert "Dear Dev Patel" in body and invitation.link in body and "only for dev.patel@" in body
    # The address has no institution's domain, and the ordinary sign-up still refuses it.
    refused = Client().post(
        reverse("account_signup"),
        {"first_name": "X", "last_name": "Y", "email": "eve@southbank-science.example", "password1": "x" * 12},
    )
    assert "does not serve this e-mail domain" in refused.content.decode()

    token = invitation_token(contact)
    anonymous = Client()
    page = anonymous.get(reverse("apprenticeships:provider_invitation", args=[token]))
    assert "dev.patel@southbank-science.example" in page.content.decode()
    bad = anonymous.post(
        reverse("apprenticeships:provider_invitation", args=[token]),
        {"first_name": "Dev", "last_name": "Patel", "password1": "12345678", "password2": "12345678"},
    )
    assert bad.status_code == 200 and "entirely numeric" in bad.content.decode()
    contact.refresh_from_db()
    assert contact.accepted_at is None  # nothing half-saved
    done = anonymous.post(
        reverse("apprenticeships:provider_invitation", args=[token]),
        {"first_name": "Dev", "last_name": "Patel", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert done["Location"] == reverse("account_login")
    contact.refresh_from_db()
    assert contact.is_active and contact.user.is_active and contact.token_hash == ""
    assert EmailAddress.objects.get(user=contact.user).verified
    # The link works once.
    assert anonymous.get(reverse("apprenticeships:provider_invitation", args=[token])).status_code == 404

    client = signed_in("dev.patel@southbank-science.example")
    home = client.get("/")
    assert home["Location"] == reverse("apprenticeships:provider_home")
    listed = client.get(home["Location"]).content.decode()
    assert str(apprenticeship.apprentice) in listed
    assert "https://login.onefile.co.uk/learner/123" in listed
    assert AuditEvent.objects.filter(action__startswith="Dev Patel signed up to act for").exists()


def test_an_expired_or_resent_invitation_link_no_longer_works(programme_manager, provider):
    contact = services.provider_contact_invite(
        provider=provider, by=programme_manager.user, name="Dev Patel", email="dev@southbank.example"
    )
    first = invitation_token(contact)
    services.provider_contact_resend(contact=contact, by=programme_manager.user)
    assert Notification.objects.filter(kind="apprenticeships.provider_invited").count() == 2
    assert Client().get(reverse("apprenticeships:provider_invitation", args=[first])).status_code == 404
    latest = Notification.objects.filter(kind="apprenticeships.provider_invited").order_by("-pk")[0]
    second = latest.link.rstrip("/").rsplit("/", 1)[-1]
    assert Client().get(reverse("apprenticeships:provider_invitation", args=[second])).status_code == 200
    ProviderContact.objects.filter(pk=contact.pk).update(invited_at=timezone.now() - timedelta(days=15))
    assert Client().get(reverse("apprenticeships:provider_invitation", args=[second])).status_code == 404


def test_an_invitation_with_bad_input_says_why_beside_the_field_and_saves_nothing(
    programme_manager, provider, technician
):
    pm = client_for(programme_manager)
    url = reverse("apprenticeships:provider_contact_invite", args=[provider.pk])
    response = pm.post(url, {"name": "", "email": "not-an-address"})
    page = response.content.decode()
    assert response.status_code == 200 and "Enter a valid email address" in page and "This field is required" in page
    taken = pm.post(url, {"name": "Someone", "email": "someone@elsewhere.example"})
    assert taken.status_code == 302
    again = pm.post(url, {"name": "Someone", "email": "SOMEONE@elsewhere.example"}).content.decode()
    assert "already has a TechCareers account" in again
    domain = technician.institution.email_domains.first().domain
    staff_address = pm.post(url, {"name": "Priya", "email": f"new.person@{domain}"}).content.decode()
    assert "whose staff sign in as staff" in staff_address
    # Only the one good invitation was saved and sent.
    assert list(ProviderContact.objects.values_list("email", flat=True)) == ["someone@elsewhere.example"]
    assert Notification.objects.filter(kind="apprenticeships.provider_invited").count() == 1


def test_only_a_programme_manager_of_the_institution_invites_or_deactivates(
    technician, manager, provider, provider_contact
):
    for person in (technician, manager):
        client = client_for(person)
        invite = client.post(
            reverse("apprenticeships:provider_contact_invite", args=[provider.pk]),
            {"name": "A", "email": "a@b.example"},
        )
        assert invite.status_code == 403
        assert (
            client.post(reverse("apprenticeships:provider_contact_deactivate", args=[provider_contact.pk])).status_code
            == 403
        )
    provider_contact.refresh_from_db()
    assert provider_contact.is_active and not ProviderContact.objects.filter(email="a@b.example").exists()


def test_the_provider_page_lists_who_acts_for_it_for_the_programme_manager_only(
    programme_manager, technician, provider, provider_contact
):
    page = client_for(programme_manager).get(provider.get_absolute_url()).content.decode()
    assert "dev.patel@southbank.example" in page and "Active since" in page
    assert "dev.patel@southbank.example" not in client_for(technician).get(provider.get_absolute_url()).content.decode()


# --- What someone acting for a provider sees ------------------------------------------------------


def test_they_see_only_their_providers_apprentices_at_that_institution(
    institution, other_institution, division, so_family, manager, programme_manager, standard, provider,
    provider_contact, apprenticeship, review, outsider, today,
):  # fmt: skip
    other_provider = Provider.objects.create(institution=institution, name="Northgate University Apprenticeships")
    someone = staff(institution, division=division, job_family=so_family, line_manager=manager)
    elsewhere = enrol(someone, programme_manager, standard, other_provider)
    elsewhere_review = services.review_record(
        apprenticeship=elsewhere, by=manager.user, held_on=today - timedelta(days=3), notes="Fine."
    )
    # The same provider's name at another institution is another institution's provider.
    abroad = provider_contact_at(other_institution)
    client = client_for(provider_contact.user)
    listed = client.get(reverse("apprenticeships:provider_home")).content.decode()
    assert str(apprenticeship.apprentice) in listed and str(someone) not in listed
    assert "1 to sign" in listed
    page = client.get(reverse("apprenticeships:provider_apprentice", args=[apprenticeship.pk])).content.decode()
    assert "Good progress." in page and "Sign as Southbank Science Skills" in page
    assert client.get(reverse("apprenticeships:provider_apprentice", args=[elsewhere.pk])).status_code == 404
    sign = reverse("apprenticeships:provider_review_sign", args=[elsewhere_review.pk])
    assert client.post(sign, {"notes": "x"}).status_code == 404
    elsewhere_review.refresh_from_db()
    assert elsewhere_review.provider_signed_at is None
    # Staff pages, another apprentice's staff-side page, the programme: not theirs.
    for url in (
        reverse("people:directory"),
        reverse("apprenticeships:home"),
        reverse("apprenticeships:programme"),
        reverse("apprenticeships:reference"),
        apprenticeship.get_absolute_url(),
        reverse("apprenticeships:provider", args=[provider.pk]),
    ):
        assert client.get(url).status_code in (403, 404), url
    # Someone acting for a provider at another institution sees none of this one's.
    foreign = client_for(abroad.user)
    assert str(apprenticeship.apprentice) not in foreign.get(reverse("apprenticeships:provider_home")).content.decode()
    assert foreign.get(reverse("apprenticeships:provider_apprentice", args=[apprenticeship.pk])).status_code == 404
    assert (
        foreign.post(reverse("apprenticeships:provider_review_sign", args=[review.pk]), {"notes": ""}).status_code
        == 404
    )
    # And staff never reach the provider's pages.
    assert client_for(outsider).get(reverse("apprenticeships:provider_home")).status_code == 403
    assert client_for(programme_manager).get(reverse("apprenticeships:provider_home")).status_code == 403


def test_the_navigation_shows_them_only_what_they_can_use(provider_contact, technician):
    page = client_for(provider_contact.user).get(reverse("apprenticeships:provider_home")).content.decode()
    nav = page.split('<nav class="navbar', 1)[1].split("</nav>", 1)[0]
    assert "My apprentices" in nav and "Two-factor authentication" in nav
    # An authenticator app is offered, not required (see the apprenticeships section of ARCHITECTURE.md).
    assert client_for(provider_contact.user).get(reverse("mfa_index")).status_code == 200
    for absent in ("Development", "Programmes", "Staff", "Notifications", "Reminder settings", "My profile"):
        assert absent not in nav, absent
    staff_nav = client_for(technician).get("/").content.decode().split('<nav class="navbar', 1)[1]
    assert "My apprentices" not in staff_nav.split("</nav>", 1)[0]


def test_they_sign_a_review_as_the_provider_with_their_notes(
    provider_contact, apprenticeship, review, programme_manager
):
    client = client_for(provider_contact.user)
    response = client.post(
        reverse("apprenticeships:provider_review_sign", args=[review.pk]),
        {"notes": "Unit 4 evidence accepted in OneFile."},
    )
    assert response["Location"] == reverse("apprenticeships:provider_apprentice", args=[apprenticeship.pk])
    review.refresh_from_db()
    assert review.provider_contact == provider_contact and review.provider_signed_by == "Dev Patel"
    assert review.provider_signed_at is not None and review.provider_recorded_by is None
    assert review.provider_notes == "Unit 4 evidence accepted in OneFile."
    again = client.post(reverse("apprenticeships:provider_review_sign", args=[review.pk]), {"notes": ""}, follow=True)
    assert "already recorded" in again.content.decode()
    staff_side = client_for(programme_manager).get(apprenticeship.get_absolute_url()).content.decode()
    assert "signed by Dev Patel on" in staff_side and "in the portal" in staff_side
    assert "Unit 4 evidence accepted in OneFile." in staff_side


def test_deactivation_ends_their_access_at_once(programme_manager, provider_contact, apprenticeship, review):
    client = client_for(provider_contact.user)
    assert client.get(reverse("apprenticeships:provider_home")).status_code == 200
    response = client_for(programme_manager).post(
        reverse("apprenticeships:provider_contact_deactivate", args=[provider_contact.pk])
    )
    assert response.status_code == 302
    provider_contact.refresh_from_db()
    assert provider_contact.deactivated_at is not None and not User.objects.get(pk=provider_contact.user_id).is_active
    # The session they already had signs nobody in any more.
    gone = client.get(reverse("apprenticeships:provider_home"))
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("apprenticeships:provider_review_sign", args=[review.pk])).status_code == 302
    review.refresh_from_db()
    assert review.provider_signed_at is None
    # Nor can they sign in again.
    refused = Client().post(reverse("account_login"), {"login": provider_contact.email, "password": PASSWORD})
    assert refused["Location"] == "/accounts/inactive/"
    assert not services.selectors.provider_signs_in_portal(provider_contact.provider)
    # With nobody acting for the provider, the programme manager records its sign-off, no reason asked.
    services.review_sign(review=review, by=programme_manager.user, party="provider", provider_signatory="Dev Patel")


# --- The programme manager's side -------------------------------------------------------------------


def test_the_programme_manager_records_the_providers_sign_off_only_with_a_reason(
    programme_manager, provider_contact, apprenticeship, review
):
    pm = client_for(programme_manager)
    page = pm.get(apprenticeship.get_absolute_url()).content.decode()
    assert "waiting for Dev Patel to sign in the portal" in page
    assert "Record the provider's sign-off on their behalf" in page
    url = reverse("apprenticeships:review_sign", args=[review.pk, "provider"])
    refused = pm.post(url, {"provider_signatory": "Dev Patel"}, follow=True).content.decode()
    assert "say why you record their sign-off for them" in refused
    review.refresh_from_db()
    assert review.provider_signed_at is None
    pm.post(url, {"provider_signatory": "Dev Patel", "reason": "Signed on paper at the review."})
    review.refresh_from_db()
    assert review.provider_recorded_by == programme_manager and review.provider_contact is None
    assert review.provider_on_behalf_reason == "Signed on paper at the review."
    page = pm.get(apprenticeship.get_absolute_url()).content.decode()
    assert f"recorded by {programme_manager} on their behalf: <em>Signed on paper at the review.</em>" in page
    assert AuditEvent.objects.filter(action="Provider's sign-off recorded for Dev Patel").exists()
    provider_page = client_for(provider_contact.user).get(
        reverse("apprenticeships:provider_apprentice", args=[apprenticeship.pk])
    )
    assert "Signed on paper at the review." in provider_page.content.decode()


# --- Reminders ------------------------------------------------------------------------------------


def test_a_review_waiting_for_the_provider_reminds_each_active_contact_once(
    institution, provider, provider_contact, apprenticeship, review, manager, programme_manager, today
):
    invited_only = services.provider_contact_invite(
        provider=provider, by=programme_manager.user, name="Sam Lee", email="sam@southbank.example"
    )
    gone = provider_contact_at(institution, provider=provider, email="gone@southbank.example")
    services.provider_contact_deactivate(contact=gone, by=programme_manager.user)
    signed = services.review_record(
        apprenticeship=apprenticeship, by=manager.user, held_on=today - timedelta(days=40), notes="Earlier."
    )
    services.review_sign_as_provider(review=signed, contact=provider_contact)
    tasks.send_reminders()
    tasks.send_reminders()
    rows = Notification.objects.filter(kind="apprenticeships.review_awaits_provider")
    assert [(n.recipient_id, n.idempotency_key) for n in rows] == [
        (provider_contact.user_id, f"apprenticeships.review_awaits_provider:{review.pk}:{provider_contact.pk}")
    ]
    assert rows[0].link == reverse("apprenticeships:provider_apprentice", args=[apprenticeship.pk])
    assert invited_only.user_id not in {n.recipient_id for n in rows}
    # Once signed, nothing more; a new review is asked about once.
    services.review_sign_as_provider(review=review, contact=provider_contact)
    newer = services.review_record(
        apprenticeship=apprenticeship, by=manager.user, held_on=today - timedelta(days=1), notes="Newer."
    )
    tasks.send_reminders()
    tasks.send_reminders()
    keys = sorted(
        Notification.objects.filter(kind="apprenticeships.review_awaits_provider").values_list(
            "idempotency_key", flat=True
        )
    )
    assert keys == sorted(
        f"apprenticeships.review_awaits_provider:{r.pk}:{provider_contact.pk}" for r in (review, newer)
    )


# --- Query counts ------------------------------------------------------------------------------------


def test_their_apprentice_list_keeps_its_query_count_from_5_to_200_apprentices(
    institution, so_family, manager, apprentice, programme_manager, standard, provider, intake, provider_contact,
    django_assert_max_num_queries,
):  # fmt: skip
    intake.places = 200
    intake.save()
    enrol(apprentice, programme_manager, standard, provider, intake=intake)
    client = client_for(provider_contact.user)
    counts = []
    for total in (5, 200):
        grow(institution, so_family, manager, standard, provider, intake, total)
        with django_assert_max_num_queries(6) as captured:
            response = client.get(reverse("apprenticeships:provider_home"))
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="provider-apprentice"') == min(total, 50)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert Apprenticeship.objects.count() == 200 and ProgressReview.objects.count() == 199
