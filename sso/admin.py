"""Deployment administrators add each institution's identity provider here (or with `manage.py sso_method`)."""

from allauth.socialaccount.models import SocialApp
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from people.models import EmailDomain

from . import services
from .models import SignInIdentity, SignInMethod


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class SignInMethodForm(forms.ModelForm):
    class Meta:
        model = SignInMethod
        formfield_callback = _formfield
        fields = [
            "institution", "name", "slug", "protocol", "active", "vouched_domains", "password_sign_in_allowed",
            "enforces_mfa", "mfa_contexts", "leaver_values", "idp_entity_id", "idp_metadata_url", "idp_metadata_xml",
            "issuer", "client_id", "client_secret", "scopes", "attribute_mapping",
        ]  # fmt: skip
        widgets = {"client_secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vouched_domains"].queryset = EmailDomain.objects.select_related("institution").order_by("domain")

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            services.sign_in_method_check(
                method=self.instance, domains=list(self.cleaned_data.get("vouched_domains") or [])
            )
        except ValidationError as error:
            self._update_errors(error)


# allauth's SocialApp rows are written from sign-in methods only (services.sign_in_method_save): one way in.
if admin.site.is_registered(SocialApp):
    admin.site.unregister(SocialApp)


@admin.register(SignInMethod)
class SignInMethodAdmin(admin.ModelAdmin):
    form = SignInMethodForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "institution", "protocol", "active", "password_sign_in_allowed", "enforces_mfa", "metadata"]
    list_filter = ["protocol", "active"]
    filter_horizontal = ["vouched_domains"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "institution",
                    "name",
                    "slug",
                    "protocol",
                    "active",
                    "vouched_domains",
                    "password_sign_in_allowed",
                ]
            },
        ),
        ("Second factor and leavers", {"fields": ["enforces_mfa", "mfa_contexts", "leaver_values"]}),
        ("SAML 2.0", {"fields": ["idp_entity_id", "idp_metadata_url", "idp_metadata_xml"]}),
        ("OpenID Connect", {"fields": ["issuer", "client_id", "client_secret", "scopes"]}),
        ("Attributes", {"fields": ["attribute_mapping"]}),
    ]

    @admin.display(description="the portal's addresses")
    def metadata(self, obj):
        if obj.protocol == SignInMethod.Protocol.SAML:
            return format_html('<a href="{}">SP metadata</a>', reverse("saml_metadata", args=[obj.slug]))
        return reverse("openid_connect_callback", kwargs={"provider_id": obj.slug})

    def save_model(self, request, obj, form, change):
        services.sign_in_method_save(method=obj, domains=list(form.cleaned_data["vouched_domains"]), by=request.user)


@admin.register(SignInIdentity)
class SignInIdentityAdmin(admin.ModelAdmin):
    list_display = ["profile", "method", "first_sign_in_at", "last_sign_in_at", "left_reported_at"]
    list_filter = ["method"]
    raw_id_fields = ["profile"]
    readonly_fields = ["profile", "method", "supplied", "first_sign_in_at", "last_sign_in_at", "left_reported_at"]
