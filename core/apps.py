from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .tenancy import remember_institution_at_sign_in

        user_logged_in.connect(remember_institution_at_sign_in, dispatch_uid="core.remember_institution")
        # Every form's text has a maximum length and its dates a sane range (core.forms.bound_inputs).
        from .forms import install_input_bounds

        install_input_bounds()
        # Every app's metrics.py registers its success measures, dashboard.py its panels and links.
        autodiscover_modules("metrics")
        autodiscover_modules("dashboard")
        autodiscover_modules("privacy")
        # Role and group changes, from the admin or anywhere else, go into the audit log.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from .audit import record_group_change

        m2m_changed.connect(
            record_group_change, sender=get_user_model().groups.through, dispatch_uid="core.audit_groups"
        )
