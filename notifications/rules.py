"""Who may change the outbox's settings and rows (django-rules, built on people's predicates)."""

import rules

from core.access import require
from people.rules import is_institution_admin, same_institution

# Message texts and stuck messages are the institution's own: its administrators decide.
# (`same_institution` compares `institution_id`, which a Notification has like a profile.)
rules.add_perm("notifications.edit_message_texts", is_institution_admin)
rules.add_perm("notifications.see_stuck_messages", is_institution_admin)
rules.add_perm("notifications.resolve_stuck_message", is_institution_admin & same_institution)


def require_edit_message_texts(user) -> None:
    require(
        user,
        "notifications.edit_message_texts",
        message="Only institution administrators can change message texts.",
    )


def require_see_stuck_messages(user) -> None:
    require(
        user,
        "notifications.see_stuck_messages",
        message="Only institution administrators can see messages that could not be sent.",
    )


def require_resolve_stuck_message(user, notification) -> None:
    require(
        user,
        "notifications.resolve_stuck_message",
        notification,
        message="Only your institution's administrators can decide what happens to this message.",
    )
