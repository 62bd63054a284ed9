"""Browser walk: staff share a statement, the client opens it, staff see "opened".

Desktop and phone width, screenshots kept. Headless Chromium downloads a PDF
instead of showing it, so the client opens it with Download (the same checked
view as View, which is checked for its inline headers here too).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from portico.accounts.models import User
from portico.clients.models import Client
from portico.documents.models import Document
from portico.documents.pdf import simple_pdf
from portico.mail.models import EmailKind, OutboundEmail
from portico.practices.models import Practice
from tests.browser.conftest import screenshot, sign_in_as
from tests.cast import at, make_client
from tests.portal.conftest import register

TABS = ["page", "phone"]
TITLE = "Statement for March"


@pytest.mark.parametrize("tab_name", TABS)
def test_staff_share_a_statement_the_client_opens_it_and_staff_see_opened(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    casey: Client = make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    account = register(casey, owner, username="casey")
    staff_page = at(maple, "staff_documents:client", casey.public_id)

    # Staff: a file that is not a PDF is refused, then the statement is shared.
    sign_in_as(tab, live_server, owner)
    tab.goto(staff_page)
    expect(tab.get_by_role("heading", name="Documents: Casey Client")).to_be_visible()
    tab.get_by_label("Kind of document").select_option("statement")
    tab.get_by_label("Title").fill(TITLE)
    tab.get_by_label("PDF file").set_input_files(
        {"name": "march.pdf", "mimeType": "application/pdf", "buffer": b"<html>not a pdf</html>"}
    )
    tab.get_by_role("button", name="Share with the client").click()
    expect(tab.get_by_text("march.pdf is not a PDF file")).to_be_visible()
    assert tab.get_by_label("Title").input_value() == TITLE  # nothing typed is lost
    screenshot(tab, f"staff-documents-refused-{tab_name}")
    assert not Document.objects.exists()
    tab.get_by_label("PDF file").set_input_files(
        {
            "name": "march.pdf",
            "mimeType": "application/pdf",
            "buffer": simple_pdf(["Maple Counseling: statement", "Balance due $0.00"]),
        }
    )
    tab.get_by_role("button", name="Share with the client").click()
    expect(tab.get_by_text("Shared with Casey.")).to_be_visible()
    expect(tab.get_by_text("Not opened yet")).to_be_visible()
    screenshot(tab, f"staff-documents-shared-{tab_name}")
    (email,) = OutboundEmail.objects.filter(kind=EmailKind.DOCUMENT_WAITING)
    assert TITLE not in email.text_body and "march" not in email.text_body

    # The client: the statement is listed, as new; opening it is recorded.
    sign_in_as(tab, live_server, account)
    tab.goto(at(maple, "portal:home"))
    expect(tab.get_by_text("Open 1 new document")).to_be_visible()
    screenshot(tab, f"portal-home-new-document-{tab_name}")
    tab.goto(at(maple, "portal_documents:list"))
    expect(tab.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(tab.get_by_text("New", exact=True)).to_be_visible()
    screenshot(tab, f"portal-documents-{tab_name}")
    view_url = tab.get_by_role("link", name=f"View {TITLE}").get_attribute("href")
    shown = tab.request.get(view_url)
    assert shown.ok and shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline")
    with tab.expect_download() as download:
        tab.get_by_role("link", name=f"Download {TITLE}").click()
    assert download.value.suggested_filename == "march.pdf"
    tab.reload()
    expect(tab.get_by_text("New", exact=True)).to_have_count(0)

    # Staff: opened, on the date, by the client.
    sign_in_as(tab, live_server, owner)
    tab.goto(staff_page)
    expect(tab.get_by_text("Opened on")).to_be_visible()
    expect(tab.get_by_text("by Casey Client")).to_be_visible()
    screenshot(tab, f"staff-documents-opened-{tab_name}")
    document = Document.objects.get()
    assert document.first_opened_at is not None


@pytest.mark.parametrize("tab_name", TABS)
def test_staff_ask_for_a_letter_and_the_client_uploads_it(
    tab_name: str, request: Any, live_server: Any, maple: Practice, owner: User
) -> None:
    tab = request.getfixturevalue(tab_name)
    casey: Client = make_client(maple, owner, "Casey", "Client", emails=("casey@example.com",))
    account = register(casey, owner, username="casey")
    staff_page = at(maple, "staff_documents:client", casey.public_id)

    sign_in_as(tab, live_server, owner)
    tab.goto(staff_page)
    tab.get_by_label("What you need").fill("Referral letter")
    tab.get_by_label("Instructions (optional)").fill("A scan or a photo is fine.")
    tab.get_by_role("button", name="Ask the client").click()
    screenshot(tab, f"staff-documents-asked-{tab_name}")
    expect(tab.get_by_text("Waiting for the client")).to_be_visible()

    sign_in_as(tab, live_server, account)
    tab.goto(at(maple, "portal_documents:list"))
    expect(tab.get_by_role("heading", name="Referral letter")).to_be_visible()
    tab.get_by_label("Your document").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a not a pdf"}
    )
    tab.get_by_role("button", name="Upload Referral letter").click()
    expect(tab.get_by_text("letter.pdf is not a PDF, JPEG or PNG file")).to_be_visible()
    screenshot(tab, f"portal-documents-upload-refused-{tab_name}")
    tab.get_by_label("Your document").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": simple_pdf(["Referral"])}
    )
    tab.get_by_role("button", name="Upload Referral letter").click()
    expect(tab.get_by_text("Maple Counseling can see your document now")).to_be_visible()
    screenshot(tab, f"portal-documents-uploaded-{tab_name}")

    sign_in_as(tab, live_server, owner)
    tab.goto(staff_page)
    expect(tab.get_by_text("by Casey Client")).to_be_visible()
    with tab.expect_download() as download:
        tab.get_by_role("link", name="Download Referral letter").click()
    assert download.value.suggested_filename == "letter.pdf"
    screenshot(tab, f"staff-documents-uploaded-{tab_name}")
