"""Documents the practice shares with a client, and documents it asks a client for.

- ``Document``: one PDF (a statement, a receipt, a signed form, a letter) shared with
  one client. Its title is shown to staff and, in the portal, to the people who may
  act for the client; it is never put in an email or an audit entry (titles can
  say more than they should). ``first_opened_at``/``first_opened_by`` are written
  once, by the first open on the client's side. Withdrawing hides it from the
  portal (404) but keeps the row and the file for the record.
- ``DocumentRequest``: the practice asks for a document (a referral letter, an ID);
  someone on the client's side uploads it, which fulfils the request.
- ``DocumentNotice``: one row per person on the client's side (the client, or one
  contact): when they were last emailed that a document is waiting, and when they
  last looked at their documents (the 15-minute notification throttle).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TITLE_LIMIT = 120


class Category(models.TextChoices):
    STATEMENT = "statement", _("Statement")
    RECEIPT = "receipt", _("Receipt")
    SIGNED_FORM = "signed_form", _("Signed form")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Document(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(max_length=20, choices=Category.choices)
    title = models.CharField(max_length=TITLE_LIMIT)
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    first_opened_by = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["client", "-shared_at"], name="document_client_recent")]

    def __str__(self) -> str:
        return f"Document {self.public_id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class DocumentRequest(models.Model):
    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="document_requests"
    )
    title = models.CharField("what you need", max_length=TITLE_LIMIT)
    instructions = models.TextField(blank=True, max_length=1000)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    file = models.ForeignKey(
        "files.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        "access.PortalAccess", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "-created_at"], name="docrequest_client_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fulfilled_at__isnull=True) | models.Q(file__isnull=False),
                name="docrequest_fulfilled_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Document request {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None and self.cancelled_at is None


class DocumentNotice(models.Model):
    """One person on the client's side: last "document waiting" email, and last look."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="+")
    # None: the client themself.
    contact = models.ForeignKey(
        "clients.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "client",
                condition=models.Q(contact__isnull=True),
                name="one_document_notice_for_the_client",
            ),
            models.UniqueConstraint(
                "client",
                "contact",
                condition=models.Q(contact__isnull=False),
                name="one_document_notice_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"Document notices for client {self.client_id}"
