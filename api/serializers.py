"""The shapes of the API's bodies, for the OpenAPI schema and for the answers.

Batches are checked item by item by the owning app's service (so one bad item is named in the
results, not a reason to refuse the batch); these serializers describe the items and check
only the envelope.
"""

from rest_framework import serializers

from development.services import COMPLETIONS_MAX
from people.services_staff_import import STAFF_CHANGES_MAX

from .models import Scope


class TokenSerializer(serializers.Serializer):
    name = serializers.CharField()
    institution = serializers.CharField()
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))
    created_at = serializers.DateTimeField()


class CompletionSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=100, help_text="The learning system's id for the completion; sending it again adds nothing."
    )
    staff_number = serializers.CharField(required=False, help_text="The person's staff number (or give email).")
    email = serializers.EmailField(required=False, help_text="The person's e-mail (or give staff_number).")
    course = serializers.CharField(max_length=200)
    provider = serializers.CharField(
        max_length=200, required=False, help_text="Who ran it; the institution when blank."
    )
    date = serializers.DateField(help_text="The (first) day.")
    completed_on = serializers.DateField(required=False, help_text="The last day, if later.")
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="Hours of learning, above 0.")
    cpd_category = serializers.ChoiceField(
        choices=["work_based", "professional", "formal", "self_directed", "other"], required=False, default="formal"
    )
    activity_type = serializers.ChoiceField(
        choices=["course", "conference", "workshop", "networking", "shadowing", "apprenticeship", "self_directed"],
        required=False,
        default="course",
    )
    delivery = serializers.ChoiceField(choices=["internal", "external"], required=False, default="internal")


class CompletionBatchSerializer(serializers.Serializer):
    completions = serializers.ListField(
        child=serializers.DictField(), min_length=1, max_length=COMPLETIONS_MAX, help_text="Up to 1,000 completions."
    )


class CompletionBatchDocSerializer(serializers.Serializer):
    """The batch as documented (items described field by field)."""

    completions = CompletionSerializer(many=True, max_length=COMPLETIONS_MAX)


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in the batch, from 0.")
    external_id = serializers.CharField(required=False)
    staff_number = serializers.CharField(required=False)
    status = serializers.ChoiceField(
        choices=["created", "unchanged", "refused", "new", "change", "same"],
        help_text="Completions: created, unchanged (already recorded), refused. Staff: new, change, same, refused.",
    )
    record_id = serializers.IntegerField(allow_null=True, required=False)
    profile_id = serializers.IntegerField(allow_null=True, required=False)
    errors = serializers.ListField(child=serializers.CharField(), help_text="Why it was refused, in words.")


class BatchResultSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    results = ItemResultSerializer(many=True)


class StaffPersonSerializer(serializers.Serializer):
    staff_number = serializers.CharField(max_length=30)
    name = serializers.CharField()
    email = serializers.EmailField()
    division = serializers.CharField(help_text="A division's name, as on the portal.")
    job_family = serializers.CharField()
    grade = serializers.CharField(help_text="The grade's short name or name, within the job family.")
    line_manager_staff_number = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False, allow_null=True)
    leaving_date = serializers.DateField(required=False, allow_null=True)
    contract_type = serializers.CharField(required=False, allow_blank=True)


class StaffBatchSerializer(serializers.Serializer):
    people = serializers.ListField(child=serializers.DictField(), min_length=1, max_length=STAFF_CHANGES_MAX)


class StaffBatchDocSerializer(serializers.Serializer):
    people = StaffPersonSerializer(many=True, max_length=STAFF_CHANGES_MAX)


class OpportunitySerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    link = serializers.URLField(help_text="Through the portal's click-counting redirect.")
    audience = serializers.CharField()
    audience_label = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    starts_on = serializers.DateField(allow_null=True)
    offered_by = serializers.CharField()


class OpportunityPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = OpportunitySerializer(many=True)


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    measures = serializers.URLField()


class MeasureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField(help_text="The action's code, e.g. 1G.")
    action_title = serializers.CharField()
    wording = serializers.CharField()
    target = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    unit = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, help_text="Null when none yet or hidden by disclosure."
    )
    status = serializers.CharField()
    status_label = serializers.CharField()
    method = serializers.CharField(help_text="How the value is found, in words.")
    detail = serializers.CharField()
    computed = serializers.BooleanField()
    as_of = serializers.DateField()


class MeasurePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = MeasureSerializer(many=True)


class ReportSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    actions = serializers.CharField()
    filters = serializers.ListField(child=serializers.CharField())
    figures = serializers.URLField()


class FigureSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    shown = serializers.CharField(help_text="As the report page shows it: the number, or why it is hidden.")
    hidden = serializers.BooleanField()


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    note = serializers.CharField()
    figures = FigureSerializer(many=True)


class TableSerializer(serializers.Serializer):
    caption = serializers.CharField()
    group = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = RowSerializer(many=True)


class ReportFiguresSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    filters = serializers.DictField()
    tables = TableSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    rules = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """A refusal (RFC 9457, application/problem+json)."""

    type = serializers.CharField(help_text="Where the kind of problem is explained.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, in words.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False, help_text="Field → messages."
    )
