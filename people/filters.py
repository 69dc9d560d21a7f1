import django_filters

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
