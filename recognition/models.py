"""Recognition and visibility (2A-2E, 3D): outputs and the technician's part in them, imports from
ORCID and Crossref, private acknowledgement cases, prizes and nominations, and the annual
authorship report.

An output belongs to one member of staff (their own record, 2D); the same paper recorded by two
technicians is two rows, one each, because each had their own part in it. A DOI is unique per
person, so importing again, or a DOI listed twice on an ORCID record, merges into one row.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.tenancy import InstitutionManager, InstitutionQuerySet
from core.workflow import NEW, Move, TransitionRecord, Workflow

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:")


def normalise_doi(value: str) -> str:
    """Strip a resolver prefix or "doi:" and spaces, and lower-case it (DOIs are case-insensitive)."""
    value = (value or "").strip()
    lowered = value.lower()
    for prefix in DOI_PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    return value.lower()


def validate_doi(value: str) -> None:
    value = normalise_doi(value)
    if value and not DOI_PATTERN.match(value):
        raise ValidationError(
            "A DOI starts with 10., then a registrant number, a slash and the item's suffix, "
            "e.g. 10.1038/s41586-020-2649-2 (a https://doi.org/ link is fine too).",
            code="doi_format",
        )


class Kind(models.TextChoices):
    PAPER = "paper", "Journal paper"
    PREPRINT = "preprint", "Preprint"
    PATENT = "patent", "Patent"
    CLINICAL_PAPER = "clinical_paper", "Clinical paper"
    DATASET = "dataset", "Dataset"
    SOFTWARE = "software", "Software"
    PROTOCOL = "protocol", "Protocol"
    COLLABORATION = "collaboration", "Contribution to a large collaboration"


class Part(models.TextChoices):
    NAMED_AUTHOR = "named_author", "Named author"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    UNCREDITED = "uncredited", "Contributed without credit"


class CreditRole(models.TextChoices):
    """The 14 CRediT (Contributor Roles Taxonomy) roles, https://credit.niso.org/."""

    CONCEPTUALIZATION = "conceptualization", "Conceptualization"
    DATA_CURATION = "data_curation", "Data curation"
    FORMAL_ANALYSIS = "formal_analysis", "Formal analysis"
    FUNDING_ACQUISITION = "funding_acquisition", "Funding acquisition"
    INVESTIGATION = "investigation", "Investigation"
    METHODOLOGY = "methodology", "Methodology"
    PROJECT_ADMINISTRATION = "project_administration", "Project administration"
    RESOURCES = "resources", "Resources"
    SOFTWARE = "software", "Software"
    SUPERVISION = "supervision", "Supervision"
    VALIDATION = "validation", "Validation"
    VISUALIZATION = "visualization", "Visualization"
    WRITING_ORIGINAL = "writing_original_draft", "Writing – original draft"
    WRITING_REVIEW = "writing_review_editing", "Writing – review and editing"


class Source(models.TextChoices):
    MANUAL = "manual", "Typed in"
    ORCID = "orcid", "ORCID record"
    ORCID_FILE = "orcid_file", "ORCID export file"
    CROSSREF = "crossref", "Crossref (by DOI)"


class Project(models.Model):
    """A research project, team or collaboration outputs are linked to (2B)."""

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="recognition_projects", verbose_name="institution"
    )
    name = models.CharField("name", max_length=200, help_text="e.g. 'Breast Cancer Now Toby Robins Centre'.")

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="recognition_project_unique_name"),
        ]

    def __str__(self):
        return self.name


class OutputQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"

    def with_details(self):
        return self.select_related("person__user", "person__division").prefetch_related("projects")


class Output(models.Model):
    """One piece of work and the technician's part in it."""

    person = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="outputs", verbose_name="member of staff"
    )
    kind = models.CharField(
        "kind", max_length=20, choices=Kind.choices, default=Kind.PAPER, help_text="What sort of output it is."
    )
    title = models.CharField("title", max_length=500, help_text="The title as published or filed.")
    venue = models.CharField(
        "journal, server or office",
        max_length=300,
        blank=True,
        help_text="e.g. Nature, bioRxiv, the European Patent Office, Zenodo.",
    )
    part = models.CharField(
        "my part",
        max_length=20,
        choices=Part.choices,
        default=Part.NAMED_AUTHOR,
        help_text="Whether you are a named author, were acknowledged, or contributed without credit.",
    )
    credit_roles = models.JSONField(
        "CRediT roles",
        default=list,
        blank=True,
        help_text="What you did, in the Contributor Roles Taxonomy (CRediT).",
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text="e.g. 10.1038/s41586-020-2649-2. Leave empty when the output has none.",
    )
    other_identifier = models.CharField(
        "other identifier",
        max_length=200,
        blank=True,
        help_text="A patent number, a clinical trial registration, a software or data repository link.",
    )
    published_on = models.DateField(
        "date", help_text="The publication, filing or release date (the first of the month when only that is known)."
    )
    projects = models.ManyToManyField(
        Project,
        blank=True,
        related_name="outputs",
        verbose_name="projects and teams",
        help_text="The research projects, teams or collaborations this output belongs to.",
    )
    source = models.CharField("recorded from", max_length=20, choices=Source.choices, default=Source.MANUAL)
    orcid_put_code = models.BigIntegerField(
        "ORCID put-code", null=True, blank=True, help_text="The work's number on the ORCID record it came from."
    )
    created_at = models.DateTimeField("recorded", auto_now_add=True)

    objects = InstitutionManager(OutputQuerySet)

    class Meta:
        ordering = ["-published_on", "-pk"]
        indexes = [
            # The outputs list, newest first a page at a time: walked from the top instead of
            # sorting every output (60,000 at national size: 47 ms, on disk, to 0.3 ms).
            models.Index(fields=["-published_on", "-id"], name="output_newest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "doi"], condition=~models.Q(doi=""), name="recognition_output_one_per_doi"
            ),
            models.UniqueConstraint(
                fields=["person", "orcid_put_code"],
                condition=models.Q(orcid_put_code__isnull=False),
                name="recognition_output_one_per_orcid_work",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("recognition:output", args=[self.pk])

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def credit_role_labels(self):
        labels = dict(CreditRole.choices)
        return [labels.get(role, role) for role in self.credit_roles]


class ImportRunQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class ImportRun(models.Model):
    """One import of outputs, with what it added, merged and refused (each refusal with its reason)."""

    person = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="output_imports", verbose_name="member of staff"
    )
    source = models.CharField("from", max_length=20, choices=Source.choices)
    reference = models.CharField("ORCID iD, DOI or file", max_length=300)
    added = models.PositiveIntegerField("added", default=0)
    merged = models.PositiveIntegerField(
        "merged", default=0, help_text="Works already recorded, or listed twice with the same DOI."
    )
    problems = models.JSONField("problems", default=list, help_text="One line per work that was not imported.")
    at = models.DateTimeField("imported", default=timezone.now)

    objects = InstitutionManager(ImportRunQuerySet)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_source_display()} import on {self.at:%d %b %Y}"


class AcknowledgementCaseQuerySet(InstitutionQuerySet):
    institution_path = "person__institution"


class AcknowledgementCase(models.Model):
    """A technician's private account to the coordinator of how they were credited (2A)."""

    class Credit(models.TextChoices):
        FAIRLY = "fairly", "Credited fairly"
        ACKNOWLEDGED_ONLY = "acknowledged_only", "Acknowledged only"
        NOT_AT_ALL = "not_at_all", "Not credited at all"

    class Example(models.TextChoices):
        NONE = "", "Not used as an example"
        GOOD = "good", "Good example"
        BAD = "bad", "Bad example"

    person = models.ForeignKey(
        "people.StaffProfile",
        on_delete=models.CASCADE,
        related_name="acknowledgement_cases",
        verbose_name="reported by",
    )
    work = models.CharField(
        "the piece of work", max_length=500, help_text="The paper, dataset or project, e.g. its title or DOI."
    )
    credit = models.CharField("how I was credited", max_length=20, choices=Credit.choices)
    account = models.TextField(
        "what happened",
        max_length=4000,
        help_text="What you contributed and how it was recognised. Only you and the coordinator see this.",
    )
    may_use_anonymously = models.BooleanField(
        "the coordinator may use this, without my name, as an example in guidance and training",
        default=False,
        help_text="Leave unticked to keep it between you and the coordinator.",
    )
    reported_on = models.DateField("reported on", default=timezone.localdate)
    example = models.CharField(
        "use as",
        max_length=10,
        choices=Example.choices,
        blank=True,
        default=Example.NONE,
        help_text="Coordinator only.",
    )
    coordinator_note = models.TextField(
        "coordinator's note",
        blank=True,
        max_length=2000,
        help_text="What was done, e.g. 'raised with the team leader'.",
    )

    objects = InstitutionManager(AcknowledgementCaseQuerySet)

    class Meta:
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(example="") | models.Q(may_use_anonymously=True),
                name="recognition_case_example_needs_agreement",
            ),
        ]

    def __str__(self):
        return f"{self.get_credit_display()}: {self.work}"

    def get_absolute_url(self):
        return reverse("recognition:case", args=[self.pk])


class Prize(models.Model):
    """An internal or external prize the institution nominates technicians for, with its yearly deadline."""

    class Scope(models.TextChoices):
        INTERNAL = "internal", "Internal"
        EXTERNAL = "external", "External"

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="prizes", verbose_name="institution"
    )
    name = models.CharField("name", max_length=200, help_text="e.g. Papin Prize, RITA awards.")
    scope = models.CharField("internal or external", max_length=10, choices=Scope.choices, default=Scope.EXTERNAL)
    organiser = models.CharField("organiser", max_length=200, blank=True, help_text="e.g. Science Council.")
    url = models.URLField("web page", blank=True, help_text="Where the prize and its rules are published.")
    categories = models.TextField(
        "categories",
        blank=True,
        help_text="One per line, e.g. 'Technician of the Year'. Leave empty when the prize has none.",
    )
    deadline_month = models.PositiveSmallIntegerField(
        "deadline month", choices=[(m, m) for m in range(1, 13)], help_text="The month nominations close each year."
    )
    deadline_day = models.PositiveSmallIntegerField(
        "deadline day", help_text="The day of that month nominations close (29 February becomes the 28th)."
    )
    listed = models.BooleanField(
        "listed",
        default=True,
        help_text="Listed prizes count in the 'at least one nominee for each prize per year' measure.",
    )

    objects = InstitutionManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="recognition_prize_unique_name"),
            models.CheckConstraint(
                condition=models.Q(deadline_day__gte=1, deadline_day__lte=31), name="recognition_prize_deadline_day"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        try:
            self.deadline_in(2023)  # a year without 29 February
        except ValueError:
            raise ValidationError({"deadline_day": "That month has no such day."}) from None

    @property
    def category_list(self):
        return [line.strip() for line in self.categories.splitlines() if line.strip()]

    def deadline_in(self, year: int):
        """The deadline in `year`; 29 February falls on the 28th in other years."""
        from datetime import date

        day = self.deadline_day
        if self.deadline_month == 2 and day == 29:
            day = 28
        return date(year, self.deadline_month, day)

    def next_deadline(self, today=None):
        today = today or timezone.localdate()
        this_year = self.deadline_in(today.year)
        return this_year if this_year >= today else self.deadline_in(today.year + 1)


class NominationQuerySet(InstitutionQuerySet):
    institution_path = "prize__institution"

    def with_details(self):
        return self.select_related("prize", "nominee__user", "nominee__division", "drafted_by__user")


DRAFTERS_ONLY = "Only the nominee's line manager or the coordinator can do this."


class Nomination(models.Model):
    """A nomination of one member of staff for one prize in one year."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WON = "won", "Won"
        NOT_WON = "not_won", "Not won"
        WITHDRAWN = "withdrawn", "Withdrawn"

    workflow = Workflow(
        Move(NEW, State.DRAFT, perm="recognition.draft_nomination", refusal=DRAFTERS_ONLY),
        Move(State.DRAFT, State.SUBMITTED, perm="recognition.submit_nomination", refusal=DRAFTERS_ONLY),
        Move(State.DRAFT, State.WITHDRAWN, perm="recognition.submit_nomination", refusal=DRAFTERS_ONLY),
        Move(State.SUBMITTED, State.WON, perm="recognition.record_outcome", refusal=DRAFTERS_ONLY),
        Move(State.SUBMITTED, State.NOT_WON, perm="recognition.record_outcome", refusal=DRAFTERS_ONLY),
    )
    NOMINATED_STATES = (State.SUBMITTED, State.WON, State.NOT_WON)

    prize = models.ForeignKey(Prize, on_delete=models.CASCADE, related_name="nominations", verbose_name="prize")
    year = models.PositiveSmallIntegerField("year", help_text="The prize's year (its deadline falls in it).")
    category = models.CharField("category", max_length=200, blank=True, help_text="One of the prize's categories.")
    nominee = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="nominations", verbose_name="nominee"
    )
    drafted_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="drafted by"
    )
    citation = models.TextField(
        "case for the nomination",
        max_length=5000,
        help_text="What the nominee did and why it deserves the prize; the nominee sees it before agreeing.",
    )
    nominee_agreed_on = models.DateField(
        "nominee agreed on", null=True, blank=True, help_text="Nothing is submitted without the nominee's agreement."
    )
    state = models.CharField("state", max_length=20, choices=State.choices, default=State.DRAFT)
    submitted_on = models.DateField("submitted on", null=True, blank=True)
    decided_on = models.DateField("outcome on", null=True, blank=True)

    objects = InstitutionManager(NominationQuerySet)

    class Meta:
        ordering = ["-year", "prize__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["prize", "year", "nominee", "category"],
                condition=~models.Q(state="withdrawn"),
                name="recognition_nomination_once_per_prize_year",
            ),
        ]

    def __str__(self):
        return f"{self.nominee} for {self.prize} {self.year}"

    def get_absolute_url(self):
        return reverse("recognition:nomination", args=[self.pk])

    @property
    def deadline(self):
        return self.prize.deadline_in(self.year)


class NominationTransitionQuerySet(InstitutionQuerySet):
    institution_path = "nomination__prize__institution"


class NominationTransition(TransitionRecord):
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="transitions", verbose_name="nomination"
    )

    objects = InstitutionManager(NominationTransitionQuerySet)

    class Meta(TransitionRecord.Meta):
        pass


class AnnualReport(models.Model):
    """The annual authorship and acknowledgement report of one year, as published (2E).

    The figures are kept as they were on the day it was published (already rounded and
    suppressed), so next year's trend compares with what was said, not with edited records.
    """

    institution = models.ForeignKey(
        "people.Institution", on_delete=models.CASCADE, related_name="authorship_reports", verbose_name="institution"
    )
    year = models.PositiveSmallIntegerField("year")
    figures = models.JSONField("figures", default=dict)
    published_at = models.DateTimeField("published", default=timezone.now)
    published_by = models.ForeignKey(
        "people.StaffProfile", on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="published by"
    )

    objects = InstitutionManager()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="recognition_report_once_per_year"),
        ]

    def __str__(self):
        return f"Authorship report {self.year}"
