"""The plan's pages: who sees what, updates, filters, hand-recorded measures and query counts."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from actionplan.models import ActionItem, MeasureSnapshot, Owner, ProgressUpdate, Status, SuccessMeasure
from actionplan.services import plan_import, progress_update_add
from people import roles
from tests.conftest import _with_totp, client_for

pytestmark = pytest.mark.django_db


def dashboard_url(plan, **query):
    url = reverse("actionplan:dashboard", args=[plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def item(plan, code):
    return ActionItem.objects.get(plan=plan, code=code)


def test_programme_manager_sees_every_action_and_the_counts_by_status(plan, programme_manager):
    progress_update_add(
        item=item(plan, "2H"), author=programme_manager.user, date=timezone.localdate(), narrative="Sent", status="done"
    )

    response = client_for(programme_manager).get(dashboard_url(plan))

    assert response.status_code == 200
    assert len(response.context["items"]) == 26
    counts = {key: count for key, _, count in response.context["status_counts"]}
    assert counts == {"not_started": 25, "on_track": 0, "at_risk": 0, "off_track": 0, "done": 1}
    assert b"2H</strong> Welcome for new SO Grades" in response.content


def test_hr_sees_the_plan_too(plan, hr):
    assert client_for(hr).get(dashboard_url(plan)).status_code == 200


def test_the_plan_is_hidden_from_the_outsider(plan, outsider):
    client = client_for(outsider)
    assert client.get(dashboard_url(plan)).status_code == 404
    assert client.get(reverse("actionplan:item", args=[item(plan, "1A").pk])).status_code == 404
    assert client.get(reverse("actionplan:summary", args=[plan.pk])).status_code == 404


def test_a_technician_gets_no_full_plan_and_no_summary_until_it_is_published(plan, technician):
    client = client_for(technician)
    assert client.get(dashboard_url(plan)).status_code == 404
    assert client.get(reverse("actionplan:summary", args=[plan.pk])).status_code == 404
    assert client.get(reverse("actionplan:index")).status_code == 404

    plan.published = True
    plan.save()

    response = client.get(reverse("actionplan:summary", args=[plan.pk]))
    assert response.status_code == 200
    assert b"Welcome for new SO Grades" in response.content
    assert client.get(reverse("actionplan:index")).url == reverse("actionplan:summary", args=[plan.pk])
    assert client.get(dashboard_url(plan)).status_code == 404


def test_filters_narrow_the_actions_by_pillar_owner_status_aim_and_mit(plan, programme_manager):
    client = client_for(programme_manager)
    pillar = plan.pillars.get(number=3)
    soa = Owner.objects.get(short_name="SOA")
    recognition = plan.pillars.get(aim="recognition")
    r04 = item(plan, "2D").mit_recommendations.get(code="R04")
    item(plan, "4C").__class__.objects.filter(pk=item(plan, "4C").pk).update(status=Status.AT_RISK)

    def codes(**query):
        return [i.code for i in client.get(dashboard_url(plan, **query)).context["items"]]

    assert codes(pillar=pillar.pk) == ["3A", "3B", "3C", "3D"]
    assert codes(owner=soa.pk) == ["2H"]
    assert codes(status="at_risk") == ["4C"]
    assert codes(aim=recognition.pk) == ["2A", "2F", "3A", "3B", "3C", "3D"]
    assert codes(mit=r04.pk) == ["2D", "2E"]


def test_an_owner_updates_their_action_from_my_actions(plan, rdc):
    target = item(plan, "2I")
    client = client_for(rdc)
    page = client.get(reverse("actionplan:mine"))
    assert "2I" in [i.code for i in page.context["items"]]
    assert len(page.context["items"]) == 26  # the RDC is named on every action of the seed plan

    response = client.post(
        reverse("actionplan:my_action_update", args=[target.pk]),
        {
            f"item{target.pk}-date": timezone.localdate().isoformat(),
            f"item{target.pk}-status": "at_risk",
            f"item{target.pk}-narrative": "Only one meeting so far this year.",
            f"item{target.pk}-evidence_link": "https://nexus.example/spm-network",
        },
    )

    assert response.status_code == 302 and response.url == reverse("actionplan:mine")
    target.refresh_from_db()
    assert target.status == "at_risk" and target.last_update_on == timezone.localdate()
    update = ProgressUpdate.objects.get(item=target)
    assert update.author == rdc.user and update.evidence_link == "https://nexus.example/spm-network"


def test_an_owner_cannot_update_an_action_of_a_role_they_do_not_hold(plan, institution, staff_factory):
    soa_holder = staff_factory()
    Owner.objects.get(short_name="SOA").holders.add(soa_holder)
    response = client_for(soa_holder).post(
        reverse("actionplan:item_update", args=[item(plan, "1A").pk]),
        {"date": timezone.localdate().isoformat(), "status": "done", "narrative": "Done"},
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_an_update_dated_in_the_future_is_refused_on_the_form_and_nothing_is_saved(plan, programme_manager):
    target = item(plan, "1A")
    response = client_for(programme_manager).post(
        reverse("actionplan:item_update", args=[target.pk]),
        {"date": (timezone.localdate() + timedelta(days=3)).isoformat(), "status": "done", "narrative": "Soon"},
    )
    assert response.status_code == 400
    assert "An update cannot be dated in the future." in response.content.decode()
    target.refresh_from_db()
    assert target.status == "not_started" and not ProgressUpdate.objects.exists()


def test_the_item_page_shows_its_details_updates_and_a_measure_with_no_data_yet(plan, programme_manager):
    target = item(plan, "4D")
    progress_update_add(
        item=target, author=programme_manager.user, date=plan.start, narrative="Questions drafted", status="on_track"
    )

    response = client_for(programme_manager).get(reverse("actionplan:item", args=[target.pk]))

    text = response.content.decode()
    assert "Carried over from" in text and "2021 Action Plan" in text
    assert "Questions drafted" in text
    assert "R03 Data" in text and "Survey fatigue" in text
    assert "No data yet: nothing recorded from" in text  # surveys.response_rate, no annual survey yet


def test_a_programme_manager_records_a_hand_measured_measure_with_evidence(plan, programme_manager):
    measure = SuccessMeasure.objects.get(item__plan=plan, item__code="1H", position=1)
    url = reverse("actionplan:measure_record", args=[measure.pk])
    client = client_for(programme_manager)

    refused = client.post(url, {"achieved": "true"})
    assert "Say what the evidence is" in refused.content.decode()
    measure.refresh_from_db()
    assert measure.achieved is None

    client.post(url, {"achieved": "true", "evidence_link": "https://nexus.example/so-promotion-guidelines"})

    measure.refresh_from_db()
    assert measure.achieved is True and measure.recorded_by == programme_manager.user
    assert measure.recorded_on == timezone.localdate()


def test_a_technician_cannot_record_a_measure(plan, technician):
    measure = SuccessMeasure.objects.get(item__plan=plan, item__code="1H", position=1)
    response = client_for(technician).post(
        reverse("actionplan:measure_record", args=[measure.pk]), {"achieved": "true", "evidence_note": "x"}
    )
    assert response.status_code == 403


def test_record_now_stores_todays_value_of_every_measure(plan, programme_manager):
    response = client_for(programme_manager).post(reverse("actionplan:snapshots_record", args=[plan.pk]))

    assert response.status_code == 302
    total = SuccessMeasure.objects.filter(item__plan=plan).count()
    assert MeasureSnapshot.objects.filter(date=timezone.localdate()).count() == total
    survey = MeasureSnapshot.objects.get(measure__metric_key="surveys.response_rate")
    assert survey.value is None and survey.status == "no_data"
    assert survey.detail.startswith("No data yet: nothing recorded from")  # computed now, no survey yet


def test_the_dashboard_lists_each_measures_recent_values_and_its_item_page_charts_them(plan, programme_manager):
    measure = SuccessMeasure.objects.get(item__plan=plan, metric_key="exchange.participants")
    for month, value in ((1, 0), (2, 2), (3, 3)):
        MeasureSnapshot.objects.create(
            measure=measure, date=plan.start.replace(month=month), value=value, status="on_track"
        )

    response = client_for(programme_manager).get(dashboard_url(plan))

    charts = {c["id"]: c for c in response.context["charts"]}
    assert charts[measure.pk]["values"] == [0.0, 2.0, 3.0]
    assert charts[measure.pk]["target"] == 4.0
    assert "0 → 2 → 3" in response.content.decode()
    item_page = client_for(programme_manager).get(reverse("actionplan:item", args=[measure.item_id])).content.decode()
    assert f'id="chart-{measure.pk}"' in item_page


def _big_plan_text(seed_text, copies):
    data = json.loads(seed_text)
    data["plan"]["title"] = f"Plan with {26 * copies} actions"
    items = []
    for n in range(copies):
        for source in json.loads(seed_text)["items"]:
            items.append({**source, "code": f"{source['code']}{n}" if n else source["code"]})
    data["items"] = items
    return json.dumps(data)


@pytest.mark.parametrize("copies", [1, 10])
def test_the_dashboard_uses_the_same_number_of_queries_for_26_and_260_actions(
    copies, institution, seed_text, programme_manager, django_assert_max_num_queries
):
    plan = plan_import(institution=institution, text=_big_plan_text(seed_text, copies)).plan
    for i in ActionItem.objects.filter(plan=plan)[:20]:
        progress_update_add(item=i, author=programme_manager.user, date=plan.start, narrative="x", status="at_risk")
    client = client_for(programme_manager)
    client.get(dashboard_url(plan))  # warm the session and permission caches

    # 31 measured at both sizes: 18 for the page, and the queries of the metrics the seed plan's
    # measures use, run once per metric and window however many measures share it (the values
    # are computed live for the day since the dashboard stopped reading a month-old snapshot; it
    # read 18 before that). 1D's "found attendance valuable" reads event feedback from the
    # survey engine beside the older yes/no answers: one query more per window (issue 14); 2F's
    # promotions.updates_published one more (issue 12), 3D's recognition.prize_nominees one more (13),
    # and 1C/4C's apprenticeships measures two more (10), now that they are computed.
    with django_assert_max_num_queries(36):
        response = client.get(dashboard_url(plan))

    assert len(response.context["items"]) == 26 * copies


def test_the_home_dashboard_shows_managers_the_plan_counts_and_owners_their_actions(plan, programme_manager, rdc):
    progress_update_add(
        item=item(plan, "4C"), author=programme_manager.user, date=timezone.localdate(), narrative="x", status="at_risk"
    )
    manager_home = client_for(programme_manager).get("/")
    overview = next(p for p in manager_home.context["panels"] if p.title == "Action plan")
    assert ("at_risk", "At risk", 1) in overview.context["counts"]
    assert len(overview.context["overdue"]) == 25  # every action but 4C has never been updated
    assert b'href="/action-plan/"' in manager_home.content

    owner_home = client_for(rdc).get("/")
    mine = next(p for p in owner_home.context["panels"] if p.title == "My actions")
    assert len(mine.context["items"]) == 26
    assert not any(p.title == "Action plan" for p in owner_home.context["panels"])


def test_the_nav_link_is_shown_to_technicians_only_once_the_plan_is_published(plan, technician):
    client = client_for(technician)
    assert b'href="/action-plan/"' not in client.get("/").content
    plan.published = True
    plan.save()
    assert b'href="/action-plan/"' in client.get("/").content


@pytest.mark.parametrize("copies", [1, 10])
def test_my_actions_and_the_summary_use_the_same_number_of_queries_for_26_and_260_actions(
    copies, institution, seed_text, staff_factory, django_assert_max_num_queries
):
    plan = plan_import(institution=institution, text=_big_plan_text(seed_text, copies)).plan
    plan.published = True
    plan.save()
    holder = staff_factory()
    Owner.objects.get(institution=institution, short_name="RDC").holders.add(holder)
    client = client_for(holder)
    client.get("/")  # warm the session

    with django_assert_max_num_queries(12):  # 10 measured
        mine = client.get(reverse("actionplan:mine"))
    # 28 measured at both sizes: 14 for the page and 14 for the metrics, computed live (see above),
    # 2F's promotions.updates_published, 3D's recognition.prize_nominees and 1C/4C's apprenticeships
    # measures included.
    with django_assert_max_num_queries(32):
        summary = client.get(reverse("actionplan:summary", args=[plan.pk]))

    assert len(mine.context["items"]) == 26 * copies
    assert summary.content.decode().count('class="list-group-item"') == 26 * copies


def test_a_programme_manager_names_who_holds_an_owner_role(plan, programme_manager, technician, outsider):
    soa = Owner.objects.get(short_name="SOA")
    client = client_for(programme_manager)
    url = reverse("actionplan:owner_edit", args=[soa.pk])

    refused = client.post(url, {"holders": f"{technician.user.email}\n{outsider.user.email}"})
    assert f"No one at your institution has {outsider.user.email} in TechCareers" in refused.content.decode()
    assert not soa.holders.exists()

    client.post(url, {"holders": f" {technician.user.email.upper()}, "})
    assert list(soa.holders.all()) == [technician]
    page = client.get(url).content.decode()
    assert f"{technician.user.email}</textarea>" in page
    assert [i.code for i in client_for(technician).get(reverse("actionplan:mine")).context["items"]] == ["2H"]
    client.post(url, {"holders": ""})
    assert not soa.holders.exists()


def test_owner_roles_are_managed_only_inside_the_institution(plan, technician, outsider):
    soa = Owner.objects.get(short_name="SOA")
    assert client_for(technician).get(reverse("actionplan:owner_edit", args=[soa.pk])).status_code == 403
    assert client_for(outsider).get(reverse("actionplan:owner_edit", args=[soa.pk])).status_code == 404


def test_a_programme_manager_publishes_the_plan_and_sets_the_reminder_interval(plan, programme_manager):
    client = client_for(programme_manager)
    url = reverse("actionplan:plan_settings", args=[plan.pk])

    client.post(url, {"published": "on", "update_interval_days": "3"})
    plan.refresh_from_db()
    assert (plan.published, plan.update_interval_days) == (False, 30)

    client.post(url, {"published": "on", "update_interval_days": "60"})
    plan.refresh_from_db()
    assert (plan.published, plan.update_interval_days) == (True, 60)


def test_the_tc_submission_is_for_programme_managers_and_hr_of_the_institution(plan, hr, rdc, outsider):
    progress_update_add(
        item=item(plan, "4D"), author=hr.user, date=plan.start, narrative="Survey drafted", status="on_track"
    )
    url = reverse("actionplan:submission", args=[plan.pk])

    page = client_for(hr).get(url)
    sections = {section["label"]: [e["item"].code for e in section["entries"]] for section in page.context["sections"]}
    assert sections["Recognition"] == ["2A", "2F", "3A", "3B", "3C", "3D"]
    assert "Survey drafted" in page.content.decode()
    assert client_for(rdc).get(url).status_code == 403  # owners see the plan, not the submission
    assert client_for(outsider).get(url).status_code == 404


def test_an_owner_sees_the_item_page_and_a_technician_does_not(plan, rdc, technician):
    url = reverse("actionplan:item", args=[item(plan, "2H").pk])
    assert "Add a progress update" in client_for(rdc).get(url).content.decode()
    assert client_for(technician).get(url).status_code == 404


def test_the_owners_page_lists_roles_and_holders_for_managers_only(plan, programme_manager, rdc, outsider):
    url = reverse("actionplan:owners")
    page = client_for(programme_manager).get(url)
    rows = {owner.short_name: [str(h) for h in owner.holders.all()] for owner in page.context["owners"]}
    assert rows["RDC"] == [str(rdc)] and rows["SOA"] == []
    assert client_for(rdc).get(url).status_code == 403

    # A programme manager elsewhere sees their own institution's roles, none of ICR's.
    outsider.user.groups.add(Group.objects.get_or_create(name=roles.PROGRAMME_MANAGER)[0])
    _with_totp(outsider.user)  # programme managers sign in with a second factor
    assert client_for(outsider).get(url).context["owners"] == []
    rdc_role = Owner.objects.get(short_name="RDC")
    assert client_for(outsider).get(reverse("actionplan:owner_edit", args=[rdc_role.pk])).status_code == 404


def test_evidence_files_are_served_only_to_those_who_see_the_plan(
    plan, programme_manager, technician, outsider, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client = client_for(programme_manager)
    target = item(plan, "2A")
    client.post(
        reverse("actionplan:item_update", args=[target.pk]),
        {
            "date": timezone.localdate().isoformat(),
            "status": "on_track",
            "narrative": "Slides updated",
            "evidence_file": SimpleUploadedFile("slides.txt", b"Research integrity slides v2"),
        },
    )
    update = ProgressUpdate.objects.get(item=target)
    url = reverse("actionplan:update_evidence", args=[update.pk])

    assert b"".join(client.get(url).streaming_content) == b"Research integrity slides v2"
    assert url in client.get(reverse("actionplan:item", args=[target.pk])).content.decode()
    assert client_for(technician).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
