from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.forms import add_service_errors

from . import kinds, selectors, services, texts
from .forms import MessageTemplateForm, PreferencesForm
from .models import MessageTemplate, Preference
from .rules import require_edit_message_texts, require_resolve_stuck_message, require_see_stuck_messages


@login_required
def notification_list(request):
    page = Paginator(selectors.notifications_of(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def notification_detail(request, pk):
    notification = selectors.get_notification_for_user(request.user, pk)
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


@login_required
def message_template_list(request):
    require_edit_message_texts(request.user)
    institution = request.user.institution
    own = {t.kind: t for t in MessageTemplate.objects.filter(institution=institution).select_related("updated_by")}
    rows = [(kind, own.get(kind.key)) for kind in kinds.all_kinds()]
    return render(request, "notifications/message_templates.html", {"rows": rows})


@login_required
def message_template_edit(request, kind):
    require_edit_message_texts(request.user)
    institution = request.user.institution
    try:
        kind = kinds.get(kind)
    except LookupError:
        raise Http404("No such message.") from None
    instance = MessageTemplate.objects.filter(institution=institution, kind=kind.key).first()
    initial = {} if instance else {"subject": kind.subject, "body": kind.body}
    form = MessageTemplateForm(
        request.POST or None, instance=instance, initial=initial, kind=kind, institution=institution
    )
    if request.method == "POST":
        if "reset" in request.POST:
            services.message_template_reset(institution=institution, kind=kind.key)
            messages.success(request, f"“{kind.label}” uses the standard text again.")
            return redirect("notifications:message_templates")
        if form.is_valid():
            try:
                services.message_template_save(
                    institution=institution,
                    kind=kind.key,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"“{kind.label}” is saved; messages sent from now on use it.")
                return redirect("notifications:message_templates")
    return render(
        request,
        "notifications/message_template_edit.html",
        {"form": form, "kind": kind, "instance": instance, "variables": texts.allowed_variables(kind)},
    )


@login_required
def stuck_messages(request):
    require_see_stuck_messages(request.user)
    return render(
        request,
        "notifications/stuck.html",
        {
            "stuck": selectors.stuck_notifications(request.user.institution),
            "stuck_minutes": int(selectors.STUCK_AFTER.total_seconds() // 60),
        },
    )


@require_POST
@login_required
def stuck_message_resolve(request, pk):
    notification = selectors.get_stuck_notification_for_user(request.user, pk)
    require_resolve_stuck_message(request.user, notification)
    if request.POST.get("action") == "send_again":
        done = services.stuck_notification_send_again(notification=notification, by=request.user)
        text = f"The message to {notification.recipient} will be sent again."
    else:
        done = services.stuck_notification_mark_failed(notification=notification, by=request.user)
        text = f"The message to {notification.recipient} is marked as failed."
    if done:
        messages.success(request, text)
    else:
        messages.info(request, "Someone else has already dealt with this message.")
    return redirect("notifications:stuck")
