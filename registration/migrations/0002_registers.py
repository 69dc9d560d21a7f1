"""The six registers of the Science Council and the Engineering Council, with example fees
(the data is in registration/registers.py, which seed_demo also uses)."""

from django.db import migrations

from registration.registers import ensure_registers


def add_registers(apps, schema_editor):
    ensure_registers(apps.get_model("registration", "Register"), apps.get_model("registration", "RegisterFee"))


class Migration(migrations.Migration):
    dependencies = [("registration", "0001_initial")]

    operations = [migrations.RunPython(add_registers, migrations.RunPython.noop)]
