"""Covering indexes for the 1G report's per-person hours and the training satisfaction ratings
(issue 18); the new (person, date) index replaces the old one, after it exists."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('development', '0013_remove_reportexport'),
        ('people', '0008_staff_import'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='trainingrecord',
            index=models.Index(fields=['person', 'date'], include=('hours',), name='trainingrecord_person_hrs_idx'),
        ),
        migrations.AddIndex(
            model_name='trainingrecord',
            index=models.Index(condition=models.Q(('value_rating__isnull', False)), fields=['person', 'date'], include=('value_rating',), name='trainingrecord_rated_idx'),
        ),
        migrations.RemoveIndex(
            model_name='trainingrecord',
            name='trainingrecord_person_date_idx',
        ),
    ]
