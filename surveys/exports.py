"""CSV and XLSX exports of a survey's responses.

Every cell goes through `core.exports` (a text starting with = + - @, a tab, a carriage return
or a NUL gets a leading apostrophe, so a spreadsheet shows it as text instead of running it).

Anonymity and small groups: exports carry the response's random key, never a person, the
submission day only for a named survey, and the job family only when more than 7 responses
share it (else “Other job families”, the same folding as the results page). A survey with
7 responses or fewer exports nothing but its header (`core.disclosure.too_few`).
"""

import io

from openpyxl import Workbook

from core import disclosure
from core.exports import append_row, csv_response

from . import audiences, selectors
from .models import Question


def _table(survey):
    """Yield the header, then one row per response (answers in question order)."""
    questions = list(survey.questions.all())
    header = ["response"]
    about = not survey.anonymous and audiences.is_about(survey.audience)
    if not survey.anonymous:
        header += ["respondent", "submitted on"]
    if about:
        header.append("about")
    header += ["job family"] + [q.text for q in questions]
    yield header
    responses = list(selectors.response_rows(survey).select_related("respondent__user", "subject__user"))
    if disclosure.too_few(len(responses)):
        return
    shown_families = selectors.shown_families(survey)
    for response in responses:
        by_question: dict = {}
        for answer in response.answers.all():
            by_question.setdefault(answer.question_id, []).append(answer)
        row = [str(response.pk)]
        if not survey.anonymous:
            row += [str(response.respondent) if response.respondent else "", response.submitted_on.isoformat()]
        if about:
            row.append(str(response.subject) if response.subject else "")
        family = response.job_family_name
        row.append(family if family in shown_families else "Other job families")
        for question in questions:
            answers = by_question.get(question.pk, [])
            if question.kind == Question.Kind.MULTIPLE:
                row.append("; ".join(sorted(a.option for a in answers)))
            elif not answers:
                row.append("")
            else:
                answer = answers[0]
                row.append(answer.option or (answer.number if answer.number is not None else answer.text))
        yield row


def csv_download(survey, *, filename):
    """The streamed CSV download of the survey's responses."""
    return csv_response(_table(survey), filename=filename)


def xlsx_bytes(survey):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    for values in _table(survey):
        append_row(sheet, values)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
