from __future__ import annotations

from django.conf import settings
from django.test import Client as HttpClient
from django.urls import set_script_prefix, set_urlconf

from portico.accounts.models import User
from portico.portal.queries import next_step_url
from portico.practices.models import Practice
from tests.cast import at
from tests.portal.conftest import signed_in


def test_the_home_page_greets_the_client_and_shows_their_account(
    maple: Practice, casey_account: User
) -> None:
    maple.phone, maple.email = "555-0100", "hello@maple.test"
    maple.portal_features = ["messages", "forms"]
    maple.save(update_fields=["phone", "email", "portal_features"])
    page = signed_in(maple, "casey").get(at(maple, "portal:home")).content.decode()
    assert "Hello, Casey" in page
    assert "Maple Counseling" in page
    assert "casey@example.com" in page
    assert ">casey<" in page
    assert "Change password" in page and "Sign out" in page
    # Features are listed only once they exist (issue 10 builds them).
    assert "Secure messages" not in page and "Intake forms" not in page
    assert "555-0100" in page and "hello@maple.test" in page


def test_the_next_step_after_sign_in_is_the_portal_home_for_now(
    maple: Practice, casey_account: User
) -> None:
    # As inside a request of the practice (the middleware sets both).
    set_urlconf(settings.PRACTICE_URLCONF)
    set_script_prefix("/p/maple/")
    try:
        assert next_step_url(casey_account) == "/p/maple/"
    finally:
        set_urlconf(None)


def test_the_outsider_sees_nothing_of_maples_portal(
    maple: Practice, birch: Practice, casey_account: User, outsider_http: HttpClient
) -> None:
    for name in ("portal:home", "portal:change_password"):
        response = outsider_http.get(at(maple, name))
        assert response.status_code == 302
        assert response["Location"].startswith(at(maple, "portal:sign_in"))
