"""A person's own equality answers: declared, changed, withdrawn, seen by them and by named HR only."""

import pytest
from django.contrib import admin
from django.urls import reverse

from core.models import AuditEvent
from equality import services
from equality.models import Declaration, EqualitySettings
from people import roles
from tests.conftest import client_for
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _name_viewers(institution, *viewers, by=None, **ask):
    return services.settings_save(institution=institution, ask=ask, record_viewers=viewers, by=by)


def test_a_technician_declares_changes_and_withdraws_their_answers(technician):
    client = client_for(technician)
    page = client.get(reverse("equality:mine")).content.decode()
    assert "What is your sex?" in page and "Prefer not to say" in page
    assert "What is your religion or belief?" not in page  # not asked unless the institution enables it
    assert "Nobody else" in page

    response = client.post(reverse("equality:mine"), {"sex": "female", "ethnicity": "white_irish", "disability": ""})
    assert response.status_code == 302
    declaration = Declaration.objects.get(person=technician)
    assert (declaration.sex, declaration.ethnicity, declaration.disability, declaration.age_band) == (
        "female",
        "white_irish",
        "",
        "",
    )

    client.post(reverse("equality:mine"), {"sex": "prefer_not_to_say", "ethnicity": "white_irish"})
    declaration.refresh_from_db()
    assert declaration.sex == "prefer_not_to_say"

    confirm = client.get(reverse("equality:withdraw")).content.decode()
    assert "Delete all my answers" in confirm
    client.post(reverse("equality:withdraw"))
    assert not Declaration.objects.filter(person=technician).exists()
    assert "Your equality information is deleted" in client.get(reverse("equality:mine")).content.decode()


def test_an_answer_that_is_not_offered_is_refused_beside_the_field_and_nothing_is_saved(technician):
    response = client_for(technician).post(reverse("equality:mine"), {"sex": "female", "ethnicity": "martian"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Select a valid choice" in page
    assert not Declaration.objects.filter(person=technician).exists()


def test_the_service_refuses_an_answer_to_a_question_the_institution_does_not_ask(technician):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.declaration_save(person=technician, answers={"religion": "buddhist"})
    assert error.value.message_dict == {"religion": ["Your institution does not ask this question."]}
    assert not Declaration.objects.filter(person=technician).exists()


def test_enabling_a_question_asks_it_and_switching_it_off_deletes_its_answers(institution, technician, hr):
    _name_viewers(institution, religion=True)
    assert "What is your religion or belief?" in client_for(technician).get(reverse("equality:mine")).content.decode()
    services.declaration_save(person=technician, answers={"sex": "male", "religion": "buddhist"})
    _name_viewers(institution, religion=False)
    declaration = Declaration.objects.get(person=technician)
    assert (declaration.sex, declaration.religion) == ("male", "")
    event = AuditEvent.objects.filter(kind="equality").latest("pk")
    assert "Answers deleted for: religion" in event.detail


def test_the_administrator_sets_the_questions_and_names_hr_viewers_on_the_settings_page(
    institution, institution_admin, hr, programme_manager
):
    client = client_for(institution_admin)
    page = client.get(reverse("equality:settings")).content.decode()
    assert hr.user.email in page and programme_manager.user.email not in page  # only HR can be named
    response = client.post(reverse("equality:settings"), {"ask_caring": "on", "record_viewers": [hr.pk]})
    assert response.status_code == 302
    settings = EqualitySettings.objects.get(institution=institution)
    assert settings.ask_caring and not settings.ask_religion
    assert list(settings.record_viewers.all()) == [hr]
    event = AuditEvent.objects.get(kind="equality")
    assert event.action == "Changed the equality settings" and str(hr) in event.detail
    # Someone who is not HR cannot be named, even by a made-up post.
    response = client.post(reverse("equality:settings"), {"record_viewers": [programme_manager.pk]})
    assert "Select a valid choice" in response.content.decode()
    assert list(settings.record_viewers.all()) == [hr]


@pytest.mark.parametrize("who", ["technician", "manager", "hr", "programme_manager"])
def test_only_the_administrator_opens_the_settings(request, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("equality:settings"))
    assert response.status_code == 403
    assert "Only the institution&#x27;s administrators" in response.content.decode()


def test_a_named_hr_viewer_looks_up_answers_and_each_look_is_audited(institution, technician, hr):
    services.declaration_save(person=technician, answers={"sex": "female", "disability": "yes"})
    _name_viewers(institution, hr)
    page = client_for(hr).post(reverse("equality:lookup"), {"q": technician.user.email}).content.decode()
    assert "Disability" in page and "<td>Yes</td>" in page and "<td>Female</td>" in page
    event = AuditEvent.objects.get(kind="equality", action__startswith="Looked")
    assert event.action == f"Looked at the equality answers of {technician}"
    assert event.actor == hr.user and event.object_id == str(technician.pk)
    assert "Female" not in event.detail  # the log never holds an answer


def test_hr_not_named_and_every_other_role_are_refused_the_look_up(
    institution, technician, manager, hr, programme_manager, institution_admin
):
    services.declaration_save(person=technician, answers={"sex": "female"})
    _name_viewers(institution, staff(institution, groups=[roles.HR]))
    for who in (hr, manager, programme_manager, institution_admin, technician):
        response = client_for(who).post(reverse("equality:lookup"), {"q": technician.user.email})
        assert response.status_code == 403, who
        assert "Female" not in response.content.decode()
    assert not AuditEvent.objects.filter(kind="equality", action__startswith="Looked").exists()


def test_a_named_viewer_cannot_look_up_someone_at_another_institution(institution, hr, outsider):
    services.declaration_save(person=outsider, answers={"sex": "male"})
    _name_viewers(institution, hr)
    page = client_for(hr).post(reverse("equality:lookup"), {"q": outsider.user.email}).content.decode()
    assert "No one at your institution has this staff number or e-mail address." in page
    assert "Male" not in page


def test_the_person_sees_who_may_look_and_their_answers_are_in_no_admin_list(institution, technician, hr):
    _name_viewers(institution, hr)
    page = client_for(technician).get(reverse("equality:mine")).content.decode()
    assert f"So may {hr} in HR" in page
    assert Declaration not in admin.site._registry
    assert EqualitySettings not in admin.site._registry


def test_the_persons_own_export_holds_their_answers_after_confirming_it_is_them(technician):
    services.declaration_save(person=technician, answers={"sex": "female", "age_band": "25_34"})
    stale = client_for(technician, reauthenticated=False).get(reverse("equality:mine_csv"))
    assert stale.status_code != 200
    response = client_for(technician).get(reverse("equality:mine_csv"))
    content = b"".join(response.streaming_content).decode()
    assert "What is your sex?,Female" in content and "Which age band are you in?,25 to 34" in content
    assert AuditEvent.objects.get(kind="export").action == "Exported my-equality-information.csv"


def test_a_line_manager_never_sees_their_reports_answers(technician, manager):
    services.declaration_save(person=technician, answers={"sex": "female", "ethnicity": "black_african"})
    for url in (reverse("people:profile", args=[technician.pk]), reverse("people:directory")):
        page = client_for(manager).get(url).content.decode()
        assert "Black, Black British" not in page


def test_the_look_up_finds_by_staff_number_and_opening_the_page_alone_records_nothing(institution, technician, hr):
    technician.staff_number = "S01234"
    technician.save(update_fields=["staff_number"])
    _name_viewers(institution, hr)
    client = client_for(hr)
    assert "Staff number or e-mail address" in client.get(reverse("equality:lookup")).content.decode()
    assert not AuditEvent.objects.filter(kind="equality", action__startswith="Looked").exists()
    page = client.post(reverse("equality:lookup"), {"q": "s01234"}).content.decode()
    assert f"{technician} (S01234)" in page and f"{technician} has declared nothing." in page
    assert AuditEvent.objects.get(kind="equality", action__startswith="Looked").detail == "nothing declared"
    empty = client.post(reverse("equality:lookup"), {"q": ""}).content.decode()
    assert "There is a problem" in empty and "This field is required." in empty
