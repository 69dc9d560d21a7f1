"""The public pathway, the map, my next step, the self-assessment with its review, the plan with
its PDF, and the readiness page; query counts pinned at two sizes."""

import base64
import re
import shutil
import subprocess
import zlib
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from pathways import services
from pathways.models import AssessmentTransition, Goal, Plan, PlanTransition, SelfAssessment
from promotions import services as promotions
from promotions.models import Qualification
from tests.conftest import client_for
from tests.factories import staff
from tests.pathways.conftest import rate_all

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    """The text a reportlab PDF shows, line by line: its page streams inflated, the strings of each line joined."""
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        stream = stream.strip()
        try:  # reportlab writes ASCII85 over Flate
            raw = base64.a85decode(stream[:-2]) if stream.endswith(b"~>") else stream
            page = zlib.decompress(raw).decode("latin-1")
        except (ValueError, zlib.error):
            continue
        for block in re.findall(r"BT(.*?)ET", page, re.S):
            lines.append("".join(re.findall(r"\((.*?)(?<!\\)\) Tj", block)))
    return "\n".join(lines)


def _reviewed(technician, manager, framework, levels):
    assessment = services.assessment_start(person=technician, version=framework, by=technician.user)
    rate_all(assessment, technician, levels)
    services.assessment_submit(assessment=assessment, by=technician.user)
    views = {r.pk: ("agree", "") for r in assessment.ratings.all()}
    return services.assessment_review(assessment=assessment, by=manager.user, views=views)


def test_the_published_pathway_is_readable_signed_out_with_no_personal_data(client, pathway, technician):
    page = client.get(reverse("pathways:public", args=["icr"])).content.decode()
    assert "Technical career pathways at Institute of Cancer Research" in page
    assert "Senior Scientific Officer (SSO)" in page and "Side route: Core facility management." in page
    assert "Registration that fits:</strong> RSci, IEng" in page
    assert technician.user.last_name not in page and technician.user.email not in page
    assert "you are here" not in page


def test_an_unpublished_pathway_is_not_public(client, pathway, programme_manager):
    services.pathway_update(pathway=pathway, by=programme_manager.user, note="Withdrawn.", published=False)
    assert client.get(reverse("pathways:public", args=["icr"])).status_code == 404


def test_a_programme_managers_edit_is_a_new_version_in_the_history(pathway, programme_manager):
    step = pathway.steps.get(grade__short_name="HSO")
    client = client_for(programme_manager)
    response = client.post(
        reverse("pathways:step_edit", args=[step.pk]),
        {"role_summary": "Runs techniques alone.", "asks": "", "programmes": "Ignite", "registration_fit": "RSci",
         "minimum_days": "7", "note": "HSO minimum raised to 7 days."},
    )  # fmt: skip
    pathway.refresh_from_db()
    assert response.status_code == 302 and pathway.version == 4  # created, route added, published, this edit
    history = client.get(reverse("pathways:history", args=[pathway.pk])).content.decode()
    assert "Version 4: HSO minimum raised to 7 days." in history and "Version 1: First version." in history


def test_a_technician_may_not_edit_a_pathway(pathway, technician):
    step = pathway.steps.first()
    response = client_for(technician).post(reverse("pathways:step_edit", args=[step.pk]), {"role_summary": "x"})
    assert response.status_code == 403


def test_another_institutions_pathway_is_a_404(pathway, outsider):
    assert client_for(outsider).get(reverse("pathways:history", args=[pathway.pk])).status_code == 404


def test_the_map_marks_the_viewers_position_as_a_list(pathway, technician):
    page = client_for(technician).get(reverse("pathways:map")).content.decode()
    assert '<li class="tc-rung tc-here" aria-current="step">' in page
    assert 'Higher Scientific Officer (HSO)\n          <span class="badge text-bg-primary">you are here</span>' in page
    assert "your next step" in page
    assert page.index("Principal Scientific Officer (PSO)") < page.index("Apprentice (APP)")  # highest first


@pytest.mark.parametrize("routes", [1, 6])
def test_the_map_makes_the_same_queries_at_two_sizes(
    pathway, programme_manager, technician, routes, django_assert_max_num_queries
):
    grade = pathway.job_family.grades.get(short_name="SO")
    for n in range(routes - 1):
        services.side_route_add(
            pathway=pathway, from_grade=grade, title=f"Route {n}", description="x", by=programme_manager.user
        )
    client = client_for(technician)
    client.get(reverse("pathways:map"))
    with django_assert_max_num_queries(12):  # 12 at both sizes
        response = client.get(reverse("pathways:map"))
    assert response.content.decode().count("Side route:") == routes


def test_my_next_step_reads_the_sso_criteria_against_my_records(pathway, framework, sso_criteria, technician, manager):
    technician.start_date = timezone.localdate().replace(year=timezone.localdate().year - 2)
    technician.save(update_fields=["start_date"])
    _reviewed(technician, manager, framework, {"TECH": 4, "SAFE": 4})
    client = client_for(technician)
    page = client.get(reverse("pathways:next_step")).content.decode()
    assert "Your next step is <strong>Senior Scientific Officer (SSO)</strong>" in page
    assert "Not yet met:</strong>\n        Qualification: a PhD, or 6 years of relevant experience" in page
    assert "Leadership and planning</strong>: you rated yourself at level 3; the next step asks level 4" in page
    assert "Technical expertise</strong>: you rated" not in page
    assert "A fit for your next step: <strong>RSci or IEng</strong>" in page
    promotions.declaration_save(person=technician, highest_qualification=Qualification.PHD)
    page = client.get(reverse("pathways:next_step")).content.decode()
    assert "Met:</strong>\n        Qualification" in page and "You hold a PhD or other doctorate" in page


@pytest.mark.parametrize("size", [1, 6])
def test_my_next_step_makes_the_same_queries_at_two_sizes(
    pathway, framework, sso_criteria, technician, manager, institution, size, django_assert_max_num_queries
):
    from development.models import TrainingRecord

    _reviewed(technician, manager, framework, {})
    for n in range(size):  # colleagues on the same grade, and the person's own training
        staff(institution, job_family=technician.job_family, grade=technician.grade, line_manager=manager)
        TrainingRecord.objects.create(
            person=technician, title=f"Course {n}", date=timezone.localdate(), days=1, hours=7
        )
    client = client_for(technician)
    client.get(reverse("pathways:next_step"))
    with django_assert_max_num_queries(34):  # 34 at both sizes
        response = client.get(reverse("pathways:next_step"))
    assert response.content.decode().count("the next step asks level 4") == 6


def test_the_self_assessment_goes_to_the_manager_who_agrees_or_asks_to_discuss(
    framework, technician, manager, django_capture_on_commit_callbacks
):
    assessment = services.assessment_start(person=technician, version=framework, by=technician.user)
    rate_all(assessment, technician, {})
    client = client_for(technician)
    data = {"action": "submit"}
    for c in framework.capabilities.all():
        data |= {f"c{c.pk}-level": "3", f"c{c.pk}-evidence": "Trained two students"}
    response = client.post(reverse("pathways:assessment"), data)
    assessment.refresh_from_db()
    assert response.status_code == 302 and assessment.state == SelfAssessment.State.SUBMITTED
    assert Notification.objects.filter(recipient=manager.user, kind="pathways.review_asked").exists()
    ratings = list(assessment.ratings.all())
    review = client_for(manager)
    data = {f"r{r.pk}-view": "agree" for r in ratings} | {f"r{ratings[0].pk}-view": "discuss"}
    page = review.post(reverse("pathways:review_assessment", args=[assessment.pk]), data).content.decode()
    assert "Say what you would like to discuss." in page and "There is a problem" in page
    data[f"r{ratings[0].pk}-note"] = "Let us talk about the imaging course."
    review.post(reverse("pathways:review_assessment", args=[assessment.pk]), data)
    assessment.refresh_from_db()
    assert assessment.state == SelfAssessment.State.DRAFT  # back to the person to discuss
    assert "Let us talk about the imaging course." in client.get(reverse("pathways:assessment")).content.decode()
    assert list(AssessmentTransition.objects.filter(assessment=assessment).values_list("to_state", flat=True)) == [
        "draft", "submitted", "draft"]  # fmt: skip


def test_a_rating_cites_the_persons_own_records_and_the_manager_reads_them(framework, technician, manager):
    from tests.development.conftest import make_record

    make_record(technician, on=date(2026, 3, 4), title="Confocal microscopy masterclass")
    assessment = services.assessment_start(person=technician, version=framework, by=technician.user)
    client = client_for(technician)
    page = client.get(reverse("pathways:assessment")).content.decode()
    assert "Training: Confocal microscopy masterclass (Mar 2026)" in page  # offered as a tick box
    first, *others = list(framework.capabilities.all())
    data = {"action": "submit"}
    for c in framework.capabilities.all():
        data |= {f"c{c.pk}-level": "3", f"c{c.pk}-evidence": "Runs the facility's imaging"}
    # Someone else's record, typed into the request, is refused beside the field and nothing is saved.
    refused = client.post(reverse("pathways:assessment"), data | {f"c{first.pk}-cited": "Registered as CSci"})
    assert "There is a problem" in refused.content.decode() and "not one of the available choices" in (
        refused.content.decode()
    )
    assert not assessment.ratings.exists()
    cited = "Training: Confocal microscopy masterclass (Mar 2026)"
    assert client.post(reverse("pathways:assessment"), data | {f"c{first.pk}-cited": cited}).status_code == 302
    assert assessment.ratings.get(capability=first).cited == [cited]
    assert all(r.cited == [] for r in assessment.ratings.exclude(capability=first))
    review = client_for(manager).get(reverse("pathways:review_assessment", args=[assessment.pk])).content.decode()
    assert "From their records:" in review and cited in review


def test_only_the_line_manager_may_review(framework, technician, institution, outsider):
    assessment = services.assessment_start(person=technician, version=framework, by=technician.user)
    rate_all(assessment, technician, {})
    services.assessment_submit(assessment=assessment, by=technician.user)
    colleague = staff(institution)
    url = reverse("pathways:review_assessment", args=[assessment.pk])
    assert client_for(colleague).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(technician).post(url, {}).status_code == 403


@pytest.mark.parametrize("records", [1, 6])
def test_the_self_assessment_makes_the_same_queries_at_two_sizes(
    framework, technician, manager, pathway, records, django_assert_max_num_queries
):
    from development.models import TrainingRecord

    for n in range(records):
        TrainingRecord.objects.create(
            person=technician, title=f"Course {n}", date=date(2026, 1, 1 + n), days=1, hours=7
        )
    assessment = services.assessment_start(person=technician, version=framework, by=technician.user)
    rate_all(assessment, technician, {})
    client = client_for(technician)
    client.get(reverse("pathways:assessment"))
    with django_assert_max_num_queries(21):  # 21 at both sizes
        page = client.get(reverse("pathways:assessment")).content.decode()
    first = framework.capabilities.first()
    # Each capability offers the person's records to cite, the latest 12 at most.
    assert page.count(f'name="c{first.pk}-cited"') == min(records, 12)


def test_a_plan_is_drafted_agreed_marked_and_exported(framework, technician, manager, tmp_path):
    year = timezone.localdate().year
    client = client_for(technician)
    client.post(reverse("pathways:plan"), {"action": "start"})
    plan = Plan.objects.get(person=technician, year=year)
    teach = framework.capabilities.get(code="TEACH")
    page = client.post(
        reverse("pathways:plan"), {"action": "goal", "title": "Train new starters", "link": "capability"}
    )
    assert "Choose the capability this goal closes the gap in." in page.content.decode()
    client.post(
        reverse("pathways:plan"),
        {"action": "goal", "title": "Train new starters", "link": "capability", "capability": teach.pk},
    )
    client.post(reverse("pathways:plan"), {"action": "goal", "title": "Apply for RSci", "link": "registration"})
    client.post(reverse("pathways:plan_submit", args=[plan.pk]))
    manager_client = client_for(manager)
    manager_client.post(reverse("pathways:review_plan", args=[plan.pk]), {"agree": "1"})
    plan.refresh_from_db()
    assert plan.state == Plan.State.AGREED and plan.agreed_by == manager.user
    goal = plan.goals.get(title="Train new starters")
    client.post(
        reverse("pathways:goal_mark", args=[goal.pk]),
        {f"g{goal.pk}-progress": "under_way", f"g{goal.pk}-note": "First session ran."},
    )
    goal.refresh_from_db()
    assert goal.progress == Goal.Progress.UNDER_WAY and goal.progress_note == "First session ran."
    assert list(PlanTransition.objects.filter(plan=plan).values_list("to_state", flat=True)) == [
        "draft",
        "submitted",
        "agreed",
    ]
    response = client.get(reverse("pathways:plan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(response.content)
    text = _pdf_text(response.content)
    assert f"Personal development plan {year}" in text and "Train new starters" in text
    assert "Under way: First session ran." in text and "Agreed by" in text
    if shutil.which("pdftoppm"):  # poppler-utils, where installed: the page renders as an image
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
        )
        assert (tmp_path / "p-1.png").stat().st_size > 5000
    assert (
        client_for(staff(technician.institution)).get(reverse("pathways:plan_pdf", args=[plan.pk])).status_code == 404
    )


@pytest.mark.parametrize("team", [2, 8])
def test_the_readiness_page_makes_the_same_queries_at_two_sizes(
    framework, manager, institution, so_family, team, django_assert_max_num_queries
):
    hso = so_family.grades.get(short_name="HSO")
    for n in range(team):
        person = staff(institution, job_family=so_family, grade=hso, line_manager=manager)
        _reviewed(
            person,
            manager,
            framework,
            {"LEAD": 4} if n % 2 else {"LEAD": 4, "TECH": 4, "SAFE": 4, "DATA": 4, "TEACH": 4, "COMM": 4},
        )
    client = client_for(manager)
    client.get(reverse("pathways:readiness"))
    with django_assert_max_num_queries(18):  # 18 at both sizes (with what waits for review)
        page = client.get(reverse("pathways:readiness")).content.decode()
    assert "not shown: fewer than 23 people" in page  # a team is too small for a share
    assert "Technical expertise:" in page


def test_a_technician_without_reports_may_not_see_readiness(technician):
    response = client_for(technician).get(reverse("pathways:readiness"))
    assert response.status_code == 403 and "for line managers and programme managers" in response.content.decode()


def test_a_junior_so_gets_the_clearer_signposting(pathway, institution, so_family):
    person = staff(institution, job_family=so_family, grade=so_family.grades.get(short_name="SO"))
    page = client_for(person).get(reverse("pathways:next_step")).content.decode()
    assert "Starting out on the ladder" in page
    assert "Your next step is <strong>Higher Scientific Officer (HSO)</strong>" in page
    assert 'Levy-funded <a href="/apprenticeships/">apprenticeships</a>' in page


def test_an_hso_gets_no_junior_signposting(pathway, technician):
    assert (
        "Starting out on the ladder" not in client_for(technician).get(reverse("pathways:next_step")).content.decode()
    )


def test_a_programme_manager_creates_a_pathway_for_a_job_family_without_one(so_family, programme_manager, institution):
    from tests.factories import GradeFactory, JobFamilyFactory

    family = JobFamilyFactory(institution=institution, name="Biological Services Unit")
    GradeFactory(job_family=family, level=2, short_name="AT", name="Animal Technician")
    client = client_for(programme_manager)
    assert "Create its pathway" in client.get(reverse("pathways:manage")).content.decode()
    client.post(reverse("pathways:pathway_create"), {"family": family.pk})
    pathway = family.pathway
    assert [s.grade.short_name for s in pathway.steps.all()] == ["AT"] and not pathway.published
    assert pathway.versions.get().note == "First version."


def test_the_manager_finds_what_waits_for_their_review_on_the_readiness_page(framework, technician, manager):
    assessment = services.assessment_start(person=technician, version=framework, by=technician.user)
    rate_all(assessment, technician, {})
    services.assessment_submit(assessment=assessment, by=technician.user)
    page = client_for(manager).get(reverse("pathways:readiness")).content.decode()
    assert reverse("pathways:review_assessment", args=[assessment.pk]) in page
    assert f"{technician.user.get_full_name()}'s capability self-assessment" in page


def test_a_goal_links_to_the_persons_own_development_request_and_no_one_elses(framework, technician, institution):
    from tests.development.conftest import make_request

    year = timezone.localdate().year
    plan = services.plan_start(person=technician, year=year, by=technician.user)
    mine = make_request(technician, start=date(year, 12, 1), activity_type="course", title="Imaging course")
    theirs = make_request(staff(institution), start=date(year, 12, 1), activity_type="course", title="Other course")
    client = client_for(technician)
    page = client.post(
        reverse("pathways:plan"),
        {"action": "goal", "title": "Go on the course", "link": "development", "reference": f"development:{theirs.pk}"},
    ).content.decode()
    assert "Select a valid choice." in page and not plan.goals.exists()
    client.post(
        reverse("pathways:plan"),
        {"action": "goal", "title": "Go on the course", "link": "", "reference": f"development:{mine.pk}"},
    )
    goal = plan.goals.get()
    assert goal.link == "development" and goal.reference_label.startswith("Imaging course")
    page = client.get(reverse("pathways:plan")).content.decode()
    assert f'<a href="/development/requests/{mine.pk}/">Imaging course' in page
