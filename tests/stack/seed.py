"""Run once after ``createpractice`` (``manage.py shell -c``, see Stack.prepare_practices).

- Staff two-factor is turned off for the stack's practices: the traffic signs staff in
  with a password only (two-factor sign-in has its own tests in tests/twofactor/).
- Each practice gets clients who are not invited yet, for the bulk invitation that
  makes a burst of emails while a worker is killed.
"""

from __future__ import annotations

import os
from datetime import date

from portico.access.people import add_client
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.practices.models import Practice

count = int(os.environ["STACK_BULK_CLIENTS"])
for practice in Practice.objects.all():
    Practice.objects.filter(pk=practice.pk).update(require_staff_two_factor=False)
    owner = User.objects.get(practice=practice, email=f"owner@{practice.slug}.test")
    for n in range(count):
        add_client(
            practice,
            by=Actor.for_user(owner),
            first_name=f"Bulk{n}",
            last_name="Client",
            date_of_birth=date(1985, 1, 1),
            emails=[f"bulk{n}.{practice.slug}@example.com"],
            send_invitation=False,
        )
