"""Issue 16, problem 5: every CSV and XLSX export escapes cells a spreadsheet would run.

The export views are found in the URL conf (a path ending .csv or .xlsx, or naming an export
or a download); each has an entry here that puts a formula in data it exports and checks the
cell comes out escaped. A new export view without an entry fails the suite.
"""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core.exports import FORMULA_STARTS, csv_lines, safe_cell
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","Click")'
EXPORT_PATH = re.compile(r"(\.csv|\.xlsx)$|export|download")


def _export_views():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{pattern.namespace}:" if pattern.namespace else ""
                for path, name in walk(pattern.url_patterns, prefix + str(pattern.pattern)):
                    yield path, namespace + name if name else None
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern.name

    for path, name in walk(get_resolver().url_patterns):
        if path.startswith(("accounts/", "admin/")):
            continue  # allauth's recovery codes (plain text), the Django admin
        if EXPORT_PATH.search(path):
            yield name


def _cells_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        book = openpyxl.load_workbook(io.BytesIO(content))
        return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    return [value for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for value in row]


def _assert_formula_escaped(response):
    assert response.status_code == 200
    cells = _cells_of(response)
    found = []
    for cell in cells:
        value = getattr(cell, "value", cell)
        if isinstance(value, str) and "HYPERLINK" in value:
            found.append(value)
            assert value.startswith("'" + FORMULA), value
            assert getattr(cell, "data_type", "s") != "f"
    assert found, "the formula text is not in the export at all"


# --- One entry per export view: put FORMULA in what it exports, return the response ---------


def records_export(technician, **_):
    from tests.development.conftest import make_record

    make_record(technician, on=timezone.localdate() - timedelta(days=3), title=FORMULA)
    return client_for(technician).get(reverse("development:records_export"))


def _report_data(technician, division):
    from tests.development.conftest import make_record

    division.name = FORMULA
    division.save()
    make_record(technician, on=timezone.localdate() - timedelta(days=3))


def report_csv(technician, division, hr, **_):
    _report_data(technician, division)
    return client_for(hr).get(reverse("development:report_csv"))


def catalogue_report(fmt):
    def check(technician, division, hr, **_):
        _report_data(technician, division)
        return client_for(hr).get(reverse(f"reports:report_{fmt}", args=["training"]))

    return check


def personal_data_export(technician, hr, **_):
    technician.job_title = FORMULA
    technician.save()
    return client_for(hr).get(reverse("people:personal_data_export", args=[technician.pk, "csv"]))


def staff_list_csv(technician, hr, **_):
    technician.user.first_name = FORMULA
    technician.user.save()
    return client_for(hr).get(reverse("people:staff_list_csv"))


def cohort_applicants_csv(technician, programme_manager, capture, **_):
    from programmes.services import application_submit
    from tests.programmes.conftest import CohortFactory

    technician.user.first_name = FORMULA
    technician.user.save()
    cohort = CohortFactory(programme__institution=technician.institution, programme__owner=programme_manager)
    with capture(execute=True):
        application_submit(cohort=cohort, applicant=technician, statement="I want to lead projects.")
    return client_for(programme_manager).get(reverse("programmes:cohort_applicants_csv", args=[cohort.pk]))


def feasibility_csv(technician, programme_manager, division, so_family, **_):
    from exchange.models import ExchangeFeedback, ExchangePlacement, ExchangeRound
    from tests.exchange.conftest import make_offer, placement_in_state
    from tests.factories import DivisionFactory, staff

    today = timezone.localdate()
    exchange_round = ExchangeRound.objects.create(
        institution=technician.institution,
        title="Exchange pilot",
        year=today.year,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
    )
    host = staff(technician.institution, division=DivisionFactory(institution=technician.institution))
    placement = placement_in_state(make_offer(exchange_round, host), technician, ExchangePlacement.State.COMPLETED)
    ExchangeFeedback.objects.create(
        placement=placement, author=technician, role="visitor", rating=4, went_well=FORMULA, reflection="r"
    )
    return client_for(programme_manager).get(reverse("exchange:feasibility_csv", args=[exchange_round.pk]))


def equality_report_csv(technician, division, hr, **_):
    division.name = FORMULA  # a group's label is data an administrator typed
    division.save()
    technician.division = division
    technician.save()
    return client_for(hr).get(reverse("equality:report_csv"), {"source": "development", "breakdown": "division"})


def _actionplan_report(programme_manager, capture, fmt):
    from actionplan.models import ActionItem, SuccessMeasure
    from actionplan.services import plan_import, report_run_start
    from tests.actionplan.conftest import SEED_FILE

    plan = plan_import(
        institution=programme_manager.institution, text=SEED_FILE.read_text(encoding="utf-8"), source="seed"
    ).plan
    # The title is in the TC submission workbook, the measure's wording in the CSV and XLSX.
    ActionItem.objects.filter(plan=plan, code="1E").update(title=FORMULA)
    SuccessMeasure.objects.filter(item__plan=plan, item__code="1E").update(wording=FORMULA)
    with capture(execute=True):
        run = report_run_start(
            plan=plan, by=programme_manager.user, start=plan.start, end=timezone.localdate(), format=fmt
        )
    run.refresh_from_db()
    assert run.status == "done", run.error
    return client_for(programme_manager).get(reverse("actionplan:report_download", args=[run.pk]))


def actionplan_report_submission(programme_manager, capture, **_):
    return _actionplan_report(programme_manager, capture, "submission")


def _survey_export(programme_manager, fmt):
    from surveys import services
    from tests.factories import staff
    from tests.surveys.conftest import answers_for, make_survey

    institution = programme_manager.institution
    people = [staff(institution) for _ in range(8)]  # eight: fewer answers are withheld (core.disclosure)
    survey = make_survey(institution, title="Annual survey")
    services.survey_publish(survey=survey, by=programme_manager.user)
    for person in people:
        invitation = survey.invitations.get(person=person)
        services.survey_answer(invitation=invitation, answers=answers_for(survey, text=FORMULA))
    return client_for(programme_manager).get(reverse(f"surveys:export_{fmt}", args=[survey.pk]))


def survey_export_csv(programme_manager, **_):
    return _survey_export(programme_manager, "csv")


def survey_export_xlsx(programme_manager, **_):
    return _survey_export(programme_manager, "xlsx")


EXPORTS = {
    "development:records_export": records_export,
    "development:report_csv": None,  # moved: redirects to reports:report_csv, checked below
    "programmes:cohort_applicants_csv": cohort_applicants_csv,
    "exchange:feasibility_csv": feasibility_csv,
    "actionplan:report_download": actionplan_report_submission,
    "surveys:export_csv": survey_export_csv,
    "surveys:export_xlsx": survey_export_xlsx,
    "equality:report_csv": equality_report_csv,
    "reports:report_csv": catalogue_report("csv"),
    "reports:report_xlsx": catalogue_report("xlsx"),
    "people:personal_data_export": personal_data_export,
    "people:staff_list_csv": staff_list_csv,
    # The person's own answers: each value is one of the fixed answers of equality/characteristics.py.
    "equality:mine_csv": None,
}


def test_every_export_view_has_an_entry_here():
    found = set(_export_views())
    assert found - set(EXPORTS) == set(), "a new export view: add it to EXPORTS with a formula check"
    assert set(EXPORTS) - found == set(), "an export view that no longer exists"


@pytest.mark.parametrize("name", [name for name, check in EXPORTS.items() if check])
def test_a_formula_in_the_data_comes_out_escaped(
    name, technician, division, hr, programme_manager, so_family, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = EXPORTS[name](
        technician=technician,
        division=division,
        hr=hr,
        programme_manager=programme_manager,
        so_family=so_family,
        capture=django_capture_on_commit_callbacks,
    )
    _assert_formula_escaped(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_action_plan_csv_and_xlsx_reports_escape_formulas(
    fmt, programme_manager, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    _assert_formula_escaped(_actionplan_report(programme_manager, django_capture_on_commit_callbacks, fmt))


def test_no_module_writes_csv_or_sheet_rows_but_core_exports():
    offenders = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        relative = path.relative_to(settings.BASE_DIR).as_posix()
        # bench/ writes COPY input for the benchmark's database, never a file a person opens.
        if relative.startswith((".venv", "tests/", "core/exports.py", "bench/")) or "/migrations/" in relative:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(|sheet\.append\(|\.cell\(.*value=", text):
            offenders.append(relative)
    assert offenders == []


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_each_dangerous_start_is_escaped_and_numbers_are_not(start):
    assert safe_cell(start + "1") == "'" + start + "1"
    assert safe_cell(-3) == -3 and safe_cell(Decimal("-1.5")) == Decimal("-1.5")
    assert next(csv_lines([[start + "x", "plain"]])).startswith(("'" + start, "\"'" + start))
