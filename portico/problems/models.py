"""What the Access problems page keeps: nothing about the problems themselves (they are
derived), only the bookkeeping of two things it starts."""

from __future__ import annotations

from django.db import models


class AccessSummaryState(models.Model):
    """When the weekly summary last went to a practice's owners and administrators.

    The periodic job claims a week with a conditional update of ``last_sent_at``:
    two periodic processes never both send the same week's summary.
    """

    practice = models.OneToOneField(
        "practices.Practice", on_delete=models.CASCADE, related_name="+"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Access summary of practice {self.practice_id}"


class ExpiredResend(models.Model):
    """ "Resend all expired invitations": the bulk invitation it started, limited to the
    clients whose invitation had expired when staff asked (``portico.access.bulk`` reads
    ``clients`` to narrow the run; each client is checked again as it is reached)."""

    practice = models.ForeignKey("practices.Practice", on_delete=models.CASCADE, related_name="+")
    bulk = models.OneToOneField(
        "access.BulkInvite", on_delete=models.CASCADE, related_name="expired_resend"
    )
    clients = models.ManyToManyField("clients.Client", related_name="+")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Resend of expired invitations {self.bulk_id}"
