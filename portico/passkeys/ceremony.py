"""The two WebAuthn ceremonies (adding a passkey, signing in with one), with py_webauthn.

Who the relying party is comes from the request the browser made, never from what
the browser sends back: the RP ID is the practice's host as the browser sees it
(``<slug>.<base domain>`` in production, the one development host for every
``/p/<slug>/`` practice) and the expected origin is the request's scheme and host.
Both are validated by Django first (``ALLOWED_HOSTS``; the scheme from TLS or the
trusted proxy header). A credential is also tied to one user of one practice in
the database, so a passkey made for one practice on a shared development host is
refused by every other practice.

Each challenge is 32 random bytes, kept in the session of the browser it was given
to, with its SHA-256 in ``PasskeyChallenge``: checking an answer spends it first,
through a conditional update, so one challenge verifies at most once even when
two requests race on two web processes. A challenge lives five minutes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from portico.accounts.models import User
from portico.passkeys.models import ChallengePurpose, Passkey, PasskeyChallenge

CHALLENGE_LIFETIME = timedelta(minutes=5)
_TIMEOUT_MS = int(CHALLENGE_LIFETIME.total_seconds() * 1000)
_SESSION_KEY = "passkeys.challenge.{purpose}"
_KNOWN_TRANSPORTS = {transport.value for transport in AuthenticatorTransport}
# Anything malformed in what the browser sent: the library's own errors, and the
# ones its parsing lets through on strange input.
_BAD_ANSWER = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


@dataclass(frozen=True)
class RelyingParty:
    id: str
    origin: str


@dataclass(frozen=True)
class NewCredential:
    """A verified answer to "add a passkey", ready to be stored."""

    credential_id: str
    public_key: bytes
    sign_count: int
    transports: list[str]
    rp_id: str
    backed_up: bool


def relying_party(request: HttpRequest) -> RelyingParty:
    host = request.get_host()  # raises DisallowedHost for a host not in ALLOWED_HOSTS
    domain, _port = split_domain_port(host)
    return RelyingParty(id=domain, origin=f"{request.scheme}://{host}")


def user_handle(user: User) -> bytes:
    """The WebAuthn user id: stable per account, meaningless outside Portico (no email, no pk)."""
    return salted_hmac(
        "portico.passkeys.user_handle", f"{user.practice_id}:{user.pk}", algorithm="sha256"
    ).digest()


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(passkey.credential_id),
            transports=[AuthenticatorTransport(t) for t in passkey.transports],
        )
        for passkey in passkeys
    ]


def _own_passkeys(user: User, rp: RelyingParty) -> list[Passkey]:
    return list(Passkey.objects.filter(user=user, practice_id=user.practice_id, rp_id=rp.id))


# --- challenges ------------------------------------------------------------------------


def _digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _issue_challenge(request: HttpRequest, user: User, purpose: ChallengePurpose) -> bytes:
    challenge = secrets.token_bytes(32)
    now = timezone.now()
    # This user's dead challenges go as new ones come: the table stays small.
    PasskeyChallenge.objects.filter(user=user, expires_at__lt=now).delete()
    PasskeyChallenge.objects.create(
        user=user,
        purpose=purpose,
        digest=_digest(challenge),
        expires_at=now + CHALLENGE_LIFETIME,
    )
    request.session[_SESSION_KEY.format(purpose=purpose)] = {
        "challenge": bytes_to_base64url(challenge),
        "user": user.pk,
    }
    return challenge


def forget_expired_challenges() -> int:
    """Delete every challenge past its lifetime, of everyone (a sign-in or an enrolment
    left half-way by someone who never comes back); how many. Spent ones go too: once
    expired, a row proves nothing more."""
    deleted, _ = PasskeyChallenge.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def _spend_challenge(request: HttpRequest, user: User, purpose: ChallengePurpose) -> bytes | None:
    """The challenge this browser was given, if it is still live; spent from now on."""
    stored = request.session.pop(_SESSION_KEY.format(purpose=purpose), None)
    if not isinstance(stored, dict) or stored.get("user") != user.pk:
        return None
    try:
        challenge = base64url_to_bytes(str(stored["challenge"]))
    except _BAD_ANSWER:
        return None
    now = timezone.now()
    spent = PasskeyChallenge.objects.filter(
        user=user,
        purpose=purpose,
        digest=_digest(challenge),
        spent_at__isnull=True,
        expires_at__gt=now,
    ).update(spent_at=now)
    return challenge if spent == 1 else None


# --- adding a passkey --------------------------------------------------------------------


def registration_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """JSON-ready PublicKeyCredentialCreationOptions for ``user`` (a new challenge)."""
    rp = relying_party(request)
    challenge = _issue_challenge(request, user, ChallengePurpose.REGISTER)
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=user.practice.name,
        # What the person signs in with, shown by the browser when choosing a passkey.
        user_name=(user.email if user.is_staff_user else user.username) or user.username,
        user_id=user_handle(user),
        user_display_name=user.full_name or user.username,
        challenge=challenge,
        timeout=_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(_own_passkeys(user, rp)),
    )
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def verify_registration(
    request: HttpRequest, user: User, credential_json: str
) -> NewCredential | None:
    """The new credential if the browser's answer is genuine and fresh; None otherwise."""
    challenge = _spend_challenge(request, user, ChallengePurpose.REGISTER)
    if challenge is None or not credential_json:
        return None
    rp = relying_party(request)
    try:
        credential = parse_registration_credential_json(credential_json)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except _BAD_ANSWER:
        return None
    transports = [
        str(getattr(t, "value", t))
        for t in (credential.response.transports or [])
        if str(getattr(t, "value", t)) in _KNOWN_TRANSPORTS
    ]
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=transports,
        rp_id=rp.id,
        backed_up=verified.credential_backed_up,
    )


# --- signing in -------------------------------------------------------------------------


def sign_in_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """JSON-ready PublicKeyCredentialRequestOptions for ``user``'s passkeys (a new challenge)."""
    rp = relying_party(request)
    challenge = _issue_challenge(request, user, ChallengePurpose.SIGN_IN)
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=_TIMEOUT_MS,
        allow_credentials=_descriptors(_own_passkeys(user, rp)),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    result: dict[str, Any] = json.loads(options_to_json(options))
    return result


def verify_sign_in(request: HttpRequest, user: User, credential_json: str) -> bool:
    """Whether ``credential_json`` proves ``user`` holds one of their passkeys, here, now.

    Spends the challenge whatever the answer. Refused: no live challenge for this
    user in this session, a credential of another user or practice, another origin
    or RP ID, a bad signature, a sign counter that did not move forward (a cloned
    key), or a second use of the same challenge.
    """
    challenge = _spend_challenge(request, user, ChallengePurpose.SIGN_IN)
    if challenge is None or not credential_json:
        return False
    rp = relying_party(request)
    practice = getattr(request, "practice", None)
    if practice is None or practice.pk != user.practice_id:
        return False
    try:
        credential = parse_authentication_credential_json(credential_json)
    except _BAD_ANSWER:
        return False
    passkey = Passkey.objects.filter(
        credential_id=bytes_to_base64url(credential.raw_id),
        user=user,
        practice=practice,
        rp_id=rp.id,
    ).first()
    if passkey is None:
        return False
    handle = credential.response.user_handle
    if handle and not constant_time_compare(bytes(handle), user_handle(user)):
        return False
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except _BAD_ANSWER:
        return False
    # The counter moves only forward: of two answers racing from one authenticator
    # state, one wins (authenticators without a counter always answer 0).
    moved = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count,
        last_used_at=timezone.now(),
        backed_up=verified.credential_backed_up,
    )
    return moved == 1
