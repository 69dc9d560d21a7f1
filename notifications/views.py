from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from people import roles

from . import kinds, services
from .forms import MessageTemplateForm, PreferencesForm
from .models import MessageTemplate, Notification, Preference


def get_notification_for_user(user, pk):
    """A notification is only ever visible to its recipient."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


@login_required
def notification_list(request):
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_detail(request, pk):
    notification = get_notification_for_user(request.user, pk)
    services.notification_mark_read(notification=notification)
    if not notification.subject:
        notification.subject, notification.body = services.render(notification)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
def preferences(request):
    current = dict(Preference.objects.filter(user=request.user).values_list("kind", "enabled"))
    # An empty POST (every box unticked) is still a submission.
    form = PreferencesForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_set(user=request.user, enabled_by_kind=form.cleaned_data)
        messages.success(request, "Your reminder choices are saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


def _require_institution_admin(user):
    if not roles.is_institution_admin(user):
        raise PermissionDenied("Only institution administrators can change message texts.")
    return user.institution


@login_required
def message_template_list(request):
    institution = _require_institution_admin(request.user)
    own = {t.kind: t for t in MessageTemplate.objects.filter(institution=institution).select_related("updated_by")}
    rows = [(kind, own.get(kind.key)) for kind in kinds.all_kinds()]
    return render(request, "notifications/message_templates.html", {"rows": rows})


@login_required
def message_template_edit(request, kind):
    institution = _require_institution_admin(request.user)
    try:
        kind = kinds.get(kind)
    except LookupError:
        raise Http404("No such message.") from None
    instance = MessageTemplate.objects.filter(institution=institution, kind=kind.key).first()
    initial = {} if instance else {"subject": kind.subject, "body": kind.body}
    form = MessageTemplateForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST":
        if "reset" in request.POST:
            services.message_template_reset(institution=institution, kind=kind.key)
            messages.success(request, f"“{kind.label}” uses the standard text again.")
            return redirect("notifications:message_templates")
        if form.is_valid():
            services.message_template_save(
                institution=institution,
                kind=kind.key,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
            messages.success(request, f"“{kind.label}” is saved; messages sent from now on use it.")
            return redirect("notifications:message_templates")
    return render(
        request,
        "notifications/message_template_edit.html",
        {
            "form": form,
            "kind": kind,
            "instance": instance,
            "variables": ["recipient.first_name", "recipient.last_name", "institution.name", "link"],
        },
    )
