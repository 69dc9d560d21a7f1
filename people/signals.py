from django.contrib.auth.models import Group, Permission

from . import roles

# What the Institution administrator group may do in the admin; the admin scopes every row
# to the administrator's own institution (people/admin.py).
INSTITUTION_ADMIN_PERMISSIONS = {
    "people": {
        "institution": ["view", "change"],
        "division": ["view", "add", "change", "delete"],
        "jobfamily": ["view", "add", "change", "delete"],
        "grade": ["view", "add", "change", "delete"],
    },
}


def grant_institution_admin_permissions(sender, **kwargs):
    """Runs after migrate, once the permissions exist; adding them again changes nothing."""
    group, _ = Group.objects.get_or_create(name=roles.INSTITUTION_ADMIN)
    for app_label, models in INSTITUTION_ADMIN_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
