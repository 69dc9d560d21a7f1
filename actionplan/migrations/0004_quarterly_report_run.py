from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0003_plan_end_defaults_to_36_months"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportrun",
            name="quarter",
            field=models.CharField(
                blank=True,
                help_text="Set on the quarterly report sent to the owners, e.g. 2025-Q2.",
                max_length=7,
                verbose_name="quarter",
            ),
        ),
        migrations.AddConstraint(
            model_name="reportrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("quarter", ""), _negated=True),
                fields=("plan", "quarter"),
                name="reportrun_one_per_plan_quarter",
            ),
        ),
    ]
