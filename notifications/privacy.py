"""The outbox keeps every message (measures count them, e.g. welcome e-mails sent within two
months), but an erased person's messages lose their text, which names them."""

from core import privacy

privacy.register("notifications.Notification", erase={"context": {}, "subject": "", "body": "", "last_error": ""})
