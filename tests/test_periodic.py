from __future__ import annotations

from datetime import date, timedelta

import time_machine
from django.core.management import call_command
from django.utils import timezone

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import ComingOfAgeReview
from portico.lib.localtime import practice_today
from portico.mail.models import EmailStatus, OutboundEmail
from portico.passkeys.models import ChallengePurpose, PasskeyChallenge
from portico.practices.models import Practice
from tests.cast import make_client


def test_the_recurring_jobs_give_back_stuck_emails_and_open_coming_of_age_reviews(
    maple: Practice, owner: User
) -> None:
    today = practice_today(maple)
    born = date(today.year - 18, today.month, min(today.day, 28))
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        riley = make_client(maple, owner, "Riley", "Reed", emails=("riley@example.com",), dob=born)
    email = send_invite(riley, by=Actor.for_user(owner)).email
    # A worker died while sending it, ten minutes ago.
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=EmailStatus.SENDING, status_changed_at=timezone.now() - timedelta(minutes=10)
    )

    call_command("periodic", "--once", verbosity=0)

    email.refresh_from_db()
    assert email.status == EmailStatus.QUEUED
    assert ComingOfAgeReview.objects.filter(client=riley, resolved_at__isnull=True).exists()


def test_the_recurring_jobs_delete_passkey_challenges_past_their_lifetime(
    maple: Practice, owner: User, front_desk: User
) -> None:
    now = timezone.now()
    for user, digest, expires in (
        (owner, "a" * 64, now - timedelta(seconds=1)),  # abandoned a second ago
        (front_desk, "b" * 64, now - timedelta(days=30)),  # never came back
        (owner, "c" * 64, now + timedelta(minutes=4)),  # still being answered
    ):
        PasskeyChallenge.objects.create(
            user=user, purpose=ChallengePurpose.SIGN_IN, digest=digest, expires_at=expires
        )

    call_command("periodic", "--once", verbosity=0)

    assert list(PasskeyChallenge.objects.values_list("digest", flat=True)) == ["c" * 64]
