"""Sign-in backends that load the signed-in person's record with their user.

Every page reads the viewer's profile, institution, grade, job family and division (roles,
scoping, the navigation, the home panels); loading them in the one query that fetches the user
for the session saves five queries on every request.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

VIEWER_DETAILS = (
    "profile__institution",
    "profile__division",
    "profile__job_family",
    "profile__grade__job_family",
)


def _load_user(backend, user_id):
    User = get_user_model()
    try:
        user = User._default_manager.select_related(*VIEWER_DETAILS).get(pk=user_id)
    except User.DoesNotExist:
        return None
    return user if backend.user_can_authenticate(user) else None


class PasswordBackend(ModelBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)


class AccountBackend(AllauthBackend):
    def get_user(self, user_id):
        return _load_user(self, user_id)
