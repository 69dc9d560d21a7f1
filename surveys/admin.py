from django.contrib import admin

from .models import Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "kind", "audience", "opens_on", "closes_on", "state", "anonymous"]
    list_filter = ["kind", "state", "institution"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        # Once published, a survey's promise of anonymity (and its questions' meaning) cannot change.
        if obj is not None and obj.state != Survey.State.DRAFT:
            return ["anonymous", "state", "audience", "kind"]
        return ["state"]

    # Responses, answers and participations are deliberately not in the admin: the answers of an
    # anonymous survey are read only through the results page and exports, which suppress small groups.
