"""Background work: the daily invitations and the one reminder before a survey closes."""

from django.utils import timezone

from core.jobs import fan_out, retrying_task
from core.tenancy import across_institutions, in_institution

from . import selectors, services
from .models import Invitation, Survey


@retrying_task
def send_survey_invitations():
    """Daily (beat): send each open survey its own invitation task; returns how many surveys.

    This is also how a leaver gets the leaver questionnaire: the standing leaver survey's
    audience is everyone with a leaving date recorded (no hook in people's services), and new
    SOs get their survey in their first months the same way.
    """
    with across_institutions():
        due = selectors.surveys_open()
    return fan_out(invite_survey_audience, due)


@retrying_task
def invite_survey_audience(survey_id):
    """Invite the survey's audience members not yet invited. Returns the number invited."""
    with across_institutions():
        survey = Survey.objects.select_related("institution").get(pk=survey_id)
    with in_institution(survey.institution_id):
        return services.survey_invite_audience(survey=survey)


@retrying_task
def send_survey_reminders():
    """Daily (beat): one task per invitation due its single reminder."""
    with across_institutions():
        due = selectors.reminders_due()
    return fan_out(remind_invitation, due)


@retrying_task
def remind_invitation(invitation_id):
    with across_institutions():
        invitation = Invitation.objects.select_related("survey", "person__user", "subject__user").get(pk=invitation_id)
    with in_institution(invitation.survey.institution_id):
        return services.invitation_remind(invitation=invitation, today=timezone.localdate())
