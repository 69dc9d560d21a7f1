"""The database table core.cache.FailoverCache serves from while Redis does not answer."""

from django.core.management import call_command
from django.db import migrations


def create_table(apps, schema_editor):
    call_command("createcachetable", "fallback", database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name('core_cache_fallback')}")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_sweep_schedule")]

    operations = [migrations.RunPython(create_table, drop_table)]
