"""The branding page, the brand's public files, and where the brand shows (portal, emails)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client as HttpClient

from portico.audit.actor import Actor
from portico.audit.models import AuditEvent
from portico.audit.vocabulary import DESCRIPTIONS, Action
from portico.files.storage import private_storage
from portico.mail.models import EmailKind
from portico.mail.rendering import render_email
from portico.practices.brand_rules import check_logo
from portico.practices.branding import (
    brand_version,
    remove_practice_logo,
    set_accent_colour,
    set_practice_logo,
)
from portico.practices.models import Practice
from tests.cast import at
from tests.practices.brand_files import GOOD_SVG, png_bytes, svg, upload

BRAND_ACTIONS = ("practice.brand.logo_changed", "practice.brand.logo_removed",
                 "practice.brand.accent_changed")  # fmt: skip


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_logo(http: HttpClient, practice: Practice, data: bytes, name: str = "logo.png") -> Any:
    return http.post(
        at(practice, "practices:branding"), {"step": "logo", "logo": upload(data, name)}
    )


def post_accent(http: HttpClient, practice: Practice, **fields: str) -> Any:
    practice.refresh_from_db()
    shown = practice.accent_colour
    picker = (shown or "#0B5CAD").lower()
    data = {"step": "accent", "accent_colour": shown, "accent_shown": shown,
            "accent_picker": picker, "picker_shown": picker}  # fmt: skip
    data.update(fields)
    return http.post(at(practice, "practices:branding"), data)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def give_logo(practice: Practice, owner: Any, data: bytes, name: str = "logo.png") -> None:
    set_practice_logo(practice, logo=check_logo(upload(data, name)), by=Actor.for_user(owner))


# --- the branding page --------------------------------------------------------------------


def test_the_settings_page_links_to_the_branding_page(
    maple: Practice, owner_http: HttpClient
) -> None:
    page = owner_http.get(at(maple, "practices:settings")).content.decode()
    assert at(maple, "practices:branding") in page


def test_the_owner_uploads_a_png_logo_stored_under_a_random_name_and_audited(
    maple: Practice, owner_http: HttpClient, private_files: Path
) -> None:
    data = png_bytes()
    response = post_logo(owner_http, maple, data, "Our Logo (final).png")
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.logo_type == "image/png"
    assert maple.logo_name.startswith(f"practice-{maple.pk}/brand/")
    assert "Logo" not in maple.logo_name and maple.logo_updated_at is not None
    assert private_storage().open(maple.logo_name).read() == data
    event = AuditEvent.objects.get(action="practice.brand.logo_changed")
    assert event.details == {"format": "PNG", "size_kb": 1, "replaced": False}
    assert event.actor_label  # who did it


def test_a_refused_logo_says_why_and_stores_nothing(
    maple: Practice, owner_http: HttpClient, private_files: Path
) -> None:
    response = post_logo(owner_http, maple, svg("<script>alert(1)</script>"), "logo.svg")
    assert response.status_code == 400
    page = response.content.decode()
    assert "logo.svg cannot be used: it contains a script." in page
    assert "The logo was not saved" in page
    maple.refresh_from_db()
    assert maple.logo_name == "" and stored_files(private_files) == []
    assert not AuditEvent.objects.filter(action__in=BRAND_ACTIONS).exists()


def test_a_file_that_is_not_an_image_is_refused_with_the_formats_and_limit(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = post_logo(owner_http, maple, b"<html><body>hi</body></html>", "logo.png")
    assert response.status_code == 400
    assert "logo.png is not a PNG or SVG file" in response.content.decode()


def test_replacing_the_logo_deletes_the_old_file_once_committed(
    maple: Practice, owner: Any, private_files: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        give_logo(maple, owner, png_bytes())
    first = maple.logo_name
    with django_capture_on_commit_callbacks(execute=True):
        give_logo(maple, owner, GOOD_SVG, "logo.svg")
    assert maple.logo_name != first and maple.logo_type == "image/svg+xml"
    assert not private_storage().exists(first)
    assert [p.name for p in stored_files(private_files)] == [Path(maple.logo_name).name]
    latest = AuditEvent.objects.filter(action="practice.brand.logo_changed").order_by("pk").last()
    assert latest is not None and latest.details["replaced"] is True


def test_removing_the_logo_deletes_it_and_the_portal_shows_the_name(
    maple: Practice, owner: Any, owner_http: HttpClient, private_files: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    give_logo(maple, owner, png_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_http.post(at(maple, "practices:branding"), {"step": "remove_logo"})
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.logo_name == "" and stored_files(private_files) == []
    assert AuditEvent.objects.filter(action="practice.brand.logo_removed").count() == 1
    assert HttpClient().get(at(maple, "brand:logo")).status_code == 404
    assert not remove_practice_logo(maple, by=Actor.for_user(owner))  # nothing to remove


def test_the_owner_sets_the_accent_colour_and_the_change_is_audited(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = post_accent(owner_http, maple, accent_colour="#1f5fa8")
    assert response.status_code == 302
    maple.refresh_from_db()
    assert maple.accent_colour == "#1F5FA8"
    event = AuditEvent.objects.get(action="practice.brand.accent_changed")
    assert event.details == {"old": "", "new": "#1F5FA8"}
    assert DESCRIPTIONS[Action.BRAND_ACCENT_CHANGED](event) == (
        "Accent colour changed from Portico’s own to #1F5FA8"
    )


def test_a_colour_with_too_little_contrast_is_refused_with_the_ratio_and_nothing_changes(
    maple: Practice, owner_http: HttpClient
) -> None:
    response = post_accent(owner_http, maple, accent_colour="#7A7A7A")
    assert response.status_code == 400
    page = response.content.decode()
    assert "#7A7A7A on white is 4.29:1; choose a darker colour" in page
    assert 'aria-describedby="id_accent_colour_error' in page or "id_accent_colour_error" in page
    maple.refresh_from_db()
    assert maple.accent_colour == ""
    assert not AuditEvent.objects.filter(action__in=BRAND_ACTIONS).exists()


def test_without_javascript_a_moved_colour_picker_counts_when_the_text_was_left_alone(
    maple: Practice, owner_http: HttpClient
) -> None:
    post_accent(owner_http, maple, accent_picker="#1f6b75")
    maple.refresh_from_db()
    assert maple.accent_colour == "#1F6B75"
    # Typed text wins over the picker.
    post_accent(owner_http, maple, accent_colour="#225588", accent_picker="#123456")
    maple.refresh_from_db()
    assert maple.accent_colour == "#225588"


def test_emptying_the_colour_goes_back_to_porticos_own(
    maple: Practice, owner: Any, owner_http: HttpClient
) -> None:
    set_accent_colour(maple, colour="#1F5FA8", by=Actor.for_user(owner))
    post_accent(owner_http, maple, accent_colour="")
    maple.refresh_from_db()
    assert maple.accent_colour == ""


def test_front_desk_cannot_open_or_change_branding(
    maple: Practice, front_desk_http: HttpClient
) -> None:
    assert front_desk_http.get(at(maple, "practices:branding")).status_code == 403
    assert post_accent(front_desk_http, maple, accent_colour="#1F5FA8").status_code == 403
    assert post_logo(front_desk_http, maple, png_bytes()).status_code == 403
    maple.refresh_from_db()
    assert maple.accent_colour == "" and maple.logo_name == ""


def test_staff_of_another_practice_cannot_brand_this_one(
    maple: Practice, birch: Practice, outsider_http: HttpClient
) -> None:
    response = post_accent(outsider_http, maple, accent_colour="#1F5FA8")
    assert response.status_code in (302, 404)  # to this practice's sign-in: not signed in here
    maple.refresh_from_db()
    assert maple.accent_colour == ""


# --- the public files -----------------------------------------------------------------------


def test_the_logo_is_served_with_its_checked_type_nosniff_and_a_long_cache_by_version(
    maple: Practice, owner: Any
) -> None:
    data = png_bytes()
    give_logo(maple, owner, data)
    url = at(maple, "brand:logo") + f"?v={brand_version(maple)}"
    response = HttpClient().get(url)
    assert response.status_code == 200
    assert body(response) == data
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith(
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = HttpClient().get(at(maple, "brand:logo") + "?v=old")
    assert stale["Cache-Control"] == "public, max-age=300"


def test_a_signed_in_page_fetching_the_logo_still_gets_the_public_cache(
    maple: Practice, owner: Any
) -> None:
    """Signed-in responses are no-store (PracticeMiddleware), but the logo is public."""
    give_logo(maple, owner, png_bytes())
    signed_in = HttpClient()
    signed_in.force_login(owner)
    response = signed_in.get(at(maple, "brand:logo") + f"?v={brand_version(maple)}")
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    style = signed_in.get(at(maple, "brand:style") + f"?v={brand_version(maple)}")
    assert "no-store" not in style["Cache-Control"]
    # ...while a page of the practice stays private.
    assert "no-store" in signed_in.get(at(maple, "practices:settings"))["Cache-Control"]


def test_an_svg_logo_is_served_sanitized_as_svg_under_a_policy_that_runs_nothing(
    maple: Practice, owner: Any
) -> None:
    give_logo(maple, owner, GOOD_SVG, "logo.svg")
    response = HttpClient().get(at(maple, "brand:logo"))
    served = body(response).decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "<rect" in served and "sodipodi" not in served


def test_one_practices_logo_is_never_served_at_another_practices_address(
    maple: Practice, birch: Practice, owner: Any, outsider: Any
) -> None:
    give_logo(maple, owner, png_bytes(rgb=(1, 2, 3)))
    version = brand_version(maple)
    assert HttpClient().get(at(birch, "brand:logo") + f"?v={version}").status_code == 404
    give_logo(birch, outsider, png_bytes(rgb=(9, 9, 9)))
    served = HttpClient().get(at(birch, "brand:logo") + f"?v={version}")
    assert body(served) == png_bytes(rgb=(9, 9, 9))


def test_on_practice_hosts_each_host_serves_only_its_own_logo(
    maple: Practice, birch: Practice, owner: Any, settings: LazySettings
) -> None:
    settings.BASE_DOMAIN = "portico.test"
    settings.ALLOWED_HOSTS = [".portico.test"]
    give_logo(maple, owner, png_bytes(rgb=(1, 2, 3)))
    own = HttpClient().get("/brand/logo", HTTP_HOST="maple.portico.test")
    assert body(own) == png_bytes(rgb=(1, 2, 3))
    assert HttpClient().get("/brand/logo", HTTP_HOST="birch.portico.test").status_code == 404


def test_the_brand_stylesheet_carries_the_accent_only_for_a_practice_that_chose_one(
    maple: Practice, birch: Practice, owner: Any
) -> None:
    set_accent_colour(maple, colour="#1F6B75", by=Actor.for_user(owner))
    css = HttpClient().get(at(maple, "brand:style")).content.decode()
    assert "--accent: #1F6B75" in css and "--accent-dark: #19565E" in css
    birch_css = HttpClient().get(at(birch, "brand:style")).content.decode()
    assert "--accent" not in birch_css


# --- where the brand shows --------------------------------------------------------------------


def test_the_sign_in_page_shows_the_logo_with_the_name_as_alt_the_colour_and_the_address(
    maple: Practice, owner: Any
) -> None:
    give_logo(maple, owner, png_bytes())
    set_accent_colour(maple, colour="#1F6B75", by=Actor.for_user(owner))
    version = brand_version(maple)
    page = HttpClient().get(at(maple, "portal:sign_in")).content.decode()
    assert f'src="/p/maple/brand/logo?v={version}" alt="Maple Counseling"' in page
    assert f'href="/p/maple/brand/style.css?v={version}"' in page
    assert (
        'Bookmark this address: <a href="http://localhost:8000/p/maple/">'
        "http://localhost:8000/p/maple/</a>" in page
    )


def test_the_address_to_bookmark_is_the_practice_host_in_production(
    maple: Practice, settings: LazySettings
) -> None:
    settings.BASE_DOMAIN = "portico.test"
    settings.BASE_URL = "https://portico.test"
    settings.ALLOWED_HOSTS = [".portico.test"]
    page = HttpClient().get("/sign-in/", HTTP_HOST="maple.portico.test", secure=True)
    assert "https://maple.portico.test/</a>" in page.content.decode()


def test_the_address_to_bookmark_speaks_spanish(maple: Practice) -> None:
    page = HttpClient().get(at(maple, "portal:sign_in"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Guarde esta dirección en sus favoritos:" in page.content.decode()


def test_an_unbranded_portal_looks_as_before(maple: Practice) -> None:
    page = HttpClient().get(at(maple, "portal:sign_in")).content.decode()
    assert '<span class="brand">Maple Counseling</span>' in page
    assert "brand/style.css" not in page and "brand/logo" not in page


def test_a_dead_link_page_wears_the_brand(maple: Practice, owner: Any) -> None:
    give_logo(maple, owner, GOOD_SVG, "logo.svg")
    page = HttpClient().get(at(maple, "access:welcome_link", "x" * 43), follow=True)
    assert 'class="brand-logo"' in page.content.decode()


def test_emails_show_a_png_logo_by_absolute_address_and_the_colour_on_the_button(
    maple: Practice, owner: Any
) -> None:
    give_logo(maple, owner, png_bytes())
    set_accent_colour(maple, colour="#1F6B75", by=Actor.for_user(owner))
    email = render_email(
        maple, EmailKind.INVITE, {"link": "https://x.test/l", "greeting_name": "Ann"}
    )
    logo = f"http://localhost:8000/p/maple/brand/logo?v={brand_version(maple)}"
    assert f'<img src="{logo}" alt="Maple Counseling"' in email.html
    assert "background:#1F6B75;" in email.html
    assert "brand" not in email.text


def test_with_an_svg_logo_emails_show_the_name_in_the_accent_colour(
    maple: Practice, owner: Any
) -> None:
    give_logo(maple, owner, GOOD_SVG, "logo.svg")
    set_accent_colour(maple, colour="#1F6B75", by=Actor.for_user(owner))
    email = render_email(maple, EmailKind.INVITE, {"link": "https://x.test/l"})
    assert "<img" not in email.html
    assert 'color:#1F6B75;">Maple Counseling</p>' in email.html


def test_an_unbranded_practices_emails_keep_porticos_look(maple: Practice) -> None:
    email = render_email(maple, EmailKind.INVITE, {"link": "https://x.test/l"})
    assert "<img" not in email.html and "background:#0969da;" in email.html


@pytest.mark.parametrize("kind", [EmailKind.PASSWORD_RESET, EmailKind.INVITE])
def test_a_practices_own_email_template_is_branded_too(
    maple: Practice, owner: Any, kind: str
) -> None:
    from portico.mail.actions import save_template_override

    give_logo(maple, owner, png_bytes())
    save_template_override(
        maple,
        kind=kind,
        subject="Hi",
        body_text="Hello {{ greeting_name }}\n\n{{ link }}",
        by=Actor.for_user(owner),
    )
    email = render_email(maple, kind, {"link": "https://x.test/l"})
    assert "/brand/logo?v=" in email.html
