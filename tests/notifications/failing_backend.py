from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message (the only thing outside the machine we fake)."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server is down")
