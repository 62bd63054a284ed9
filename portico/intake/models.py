"""Forms a practice builds, their versions, and each client's copy to fill in.

A ``Form`` is what staff name and send; its questions live in a ``FormVersion``.
A version is a draft until published; clients only ever get a published one. Once
any client has started a version (``started_at``) it is frozen: editing the form
then makes a new draft version, and answers already given keep the version they
were given on. ``Assignment`` is one client's copy of one version: its status, the
answers (JSON keyed by question id) and who saved and submitted them.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import pgettext_lazy


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", pgettext_lazy("staff", "Short text (one line)")
    LONG_TEXT = "long_text", pgettext_lazy("staff", "Long text (several lines)")
    SINGLE_CHOICE = "single_choice", pgettext_lazy("staff", "One choice from a list")
    MULTIPLE_CHOICE = "multiple_choice", pgettext_lazy("staff", "Several choices from a list")
    DATE = "date", pgettext_lazy("staff", "Date")
    YES_NO = "yes_no", pgettext_lazy("staff", "Yes or no")
    NUMBER = "number", pgettext_lazy("staff", "Number")
    SIGNATURE = "signature", pgettext_lazy("staff", "Signature (typed full name and “I agree”)")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})


class Form(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=120)
    # Its title never appears in an email (say, "Substance use screening").
    sensitive = models.BooleanField("the title is sensitive: never put it in emails", default=False)
    in_intake_set = models.BooleanField("part of the intake set new clients get", default=False)
    intake_order = models.PositiveSmallIntegerField("position in the intake set", default=1)
    # The published version new copies are made of; None until the first publish.
    current_version = models.ForeignKey(
        "FormVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["practice", "in_intake_set", "intake_order"], name="form_intake")
        ]
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class FormVersion(models.Model):
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    instructions = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    # Set when the first client saves or submits answers on this version: frozen from then.
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("form", "number", name="one_number_per_form_version")
        ]
        ordering = ["form", "-number"]

    def __str__(self) -> str:
        return f"{self.form.title} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None

    @property
    def is_frozen(self) -> bool:
        return self.started_at is not None


class Question(models.Model):
    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    label = models.CharField("question", max_length=300)
    help_text = models.CharField("help text", max_length=500, blank=True)
    required = models.BooleanField(default=True)
    # The options of a choice question, in order (plain strings).
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.label


class AssignmentStatus(models.TextChoices):
    TO_DO = "to_do", pgettext_lazy("staff", "To do")
    DRAFT = "draft", pgettext_lazy("staff", "In progress")
    SUBMITTED = "submitted", pgettext_lazy("staff", "Submitted")
    REOPENED = "reopened", pgettext_lazy("staff", "Reopened for correction")


OPEN_STATUSES = (AssignmentStatus.TO_DO, AssignmentStatus.DRAFT, AssignmentStatus.REOPENED)


class Assignment(models.Model):
    """One client's copy of one form version; whoever acts for the client fills it in."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="form_assignments"
    )
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="assignments")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.TO_DO
    )
    # {"<question id>": value}: text, ISO date, number as text, "yes"/"no", a list of
    # choices, or for a signature {"full_name", "agreed", "signed_at", "ip"}.
    answers = models.JSONField(default=dict, blank=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    last_saved_by = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The access row (the client themself, or a contact acting for them) and its account.
    submitted_by = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopen_note = models.CharField(max_length=500, blank=True)
    # None: given automatically with the intake set.
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One copy to fill in at a time; a submitted form can be sent again.
            models.UniqueConstraint(
                "client",
                "form",
                condition=models.Q(status__in=["to_do", "draft", "reopened"]),
                name="one_open_assignment_per_form",
            )
        ]
        indexes = [models.Index(fields=["client", "status"], name="assignment_client_status")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.form.title} for client {self.client_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
