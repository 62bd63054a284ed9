from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portico.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portico.accounts.middleware import mark_signed_in

        # Django's login() announces every sign-in; the session clocks start there.
        user_logged_in.connect(mark_signed_in, dispatch_uid="portico_mark_signed_in")
        # Then the two-factor marks: re-authentication clock, enrolment or second step due.
        from portico.twofactor.flow import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="portico_two_factor_marks")
