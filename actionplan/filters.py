import django_filters

from .models import ActionItem, MitRecommendation, Owner, Pillar, Status


class ItemFilter(django_filters.FilterSet):
    pillar = django_filters.ModelChoiceFilter(queryset=Pillar.objects.none(), label="Pillar")
    owner = django_filters.ModelChoiceFilter(queryset=Owner.objects.none(), label="Owner", field_name="owners")
    status = django_filters.ChoiceFilter(choices=Status.choices, label="Status")
    aim = django_filters.ModelChoiceFilter(queryset=Pillar.objects.none(), label="TC aim", field_name="aims")
    mit = django_filters.ModelChoiceFilter(
        queryset=MitRecommendation.objects.all(), label="MIT recommendation", field_name="mit_recommendations"
    )

    class Meta:
        model = ActionItem
        fields = ["pillar", "owner", "status", "aim", "mit"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        pillars = Pillar.objects.filter(plan=plan)
        self.filters["pillar"].queryset = pillars
        self.filters["aim"].queryset = pillars
        self.filters["owner"].queryset = Owner.objects.for_institution(plan.institution)
        self.filters["aim"].field.label_from_instance = lambda pillar: pillar.get_aim_display()
