from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from core import disclosure
from core.access import get_visible_or_404
from core.forms import add_service_errors
from people import roles

from . import exports, rules, selectors, services
from .forms import AnswerForm, QuestionForm, SurveyForm

PAGE_SIZE = 25


# --- Staff: my surveys and answering ----------------------------------------------------------


@login_required
def mine(request):
    profile = roles.require_profile(request.user)
    today = timezone.localdate()
    invitations = list(selectors.invitations_of(profile))
    waiting = [invitation for invitation in invitations if selectors.is_waiting(invitation, today)]
    return render(
        request,
        "surveys/mine.html",
        {"waiting": waiting, "others": [i for i in invitations if i not in waiting], "today": today},
    )


@login_required
def answer(request, pk, subject=None):
    invitation = selectors.get_invitation_for_user(request.user, pk, subject)
    with selectors.answering(invitation):
        return _answer(request, invitation)


def _answer(request, invitation):
    survey = invitation.survey
    questions = list(survey.questions.all())
    answered = selectors.has_answered(invitation)
    today = timezone.localdate()
    closed = not survey.is_open(today) or (invitation.respond_by is not None and invitation.respond_by < today)
    form = AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and not answered and form.is_valid():
        try:
            services.survey_answer(invitation=invitation, answers=form.answers())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Thank you: your answers to “{survey.title}” are recorded.")
            return redirect("surveys:mine")
    elif request.method == "POST" and answered:
        form.add_error(None, services.ALREADY_ANSWERED)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "surveys/answer.html",
        {"survey": survey, "invitation": invitation, "form": form, "answered": answered, "closed": closed},
        status=status,
    )


# --- Programme managers and HR ----------------------------------------------------------------


@login_required
def survey_list(request):
    rules.require_run_surveys(request.user)
    surveys = selectors.surveys_with_rates(selectors.surveys_managed_by(request.user))
    page = Paginator(surveys, PAGE_SIZE).get_page(request.GET.get("page"))
    for survey in page:
        survey.rate = selectors.rate(survey.responded, survey.invited)
    return render(request, "surveys/list.html", {"page_obj": page, "today": timezone.localdate()})


@login_required
def survey_create(request):
    rules.require_run_surveys(request.user)
    institution = request.user.institution
    form = SurveyForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(institution=institution, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Survey created as a draft: add its questions, then publish it.")
            return redirect(survey)
    return render(request, "surveys/create.html", {"form": form})


@login_required
def survey_detail(request, pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    invited, answered = selectors.survey_counts(survey)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "question_form": QuestionForm(),
            "invited": invited,
            "answered": answered,
            "rate": selectors.rate(answered, invited),
        },
    )


@login_required
def question_add(request, pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    rules.require_edit_questions(request.user, survey)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(survey=survey, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question added.")
            return redirect(survey)
    return render(
        request,
        "surveys/question_form.html",
        {"survey": survey, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def question_remove(request, pk, question_pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    rules.require_edit_questions(request.user, survey)
    question = get_visible_or_404(survey.questions.all(), question_pk)
    services.question_remove(question=question)
    messages.success(request, f"Question removed: “{question.text}”.")
    return redirect(survey)


@login_required
@require_POST
def survey_publish(request, pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    try:
        services.survey_publish(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Survey published: invitations go out from the day it opens.")
    return redirect(survey)


@login_required
def results(request, pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    data = selectors.survey_results(survey)
    charts = [
        {
            "id": f"chart-{r.question.pk}",
            "labels": [label for label, _, _ in r.rows],
            "values": [None if n.value is None else int(n.value) for _, n, _ in r.rows],
        }
        for r in data.questions
        if r.rows
    ]
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "results": data, "charts": charts, "rules": disclosure.RULES_IN_WORDS},
    )


@login_required
def export_csv(request, pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    return exports.csv_download(survey, filename=f"{slugify(survey.title)}.csv")


@login_required
def export_xlsx(request, pk):
    survey = selectors.get_survey_for_manager(request.user, pk)
    response = HttpResponse(
        exports.xlsx_bytes(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(survey.title)}.xlsx"'
    return response
