"""Equality data: what a person chooses to declare about themselves, kept apart from the staff record.

A `Declaration` is read at record level only by its person and by the HR staff the institution
names in its `EqualitySettings` (each of their reads is in the audit log); reports read it only
as counts through `core.disclosure`. It is in no admin list and no export but the person's own,
and has no history table: withdrawing deletes it.
"""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.tenancy import InstitutionManager, InstitutionQuerySet

from . import characteristics as ch


class EqualitySettings(models.Model):
    """One institution's choices: which optional questions it asks, and who in HR may read answers."""

    institution = models.OneToOneField("people.Institution", on_delete=models.CASCADE, related_name="equality_settings")
    ask_sexual_orientation = models.BooleanField(
        "ask about sexual orientation", default=False, help_text="Staff may answer; reports break down by it."
    )
    ask_religion = models.BooleanField(
        "ask about religion or belief", default=False, help_text="Staff may answer; reports break down by it."
    )
    ask_gender_identity = models.BooleanField(
        "ask about gender identity", default=False, help_text="Staff may answer; reports break down by it."
    )
    ask_caring = models.BooleanField(
        "ask about caring responsibilities", default=False, help_text="Staff may answer; reports break down by it."
    )
    record_viewers = models.ManyToManyField(
        "people.StaffProfile",
        blank=True,
        related_name="+",
        verbose_name="HR staff who may see individual answers",
        help_text="Only these HR staff may look up one person's answers, and each look is recorded in the "
        "audit log. Leave empty so that nobody but the person ever sees their answers.",
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager()

    class Meta:
        verbose_name = "equality settings"
        verbose_name_plural = "equality settings"

    def __str__(self):
        return f"Equality settings of {self.institution}"

    def enabled(self) -> list[ch.Characteristic]:
        """The characteristics asked, in order: the four always asked, then the ones switched on."""
        return [c for c in ch.ALL if not c.optional or getattr(self, f"ask_{c.key}")]


class DeclarationQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class Declaration(models.Model):
    """One person's own answers. A blank answer is "not answered"; each question offers "Prefer not to say"."""

    person = models.OneToOneField("people.StaffProfile", on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(ch.SEX.question, max_length=30, blank=True, choices=ch.SEX.choices)
    ethnicity = models.CharField(ch.ETHNICITY.question, max_length=30, blank=True, choices=ch.ETHNICITY.choices)
    disability = models.CharField(ch.DISABILITY.question, max_length=30, blank=True, choices=ch.DISABILITY.choices)
    age_band = models.CharField(ch.AGE_BAND.question, max_length=30, blank=True, choices=ch.AGE_BAND.choices)
    sexual_orientation = models.CharField(
        ch.SEXUAL_ORIENTATION.question, max_length=30, blank=True, choices=ch.SEXUAL_ORIENTATION.choices
    )
    religion = models.CharField(ch.RELIGION.question, max_length=30, blank=True, choices=ch.RELIGION.choices)
    gender_identity = models.CharField(
        ch.GENDER_IDENTITY.question, max_length=30, blank=True, choices=ch.GENDER_IDENTITY.choices
    )
    caring = models.CharField(ch.CARING.question, max_length=30, blank=True, choices=ch.CARING.choices)
    declared_at = models.DateTimeField("first declared", default=timezone.now)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = InstitutionManager(DeclarationQuerySet)

    class Meta:
        verbose_name = "equality declaration"

    def __str__(self):
        return f"Equality declaration #{self.pk}"  # never the person's name: it may reach a log

    def get_absolute_url(self):
        return reverse("equality:mine")

    def answers(self, enabled: list[ch.Characteristic]) -> list[tuple[ch.Characteristic, str]]:
        """(characteristic, answer label) for each enabled characteristic."""
        return [(c, c.label_of(getattr(self, c.key))) for c in enabled]
