from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("actionplan", "0002_schedules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="actionplan",
            name="end",
            field=models.DateField(
                blank=True,
                help_text="The last day of the plan; left blank, 36 months after the start.",
                verbose_name="end",
            ),
        ),
    ]
