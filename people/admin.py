"""The Django admin: platform superusers see everything; an institution administrator
(staff status plus the group) manages only their own institution's reference data."""

from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from core.reauth import recently_reauthenticated
from core.tenancy import across_institutions

from .models import Division, EmailDomain, Grade, Institution, JobFamily, StaffProfile, User
from .services import institution_ladders_copy


class InstitutionScopedAdmin(admin.ModelAdmin):
    """Show and edit only the signed-in administrator's institution's rows."""

    institution_path = "institution"

    def _scoped(self, request):
        return not request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._scoped(request):
            queryset = queryset.filter(**{self.institution_path: request.user.institution})
        return queryset

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if self._scoped(request) and self.institution_path == "institution":
            excluded.append("institution")
        return excluded

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return filters if not self._scoped(request) else [f for f in filters if not f.startswith("institution")]

    def save_model(self, request, obj, form, change):
        if self._scoped(request) and self.institution_path == "institution":
            obj.institution = request.user.institution
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if self._scoped(request) and db_field.name == "job_family":
            kwargs["queryset"] = JobFamily.objects.for_institution(request.user.institution)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1

    def has_change_permission(self, request, obj=None):
        # Whoever controls the domains controls who joins: platform operators only.
        return request.user.is_superuser

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    filter_horizontal = ["partners"]
    inlines = [EmailDomainInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return (
            queryset if request.user.is_superuser else queryset.filter(pk=getattr(request.user.institution, "pk", None))
        )

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new institution starts with the sector's ladders, which its administrator edits
            with across_institutions():
                institution_ladders_copy(institution=obj)


@admin.register(Division)
class DivisionAdmin(InstitutionScopedAdmin):
    list_display = ["name", "institution"]
    list_filter = ["institution"]
    search_fields = ["name"]


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 1


@admin.register(JobFamily)
class JobFamilyAdmin(InstitutionScopedAdmin):
    list_display = ["name", "institution"]
    list_filter = ["institution"]
    inlines = [GradeInline]


@admin.register(Grade)
class GradeAdmin(InstitutionScopedAdmin):
    institution_path = "job_family__institution"
    list_display = ["name", "short_name", "level", "job_family", "welcome_new_starters"]
    list_filter = ["job_family__institution", "job_family"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "institution", "division", "job_family", "grade", "line_manager", "start_date"]
    list_filter = ["institution", "job_family", "grade"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "staff_number"]
    list_select_related = ["user", "institution", "division", "job_family", "grade", "line_manager__user"]
    autocomplete_fields = ["user", "line_manager"]

    def has_module_permission(self, request):
        return request.user.is_superuser  # HR edits staff records in the portal, scoped


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Saving a person's groups (their roles) or permissions asks for the password or code again."""
        if request.method == "POST" and not recently_reauthenticated(request):
            raise ReauthenticationRequired()
        return super().changeform_view(request, object_id, form_url, extra_context)
