"""The staff directory: institutions, their divisions, job families and grades, and staff."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from core.tenancy import InstitutionManager, InstitutionQuerySet

from .orcid import validate_orcid

# Institution, EmailDomain and User are not institution-scoped, on purpose: sign-up and sign-in
# run before anyone has an institution (the e-mail domain is how we find it), and a User is
# an account, which the platform superuser has without any institution. Everything an
# institution owns below them (divisions, job families, grades, staff) is scoped.


class Institution(models.Model):
    name = models.CharField("name", max_length=200, unique=True)
    short_name = models.CharField("short name", max_length=40, help_text="Shown where space is tight, e.g. ICR.")
    slug = models.SlugField("slug", unique=True)
    partners = models.ManyToManyField(
        "self",
        blank=True,
        verbose_name="partner institutions",
        help_text="Institutions whose staff may join the events and programmes this one opens to partners.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EmailDomain(models.Model):
    """An e-mail domain whose owners join the institution when they sign up."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="email_domains")
    domain = models.CharField(
        "e-mail domain", max_length=253, unique=True, help_text="The part after the @, e.g. icr.ac.uk."
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = "e-mail domain"

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower()
        super().save(*args, **kwargs)

    @classmethod
    def institution_for_email(cls, email):
        """Return the institution that owns the e-mail address's domain, or None."""
        domain = email.rsplit("@", 1)[-1].strip().lower()
        row = cls.objects.select_related("institution").filter(domain=domain).first()
        return row.institution if row else None


class Division(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField("name", max_length=200)

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="division_unique_name_per_institution")
        ]

    def __str__(self):
        return self.name


class JobFamily(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="job_families")
    name = models.CharField("name", max_length=200)
    description = models.TextField(
        "description", blank=True, help_text="The kinds of role in this family, e.g. bioinformaticians."
    )

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "job families"
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="jobfamily_unique_name_per_institution")
        ]

    def __str__(self):
        return self.name


class GradeQuerySet(InstitutionQuerySet):
    institution_path = "job_family__institution"


class Grade(models.Model):
    """A step on a job family's ladder.

    `level` orders the ladder and makes grades comparable across families: an eligibility rule
    of "HSO or equivalent" admits every grade whose level equals the HSO's.
    """

    job_family = models.ForeignKey(JobFamily, on_delete=models.CASCADE, related_name="grades")
    name = models.CharField("name", max_length=100, help_text="e.g. Higher Scientific Officer.")
    short_name = models.CharField("short name", max_length=20, help_text="e.g. HSO.")
    level = models.PositiveSmallIntegerField(
        "level",
        help_text="Position on the ladder; grades of the same level in different families are equivalent.",
    )
    welcome_new_starters = models.BooleanField(
        "welcome new starters",
        default=False,
        help_text="Staff who start on this grade get the welcome message (action 2H).",
    )

    objects = InstitutionManager(GradeQuerySet)

    class Meta:
        ordering = ["job_family__name", "level"]
        constraints = [
            models.UniqueConstraint(fields=["job_family", "level"], name="grade_unique_level_per_family"),
            models.UniqueConstraint(fields=["job_family", "short_name"], name="grade_unique_short_name_per_family"),
        ]

    def __str__(self):
        return f"{self.name} ({self.short_name})"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account; the e-mail address is the login."""

    username = None
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_unique_email_ci")]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def institution(self):
        profile = getattr(self, "profile", None)
        return profile.institution if profile else None


class StaffProfileQuerySet(InstitutionQuerySet):
    def current(self):
        today = timezone.localdate()
        return self.filter(models.Q(leaving_date__isnull=True) | models.Q(leaving_date__gt=today))

    def with_directory_details(self):
        return self.select_related("user", "division", "job_family", "grade", "line_manager__user")


class StaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="staff")
    staff_number = models.CharField(
        "staff number", max_length=30, blank=True, help_text="The HR system's identifier for this person."
    )
    job_title = models.CharField("job title", max_length=200, blank=True)
    division = models.ForeignKey(
        Division, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="division"
    )
    job_family = models.ForeignKey(
        JobFamily, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="job family"
    )
    grade = models.ForeignKey(
        Grade, on_delete=models.SET_NULL, null=True, blank=True, related_name="staff", verbose_name="grade"
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="line manager",
        help_text="Approves this person's development requests and programme applications.",
    )
    start_date = models.DateField("start date", null=True, blank=True)
    leaving_date = models.DateField("leaving date", null=True, blank=True)
    orcid = models.CharField(
        "ORCID iD",
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text="Sixteen characters in four groups, e.g. 0000-0002-1825-0097.",
    )
    bio = models.TextField("about me", blank=True, help_text="Your expertise and the techniques you offer.")

    objects = InstitutionManager(StaffProfileQuerySet)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "staff_number"],
                condition=~models.Q(staff_number=""),
                name="staffprofile_unique_staff_number_per_institution",
            ),
            models.CheckConstraint(
                condition=models.Q(leaving_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(leaving_date__gte=models.F("start_date")),
                name="staffprofile_leaves_after_starting",
            ),
        ]
        indexes = [
            # people.tasks.send_welcome_messages (daily) finds recent starters by their start date.
            models.Index(
                fields=["start_date"], condition=models.Q(start_date__isnull=False), name="staffprofile_start_date_idx"
            ),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("people:profile", args=[self.pk])

    @property
    def name(self):
        return str(self.user)

    def clean(self):
        errors = {}
        if self.line_manager_id:
            if self.line_manager.institution_id != self.institution_id:
                errors["line_manager"] = "The line manager must work at the same institution."
            elif self.pk and self.line_manager_id == self.pk:
                errors["line_manager"] = "Nobody can be their own line manager."
            elif self.pk and self._manages_indirectly(self.line_manager):
                errors["line_manager"] = (
                    f"{self.line_manager} is already managed, directly or indirectly, by {self}; "
                    "choosing them would make a management loop."
                )
        for field in ("division", "job_family"):
            related = getattr(self, field)
            if related is not None and related.institution_id != self.institution_id:
                errors[field] = f"This {self._meta.get_field(field).verbose_name} belongs to another institution."
        if self.grade_id and self.job_family_id and self.grade.job_family_id != self.job_family_id:
            errors["grade"] = "This grade belongs to another job family."
        if self.start_date and self.leaving_date and self.leaving_date < self.start_date:
            errors["leaving_date"] = "The leaving date must be on or after the start date."
        if errors:
            raise ValidationError(errors)

    def _manages_indirectly(self, other):
        """Return whether `other` sits anywhere below self in the management chain.

        Walks up from `other` one query per level; chains are short (a handful of levels) and
        the walk stops at a repeat, so a loop already in the data cannot hang it.
        """
        seen = set()
        current = other
        while current is not None and current.pk not in seen:
            if current.line_manager_id == self.pk:
                return True
            seen.add(current.pk)
            current = current.line_manager
        return False

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return self.leaving_date is None or self.leaving_date > on
