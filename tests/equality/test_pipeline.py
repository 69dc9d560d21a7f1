"""The pipeline report's figures, checked by hand against the data set in conftest.py.

HESA's rules (core.disclosure): counts rounded to the nearest 5 (0, 1, 2 as 0; 3 as 5; 12 as 10);
a rate is hidden where the group's eligible population is under 22.5; where exactly one rate
of a stage is hidden, the smallest shown one is hidden too ("hidden with another").
"""

import pytest

from core.disclosure import SECONDARY_REASON
from equality import selectors

UNDER_23 = "not shown: fewer than 23 people"
NO_ONE = "not shown: no one in the group"

pytestmark = pytest.mark.django_db


def _table(report):
    """{group: [eligible, applied, applied %, offered, offered %, completed, completed %]} as shown."""
    return {
        row.label: [row.eligible.shown] + [figure.shown for cell in row.cells for figure in cell]
        for row in [*report.rows, report.total]
    }


def _report(institution, period, breakdown, source="programmes"):
    start, end = period
    return selectors.pipeline_report(institution=institution, source=source, start=start, end=end, breakdown=breakdown)


def test_by_job_family_the_one_small_family_hides_the_other_familys_rates_too(institution, period, pipeline_data):
    # Eligible: 30 HSO Scientific Officers + 6 RM3 Research Managers = 36 (level 3, the cohort's
    # rule); the SSO manager, HR and the programme manager are not, nor the HSO who left.
    # Scientific Officer: 30 -> 30; applied 12 -> 10 (40%); offered 6 -> 5 (20%); completed 3 -> 5 (10%).
    # Research Management: 6 -> 5; applied 3 -> 5; offered 1 -> 0; completed 0 -> 0; every rate
    # hidden (6 < 22.5), so each SO rate would be recoverable from the total: hidden with it.
    # Total: 36 -> 35; 15 -> 15, 15/36 = 41.7 -> 42%; 7 -> 5, 7/36 = 19.4 -> 19%; 3 -> 5, 3/36 = 8.3 -> 8%.
    table = _table(_report(institution, period, "job_family"))
    assert table == {
        "Research Management": ["5", "5", UNDER_23, "0", UNDER_23, "0", UNDER_23],
        "Scientific Officer": ["30", "10", SECONDARY_REASON, "5", SECONDARY_REASON, "5", SECONDARY_REASON],
        "All staff": ["35", "15", "42%", "5", "19%", "5", "8%"],
    }


def test_by_division_two_small_divisions_are_hidden_and_the_large_one_shown(institution, period, pipeline_data):
    # Cancer Biology: 24 -> 25; applied 10 -> 10, 10/24 = 41.7 -> 42%; offered 5 (3 completed,
    # 1 accepted, 1 withdrew after acceptance: still an offer) -> 5, 5/24 = 20.8 -> 21%;
    # completed 3 -> 5, 3/24 = 12.5 -> 13% (half rounds up).
    # Scientific Services (the RM3s) and Structural Biology: 6 each, every rate hidden; two hidden
    # in each stage, so no second figure needs hiding.
    table = _table(_report(institution, period, "division"))
    assert table == {
        "Cancer Biology": ["25", "10", "42%", "5", "21%", "5", "13%"],
        "Scientific Services": ["5", "5", UNDER_23, "0", UNDER_23, "0", UNDER_23],
        "Structural Biology": ["5", "0", UNDER_23, "0", UNDER_23, "0", UNDER_23],
        "All staff": ["35", "15", "42%", "5", "19%", "5", "8%"],
    }


def test_by_sex_prefer_not_to_say_and_not_declared_are_groups_of_their_own(institution, period, pipeline_data):
    # Female: the 24 in Cancer Biology (as above). Male: the 6 in Structural Biology. Other: no
    # one. Prefer not to say: the 3 RM3s who applied (3 -> 5; 1 offered -> 0). Not declared:
    # the 3 other RM3s (3 -> 5, nobody applied). The Crick technician's "Female" is not counted.
    table = _table(_report(institution, period, "sex"))
    assert table == {
        "Female": ["25", "10", "42%", "5", "21%", "5", "13%"],
        "Male": ["5", "0", UNDER_23, "0", UNDER_23, "0", UNDER_23],
        "Other": ["0", "0", NO_ONE, "0", NO_ONE, "0", NO_ONE],
        "Prefer not to say": ["5", "5", UNDER_23, "0", UNDER_23, "0", UNDER_23],
        "Not declared": ["5", "0", UNDER_23, "0", UNDER_23, "0", UNDER_23],
        "All staff": ["35", "15", "42%", "5", "19%", "5", "8%"],
    }


def test_ethnicity_is_broken_down_by_the_five_ons_groups(institution, period, pipeline_data):
    table = _table(_report(institution, period, "ethnicity"))
    assert list(table) == [
        "Asian or Asian British",
        "Black, Black British, Caribbean or African",
        "Mixed or multiple ethnic groups",
        "White",
        "Other ethnic group",
        "Prefer not to say",
        "Not declared",
        "All staff",
    ]
    assert table["White"] == ["25", "10", "42%", "5", "21%", "5", "13%"]
    assert table["Asian or Asian British"][:2] == ["5", "0"]
    assert table["Not declared"][:2] == ["5", "5"]  # the 6 RM3s gave no ethnicity


def test_the_plain_rows_for_the_report_catalogue_carry_the_same_figures(institution, period, pipeline_data):
    start, end = period
    rows = selectors.pipeline(institution=institution, source="programmes", start=start, end=end, breakdown="division")
    assert rows[0] == {
        "Division": "Cancer Biology",
        "Eligible": 25,
        "Applied": 10,
        "Applied: % of eligible": "42",
        "Offered a place": 5,
        "Offered a place: % of eligible": "21",
        "Completed": 5,
        "Completed: % of eligible": "13",
    }
    assert rows[-1]["Division"] == "All staff" and rows[-1]["Applied: % of eligible"] == "42"
    assert rows[1]["Applied: % of eligible"] == UNDER_23


def test_the_year_before_counts_the_old_cohort_and_the_leaver_who_was_in_post_then(institution, period, pipeline_data):
    from datetime import timedelta

    start, _ = period
    report = _report(institution, (start - timedelta(days=365), start - timedelta(days=1)), "job_family")
    # Only the cohort that opened 400 days ago is in this period: its two applicants completed.
    # Eligible: the 36 level-3 staff (no start dates: in post) and the HSO who left 400 days ago,
    # in post in that period = 37 -> 35. Applied 2 -> 0; completed 2 -> 0; 2/37 = 5.4 -> 5%.
    assert report.total.cells[2][0].population == 2
    assert report.total.eligible.population == 37
    assert [report.total.eligible.shown, report.total.cells[0][0].shown, report.total.cells[2][1].shown] == [
        "35",
        "0",
        "5%",
    ]


def test_an_unknown_breakdown_is_refused(institution, period, pipeline_data):
    with pytest.raises(ValueError):
        _report(institution, period, "sexual_orientation")  # not enabled by the institution


@pytest.mark.parametrize("breakdown", ["job_family", "grade", "division", "sex", "ethnicity", "age_band", "disability"])
def test_no_breakdown_leaves_a_single_hidden_rate_that_the_total_would_give_back(
    institution, period, pipeline_data, breakdown
):
    # With the total's rate shown, one hidden rate in a stage could be worked out from the total
    # and the others; so each stage hides none or at least two (groups of no one hide nothing).
    report = _report(institution, period, breakdown)
    for index in range(len(report.stages)):
        hidden = [row for row in report.rows if row.cells[index][1].hidden and row.eligible.population > 0]
        assert len(hidden) != 1, (breakdown, index, [row.label for row in hidden])
    assert not report.total.cells[0][1].hidden
