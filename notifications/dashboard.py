from core.portal import Panel, dashboard_panel, nav_link
from people import roles

nav_link("Message texts", "notifications:message_templates", roles.is_institution_admin, order=90, menu="Admin")
nav_link("Messages not sent", "notifications:stuck", roles.is_institution_admin, order=91, menu="Admin")


@dashboard_panel(order=5)
def unread_notifications(request):
    unread = list(request.user.notifications.filter(read_at__isnull=True).order_by("-created_at")[:5])
    return Panel(
        title="Notifications",
        template="notifications/panel.html",
        context={"unread": unread},
        empty_text="Reminders and messages from TechCareers will appear here.",
    )
