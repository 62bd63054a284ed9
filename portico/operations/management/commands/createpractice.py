"""manage.py createpractice <slug> "<name>" --owner-email ... : a practice and its first owner."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email

from portico.accounts.models import User, UserKind
from portico.lib.urls import practice_base_url
from portico.practices.actions import create_practice
from portico.practices.models import Practice, slug_validator, validate_timezone


class Command(BaseCommand):
    help = "Create a practice and its owner, who signs in with the email and password given here."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "slug", help="the practice's address: <slug>.<base domain> or /p/<slug>/"
        )
        parser.add_argument("name", help='the practice\'s name, e.g. "Lakeside Therapy"')
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-first-name", required=True)
        parser.add_argument("--owner-last-name", required=True)
        parser.add_argument("--timezone", default="America/New_York", help="(America/New_York)")
        parser.add_argument(
            "--owner-password-stdin",
            action="store_true",
            help="read the owner's password from the first line of standard input",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"].strip().lower()
        check_slug(slug)
        check(validate_timezone, options["timezone"], "--timezone")
        # Validated as the staff account will be (reserved test domains are allowed).
        email = options["owner_email"].strip().lower()
        check(validate_email, email, "--owner-email")
        owner = User(
            kind=UserKind.STAFF,
            username=email,
            email=email,
            first_name=options["owner_first_name"],
            last_name=options["owner_last_name"],
        )
        if options["owner_password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            check_password(password, owner)
        else:
            password = prompt_password(owner)
        try:
            practice, created_owner = create_practice(
                slug=slug,
                name=options["name"].strip(),
                owner_email=email,
                owner_first_name=options["owner_first_name"],
                owner_last_name=options["owner_last_name"],
                owner_password=password,
                timezone=options["timezone"],
            )
        except ValidationError as exc:
            raise CommandError(describe(exc)) from None
        self.stdout.write(
            f"Created {practice.name}. Staff sign in at {practice_base_url(practice)}/staff/ "
            f"as {created_owner.email}."
        )


def check_slug(slug: str) -> None:
    check(slug_validator, slug, "The slug")
    probe = Practice(slug=slug)
    try:
        probe.clean_fields(exclude=[f.name for f in Practice._meta.fields if f.name != "slug"])
        probe.clean()
    except ValidationError as exc:
        raise CommandError(f"The slug {slug!r}: {describe(exc)}") from None
    if Practice.objects.filter(slug=slug).exists():
        raise CommandError(f"The slug {slug!r} is taken by another practice. Choose another.")


def check(validator: Any, value: str, label: str) -> Any:
    try:
        return validator(value)
    except ValidationError as exc:
        raise CommandError(f"{label} {value!r}: {describe(exc)}") from None


def check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise CommandError(f"The password is not accepted: {describe(exc)}") from None


def prompt_password(user: User) -> str:
    """Ask twice; repeat until the password passes the validators (Ctrl-C to give up)."""
    print(" ".join(password_validation.password_validators_help_texts()))
    while True:
        password = getpass.getpass("Owner's password: ")
        if password != getpass.getpass("The same password again: "):
            print("The two passwords differ. Try again.")
            continue
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            print(describe(exc))
            continue
        return password


def describe(error: ValidationError) -> str:
    return " ".join(error.messages)
