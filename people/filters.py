import django_filters
from django import forms

from core.models import AuditEvent

from .models import Division, Grade, JobFamily, StaffProfile
from .selectors import directory_search


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name, e-mail or job title", method="search")
    division = django_filters.ModelChoiceFilter(queryset=Division.objects.none(), label="Division")
    job_family = django_filters.ModelChoiceFilter(queryset=JobFamily.objects.none(), label="Job family")
    grade = django_filters.ModelChoiceFilter(queryset=Grade.objects.none(), label="Grade")

    class Meta:
        model = StaffProfile
        fields = ["q", "division", "job_family", "grade"]

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["division"].queryset = Division.objects.for_institution(institution)
        self.filters["job_family"].queryset = JobFamily.objects.for_institution(institution)
        self.filters["grade"].queryset = Grade.objects.for_institution(institution).select_related("job_family")

    def search(self, queryset, name, value):
        return directory_search(queryset, value)


class AuditFilter(django_filters.FilterSet):
    """The administrators' audit page: what kind, who, when."""

    kind = django_filters.ChoiceFilter(choices=AuditEvent.Kind.choices, label="Kind", empty_label="All kinds")
    who = django_filters.CharFilter(field_name="actor_name", lookup_expr="icontains", label="Who")
    record = django_filters.CharFilter(field_name="object_repr", lookup_expr="icontains", label="Record")
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields = ["kind", "who", "record", "since", "until"]
