"""Fixtures for the development app: a policy, and helpers to make requests and records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from development.models import AllowancePolicy, DevelopmentRequest, TrainingRecord

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence and imports go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def policy(institution):
    return AllowancePolicy.objects.create(institution=institution, minimum_days=Decimal("5"))


def make_request(person, *, start, days="1", end=None, state=DevelopmentRequest.State.SUBMITTED, **fields):
    """Make a request directly in a state (for set-up only; the tests of the workflow use the services)."""
    defaults = {
        "activity_type": "course",
        "title": "Confocal microscopy course",
        "delivery": "external",
        "benefit": "Imaging skills for the facility.",
    }
    return DevelopmentRequest.objects.create(
        person=person,
        start_date=start,
        end_date=end or start,
        days=Decimal(days),
        state=state,
        **{**defaults, **fields},
    )


def make_record(person, *, on, hours="3", days="0", **fields):
    defaults = {
        "title": "Laboratory safety",
        "activity_type": "course",
        "delivery": "internal",
        "cpd_category": "formal",
        "source": TrainingRecord.Source.LOGGED,
    }
    return TrainingRecord.objects.create(
        person=person, date=on, hours=Decimal(hours), days=Decimal(days), **{**defaults, **fields}
    )


def next_weekday(after=None, days_ahead=14):
    day = (after or timezone.localdate()) + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
