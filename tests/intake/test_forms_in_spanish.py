"""A Spanish-speaking client fills in forms in Spanish: list, form, errors, thanks, answers."""

from __future__ import annotations

from portico.accounts.models import User
from portico.clients.models import Client
from portico.intake import actions
from portico.intake.models import QuestionKind
from portico.practices.models import Practice
from tests.cast import at, by
from tests.intake.helpers import (
    about_you,
    fill_url,
    full_answers,
    portal_http,
    portal_user_for,
    questions,
)


def _speaks_spanish(client: Client) -> None:
    # The language staff set on the client's page; the portal reads it on every request.
    Client.objects.filter(pk=client.pk).update(language="es")


def test_a_spanish_speaking_client_fills_in_a_form_in_spanish(
    maple: Practice, owner: User, casey: Client
) -> None:
    form = about_you(maple, owner)
    assignment = actions.send_form(casey, form, by=by(owner)).assignment
    http = portal_http(portal_user_for(casey, owner))
    _speaks_spanish(casey)

    listed = http.get(at(maple, "portal_forms:list")).content.decode()
    assert "Sus formularios" in listed and "Por hacer" in listed and "Empezar" in listed
    assert "Your forms" not in listed and "To do" not in listed

    page = http.get(fill_url(maple, assignment)).content.decode()
    assert "Guardar borrador" in page and "(opcional)" in page
    assert "Save draft" not in page and "Questions marked optional" not in page

    date = next(q for q in questions(form) if q.kind == QuestionKind.DATE)
    wrong = full_answers(form, **{f"q{date.pk}": "31/12/2025"})
    refused = http.post(fill_url(maple, assignment), {**wrong, "action": "submit"})
    text = refused.content.decode()
    assert "Escriba la fecha como MM/DD/AAAA" in text
    assert "Todavía no se envió nada" in text
    assert "Enter a date as" not in text and "Nothing was sent" not in text

    sent = http.post(
        fill_url(maple, assignment), {**full_answers(form), "action": "submit"}, follow=True
    )
    done = sent.content.decode()
    assert "se envió a Maple" in done and "No tiene más formularios por llenar" in done
    assert "Thank you" not in done

    answers = http.get(fill_url(maple, assignment)).content.decode()
    assert "Sus respuestas" in answers and "Enviado a" in answers
    assert "Your answers" not in answers and "Sent to" not in answers


def test_the_next_step_for_forms_speaks_spanish(
    maple: Practice, owner: User, casey: Client
) -> None:
    actions.send_form(casey, about_you(maple, owner), by=by(owner))
    http = portal_http(portal_user_for(casey, owner))
    _speaks_spanish(casey)
    home = http.get(at(maple, "portal:home")).content.decode()
    assert "Complete 1 formulario" in home
    assert "Complete 1 form<" not in home
