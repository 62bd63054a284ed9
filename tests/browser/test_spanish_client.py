"""A Spanish-speaking client, in a real browser: staff set the language (desktop), the
client (on a phone whose browser asks for English) reads the invitation in Spanish,
completes the welcome journey in Spanish, and gets a Spanish password-reset email."""

from __future__ import annotations

import re
from typing import Any

import pytest

from portico.access.actions import send_invite
from portico.accounts.models import User
from portico.audit.actor import Actor
from portico.clients.models import Client
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.browser.test_access_flow import deliver_queued
from tests.cast import at, make_client
from tests.portal.conftest import run_forgot_tasks

pytestmark = pytest.mark.usefixtures("local_mailbox")

NEW_PASSWORD = "río de piedras y faroles 7"


def open_email(tab: Any, subject: str) -> str:
    """Open the newest email with ``subject`` in the local mailbox; return its link path."""
    tab.goto("/mailbox/")
    tab.get_by_role("link", name=re.compile(re.escape(subject))).first.click()
    tab.wait_for_url("**/mailbox/*/")
    match = re.search(r"/p/maple/(?:welcome|reset)/([A-Za-z0-9_-]+)/", tab.content())
    assert match, f"a link in the email {subject!r}"
    return match.group(0)


def test_a_spanish_speaking_client_registers_and_resets_in_spanish(
    page: Any, phone: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    maple.phone, maple.email = "555-0100", "hola@maple.test"
    maple.save(update_fields=["phone", "email"])
    ana: Client = make_client(
        maple, owner, "Ana", "Ruiz", emails=("ana.ruiz@example.com",), dob=_dob()
    )

    # Staff choose Spanish on Ana's Personal information page (staff pages stay English).
    sign_in_as(page, live_server, owner)
    page.goto(at(maple, "clients:personal_information", ana.public_id))
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name=re.compile("^Save")).first.click()
    page.locator(".message").first.wait_for()
    screenshot(page, "spanish-01-staff-sets-language-desktop")
    ana.refresh_from_db()
    assert ana.language == "es"
    send_invite(ana, by=Actor.for_user(owner))
    deliver_queued()

    # The invitation, in Spanish, read from the local mailbox.
    link_path = open_email(page, "Cree su cuenta del portal para clientes de Maple Counseling")
    assert "Hola, Ana:" in page.content()
    page.frame_locator("iframe").first.get_by_role("link", name="Crear mi cuenta").wait_for()
    screenshot(page, "spanish-02-invitation-email-desktop")

    # On the phone (its browser asks for English): the welcome journey in Spanish.
    phone.goto(link_path)
    phone.get_by_role("heading", name="Cree su cuenta del portal").wait_for()
    assert phone.locator("html").get_attribute("lang") == "es"
    screenshot(phone, "spanish-03-welcome-phone")
    phone.get_by_role("link", name="Comenzar").click()
    phone.get_by_label("Su fecha de nacimiento").fill("13/25/1988")
    phone.get_by_role("button", name="Continuar").click()
    phone.get_by_text("con el mes primero").first.wait_for()
    phone.get_by_label("Su fecha de nacimiento").fill("01/01/1970")
    phone.get_by_role("button", name="Continuar").click()
    phone.get_by_text("no coincide con nuestros registros").wait_for()
    phone.get_by_text("Le quedan 4 intentos").wait_for()
    screenshot(phone, "spanish-04-wrong-date-of-birth-phone")
    phone.get_by_label("Su fecha de nacimiento").fill("03/25/1988")
    phone.get_by_role("button", name="Continuar").click()
    phone.get_by_role("heading", name="Elija su contraseña").wait_for()
    screenshot(phone, "spanish-05-choose-password-phone")
    phone.get_by_label("Elija una contraseña").fill("corta")
    phone.get_by_label("Escriba la contraseña otra vez").fill("corta")
    phone.get_by_role("button", name="Crear mi cuenta").click()
    phone.get_by_text("La contraseña es demasiado corta").wait_for()
    phone.get_by_label("Elija una contraseña").fill(NEW_PASSWORD)
    phone.get_by_label("Escriba la contraseña otra vez").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Crear mi cuenta").click()
    phone.wait_for_url(re.compile(r"/p/maple/(?!welcome)"))
    phone.goto(at(maple, "portal:home"))
    phone.get_by_role("heading", name="Hola, Ana").wait_for()
    phone.get_by_text("Su próximo paso").wait_for()
    screenshot(phone, "spanish-06-portal-home-phone")

    # Signed out, "¿Olvidó su contraseña?" in Spanish, and the Spanish reset email.
    phone.get_by_role("button", name="Cerrar sesión").first.click()
    phone.get_by_role("heading", name=re.compile("Inicie sesión en su portal")).wait_for()
    screenshot(phone, "spanish-07-sign-in-phone")
    phone.get_by_role("link", name="¿Olvidó su contraseña?").click()
    phone.get_by_label("Correo electrónico o nombre de usuario").fill("ana.ruiz@example.com")
    phone.get_by_role("button", name="Enviarme un enlace").click()
    phone.get_by_role("heading", name="Revise su correo").wait_for()
    screenshot(phone, "spanish-08-check-your-email-phone")
    run_forgot_tasks()
    deliver_queued()
    reset_path = open_email(page, "Restablezca su contraseña del portal de Maple Counseling")
    html_part = page.frame_locator("iframe").first
    html_part.get_by_role("link", name="Elija una nueva contraseña").wait_for()
    screenshot(page, "spanish-09-reset-email-desktop")
    phone.goto(reset_path)
    phone.get_by_role("heading", name="Elija una nueva contraseña").wait_for()
    screenshot(phone, "spanish-10-reset-phone")


def _dob() -> Any:
    from datetime import date

    return date(1988, 3, 25)
