"""A signed-in test client for the benchmark, as allauth's sign-in (with its second factor) leaves it.

The same session records as `tests/conftest.py: client_for`: the password and, for someone with
an authenticator, the second factor, so requests pass the MFA middleware like a real session.
"""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.models import Authenticator
from django.test import Client

from people.models import User

# The demo people the benchmark signs in as (people/demo.py), one for each role.
ROLES = {
    "technician": "technician@icr.ac.uk",
    "manager": "manager@icr.ac.uk",
    "mentor": "mentor@icr.ac.uk",
    "programme manager": "programmes@icr.ac.uk",
    "hr": "hr@icr.ac.uk",
    "institution admin": "admin@icr.ac.uk",
}


def client_for(email: str) -> Client:
    user = User.objects.get(email=email)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    authenticator = Authenticator.objects.filter(user=user).first()
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if authenticator is not None:
        records.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": authenticator.type})
    records[-1]["reauthenticated"] = True
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client
