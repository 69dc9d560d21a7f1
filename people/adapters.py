from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django import forms
from django.db import transaction
from django.urls import reverse

from core.tenancy import in_institution

from .models import EmailDomain, JobFamily, StaffProfile
from .services import institution_ladders_copy


class InstitutionAccountAdapter(DefaultAccountAdapter):
    """New accounts join the institution that owns their e-mail domain; other domains are refused.

    Failed sign-ins are limited per address and per account together, so nobody can lock
    someone else out: allauth's per-account limit (`login_failed`, "5/5m/key") counts an
    account's failures *from one address* (the key below holds both), and a looser limit
    over all addresses (`login_failed_account`) stops a brute force spread over many
    addresses. The owner, signing in from their own address, is not locked by a stranger's
    failures; a password reset clears both counts.
    """

    def _get_login_attempts_cache_key(self, request, **credentials):
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{ratelimit.get_ip(request)}"

    def _account_key(self, request, **credentials):
        return super()._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request, **credentials):
        self._account_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed_account", key=self._account_key(request, **credentials)
        )
        if not self._account_rl_usage:
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def _rollback_login_failed_rl_usage(self):
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_rl_usage", None)
        if usage:
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials):
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request, app="allauth.account", action="login_failed_account", key=self._account_key(request, **credentials)
        )

    def clean_email(self, email):
        email = super().clean_email(email)
        if EmailDomain.institution_for_email(email) is None:
            raise forms.ValidationError(
                "TechCareers does not serve this e-mail domain. Sign up with your work e-mail address "
                "at a member institution, or ask your institution's administrator to add its domain."
            )
        return email.lower()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        if commit:
            institution = EmailDomain.institution_for_email(user.email)
            # Signing up has no scope yet (nobody is signed in): the new person's institution
            # is entered explicitly to create their staff record in it.
            with transaction.atomic(), in_institution(institution):
                user.save()
                StaffProfile.objects.create(user=user, institution=institution)
                # A partner whose first member signs up has no ladder yet: it gets the sector's.
                if not JobFamily.objects.filter(institution=institution).exists():
                    institution_ladders_copy(institution=institution)
        return user

    def get_login_redirect_url(self, request):
        """After signing in, a person whose record lacks something is asked for it first."""
        profile = getattr(request.user, "profile", None)
        if profile is not None and profile.needs_onboarding:
            return reverse("people:onboarding")
        return super().get_login_redirect_url(request)
