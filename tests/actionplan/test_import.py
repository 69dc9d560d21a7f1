"""The seed plan loads faithfully; a bad file is refused whole; importing again changes nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from actionplan.models import ActionItem, ActionPlan, Owner, SuccessMeasure
from actionplan.services import PlanFileError, plan_import

pytestmark = pytest.mark.django_db

# Read independently from the seed document (002_d907821eafce8e48.txt), not from the data file:
# code: (owners, TC aims, MIT recommendations)
CD, VIS, REC, SUS = "career_development", "visibility", "recognition", "sustainability"
CPT = "CPT Programme Manager"
EXPECTED = {
    "1A": ({"RDC", "Chief People Officer"}, {CD}, {"R10"}),
    "1B": ({CPT, "RDC"}, {SUS, CD}, {"R10"}),
    "1C": ({CPT, "RDC"}, {SUS, CD}, {"R09", "R10"}),
    "1D": ({CPT, "RDC"}, {CD}, {"R10", "R15"}),
    "1E": ({"RDC"}, {CD}, {"R10"}),
    "1F": ({"RDC"}, {CD}, {"R10"}),
    "1G": ({"RDC"}, {CD}, {"R10", "R03"}),
    "1H": ({"RDC"}, {CD}, {"R10"}),
    "2A": ({"RDC"}, {REC, VIS}, {"R11", "R10"}),
    "2B": ({"RDC", "Academic Services"}, {VIS}, {"R11"}),
    "2C": ({"RDC", "Academic Services"}, {VIS}, {"R10", "R11"}),
    "2D": ({"RDC", "Academic Services"}, {VIS}, {"R11", "R04"}),
    "2E": ({"RDC", "Academic Services"}, {VIS}, {"R11", "R04"}),
    "2F": ({"RDC"}, {VIS, REC}, {"R11"}),
    "2G": ({"RDC"}, {VIS}, {"R11"}),
    "2H": ({"RDC", "SOA"}, {VIS}, {"R11", "R08"}),
    "2I": ({"RDC"}, {VIS}, {"R11", "R08"}),
    "3A": ({CPT, "RDC"}, {REC}, {"R10"}),
    "3B": ({"RDC"}, {REC}, {"R10", "R03"}),
    "3C": ({CPT, "RDC"}, {REC}, {"R10"}),
    "3D": ({"RDC"}, {REC}, {"R11"}),
    "4A": ({"RDC"}, {SUS, CD}, {"R10", "R09"}),
    "4B": ({"RDC"}, {SUS}, {"R09"}),
    "4C": ({CPT, "RDC"}, {SUS}, {"R07", "R09"}),
    "4D": ({"RDC"}, {SUS}, {"R03"}),
    "4E": ({"RDC"}, {SUS}, {"R03"}),
}
# Measures computed by a metric, with target and unit as the seed words them.
COMPUTED = {
    "1B": [("programmes.participants_benefit", 90, "%"), ("programmes.managers_benefit", 80, "%")],
    "1C": [("apprenticeships.levy_in_progress", 5, "people")],
    "1D": [("programmes.partner_events", 4, "events"), ("programmes.partner_events_valuable", 80, "%")],
    "2F": [("promotions.updates_published", 2, "updates")],
    "2H": [("people.welcome_within_2_months", 100, "%")],
    "2I": [("programmes.network_meetings", 3, "meetings")],
    "3B": [("registration.non_so_applicants", 3, "people")],
    "3C": [("registration.leadership_participants_pursuing", 60, "%")],
    "3D": [("recognition.prize_nominees", 1, "nominees per prize")],
    "4A": [("exchange.participants", 4, "people")],
    "4B": [("programmes.managers_notified_within_3_days", 100, "%")],
    "4C": [("apprenticeships.so_roles_within_3_months", 50, "%")],
    "4D": [("surveys.response_rate", 20, "%")],
}


def test_every_seed_item_loads_with_its_owners_aims_and_mit_recommendations(plan):
    items = ActionItem.objects.filter(plan=plan).prefetch_related("owners", "aims", "mit_recommendations")
    loaded = {
        item.code: (
            {owner.short_name for owner in item.owners.all()},
            {pillar.aim for pillar in item.aims.all()},
            {mit.code for mit in item.mit_recommendations.all()},
        )
        for item in items
    }
    assert loaded == EXPECTED
    assert len(loaded) == 26


def test_each_item_sits_under_the_pillar_its_code_names(plan):
    for item in ActionItem.objects.filter(plan=plan).select_related("pillar"):
        assert item.pillar.number == int(item.code[0])


def test_computed_measures_name_their_metric_target_and_unit(plan):
    computed = {}
    for measure in SuccessMeasure.objects.filter(item__plan=plan).exclude(metric_key="").select_related("item"):
        computed.setdefault(measure.item.code, []).append((measure.metric_key, int(measure.target), measure.unit))
    assert computed == COMPUTED


def test_items_carried_over_from_2021_are_4d_and_4e(plan):
    carried = set(ActionItem.objects.filter(plan=plan).exclude(carried_over_from="").values_list("code", flat=True))
    assert carried == {"4D", "4E"}
    assert ActionItem.objects.get(plan=plan, code="4D").carried_over_from == "2021 Action Plan"


def test_risks_and_descriptions_are_transcribed(plan):
    item = ActionItem.objects.get(plan=plan, code="4C")
    assert "Level 3 Laboratory Technician Apprenticeship Programme (LTAP)" in item.description
    assert item.risks.startswith("Pilot programme, dependant on apprenticeship provider")
    assert plan.start.isoformat() == "2024-01-01" and plan.end.isoformat() == "2026-12-31"


def test_importing_the_same_file_again_creates_and_changes_nothing(institution, seed_text, plan):
    item = ActionItem.objects.get(plan=plan, code="2H")
    item.status = "on_track"  # progress is the portal's, not the file's
    item.save()
    before = (ActionItem.objects.count(), SuccessMeasure.objects.count(), Owner.objects.count())

    from tests.actionplan.conftest import SEED_FILE

    result = plan_import(institution=institution, text=seed_text, source=SEED_FILE.name)

    assert (result.created, result.changed) == (0, 0)
    assert (ActionItem.objects.count(), SuccessMeasure.objects.count(), Owner.objects.count()) == before
    item.refresh_from_db()
    assert item.status == "on_track"


def _broken(seed_text, change):
    data = json.loads(seed_text)
    change(data)
    return json.dumps(data)


def test_a_file_naming_an_unknown_owner_is_refused_naming_item_and_field(institution, seed_text):
    text = _broken(seed_text, lambda d: d["items"][15]["owners"].append("Head of Nowhere"))

    with pytest.raises(PlanFileError, match=r"Item 2H: the field 'owners' names an unknown owner 'Head of Nowhere'"):
        plan_import(institution=institution, text=text)

    assert not ActionPlan.objects.exists() and not ActionItem.objects.exists()


def test_a_bad_target_late_in_the_file_writes_nothing_at_all(institution, seed_text):
    text = _broken(seed_text, lambda d: d["items"][-2]["measures"][0].update(target="twenty"))

    with pytest.raises(PlanFileError, match=r"Item 4D, measure 1: the field 'target' is not a number"):
        plan_import(institution=institution, text=text)

    assert not ActionPlan.objects.exists() and not Owner.objects.exists()


def test_the_command_loads_the_seed_and_refuses_a_bad_file_with_its_message(institution, tmp_path, seed_text):
    from tests.actionplan.conftest import SEED_FILE

    bad = tmp_path / "bad.json"
    bad.write_text(_broken(seed_text, lambda d: d["items"][0].pop("aims")))
    with pytest.raises(CommandError, match=r"nothing was written\. Item 1A: the field 'aims' is missing"):
        call_command("import_action_plan", str(bad), institution=institution.slug)
    assert not ActionItem.objects.exists()

    call_command("import_action_plan", str(SEED_FILE), institution=institution.slug)
    assert ActionItem.objects.filter(plan__institution=institution).count() == 26


def test_a_plan_without_an_end_runs_for_36_months(institution, seed_text):
    text = _broken(seed_text, lambda d: (d["plan"].pop("end"), d["plan"].update(start="2025-03-01")))

    plan = plan_import(institution=institution, text=text).plan

    assert plan.end.isoformat() == "2028-02-29"


TITLES = {
    "1A": "Professional Development Minimum Allowance",
    "1B": "Technical Career Development Programmes (Wellcome Trust Research Culture)",
    "1C": "Encourage uptake of apprenticeship levy funded training for existing staff",
    "1D": "Engagement with the wider Technical community",
    "1E": "Enhanced training provision for Junior SO grades",
    "1F": "Centralised TC Bulletin",
    "1G": "Training Data on Technical Staff",
    "1H": "Ensuring recruitment requirements (e.g. PhD) are necessary where requested",
    "2A": "Authorships and Acknowledgments",
    "2B": "Non journal-based methods of acknowledgement",
    "2C": "Authorships and Acknowledgments Benchmarking",
    "2D": "Enable acknowledgement and authorship record keeping",
    "2E": "Track acknowledgement and authorship data for technicians",
    "2F": "SO Promotions",
    "2G": "Non SO Representation and Support",
    "2H": "Welcome for new SO Grades",
    "2I": "Create a network for Scientific Project Managers",
    "3A": "Enhanced Professional Registration Support",
    "3B": "Professional Registration for non-Scientific Officers i.e. other technical staff",
    "3C": "Professional Registration in Management and Leadership and Development Programmes",
    "3D": "External Prizes",
    "4A": "Internal technician exchange programme pilot – placements",
    "4B": "Support for Managers around SO Promotion and PD Programmes",
    "4C": "Recruit Laboratory Technician Apprentices as future SOs",
    "4D": "Survey on motivation and ambition",
    "4E": "Improve data obtained through leaver questionnaire",
}


def test_every_item_has_its_title_from_the_seed_and_at_least_one_measure(plan):
    items = ActionItem.objects.filter(plan=plan).prefetch_related("measures")
    assert {item.code: item.title for item in items} == TITLES
    assert all(item.measures.all() for item in items)
    assert plan.pillars.get(number=2).statement.startswith("Ensure all technicians within the organisation")
