"""Reads of staff data, always scoped to the viewer's institution."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import StaffProfile


def staff_visible_to(user):
    """Staff the user may see: their own institution's, nobody else's."""
    return StaffProfile.objects.for_institution(user.institution)


def get_profile_for_user(user, pk):
    """Return the profile, or 404 if it belongs to another institution."""
    return get_object_or_404(staff_visible_to(user).with_directory_details(), pk=pk)


def directory_search(queryset, text):
    for word in text.split():
        queryset = queryset.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(job_title__icontains=word)
        )
    return queryset


def reports_of(profile):
    return StaffProfile.objects.filter(line_manager=profile).current().with_directory_details()
