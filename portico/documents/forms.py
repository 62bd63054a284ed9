"""Forms: share a PDF, ask for a document, upload what was asked for.

Files are checked by content (``portico.files.uploads.check_upload``): a PDF is a
file that starts with ``%PDF-``, whatever its name says. The messages here speak
of documents, not photos.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portico.documents.models import TITLE_LIMIT, Category
from portico.files.kinds import JPEG, PDF, PNG, FileKind, kinds_in_words
from portico.files.uploads import MB, CheckedUpload, check_upload, sanitize_name

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DOCUMENT_LIMIT = 20 * MB
SHARE_KINDS: tuple[FileKind, ...] = (PDF,)
UPLOAD_KINDS: tuple[FileKind, ...] = (PDF, JPEG, PNG)


def check_document(uploaded: UploadedFile[bytes], *, kinds: tuple[FileKind, ...]) -> CheckedUpload:
    """``check_upload`` with messages about documents: what is wrong and what to do."""
    name = sanitize_name(uploaded.name)
    allowed = kinds_in_words(kinds)
    try:
        return check_upload(uploaded, kinds=kinds, max_bytes=DOCUMENT_LIMIT)
    except ValidationError as exc:
        if exc.code == "too_big":
            message = gettext("%(name)s is larger than the limit of 20 MB. Choose a smaller file.")
        elif exc.code == "empty":
            message = gettext("%(name)s is empty. Choose the file again.")
        else:
            message = gettext(
                "%(name)s is not a %(kinds)s file (we check what is inside, not the name). "
                "Choose a %(kinds)s file."
            )
        message %= {"name": name, "kinds": allowed}
        raise ValidationError(message, code=exc.code) from None


def _file_help(kinds: tuple[FileKind, ...]) -> str:
    """ "PDF, JPEG or PNG, up to 20 MB." in the language of the request."""
    return gettext("%(kinds)s, up to 20 MB.") % {"kinds": kinds_in_words(kinds)}


def _file_field(label: StrOrPromise, accept: str) -> forms.FileField:
    """The help text (kinds and limit) is set by each form when it is made."""
    return forms.FileField(
        label=label,
        widget=forms.ClearableFileInput(attrs={"accept": accept}),
        error_messages={"required": _("Choose a file to upload.")},
    )


class ShareForm(forms.Form):
    category = forms.ChoiceField(
        label=pgettext_lazy("staff", "Kind of document"),
        choices=Category.choices,
        error_messages={
            "required": pgettext_lazy("staff", "Choose what kind of document this is.")
        },
    )
    title = forms.CharField(
        label=pgettext_lazy("staff", "Title"),
        max_length=TITLE_LIMIT,
        help_text=pgettext_lazy(
            "staff", "Shown to staff and to the client in the portal; never put in emails."
        ),
        error_messages={
            "required": pgettext_lazy(
                "staff", "Give the document a title, such as “Statement for March”."
            )
        },
    )
    file = _file_field(pgettext_lazy("staff", "PDF file"), "application/pdf,.pdf")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "share_%s")  # the request form on the same page has a title
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help(SHARE_KINDS)

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data.get("title") or "").split())

    def clean_file(self) -> CheckedUpload:
        return check_document(self.cleaned_data["file"], kinds=SHARE_KINDS)


class RequestForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("staff", "What you need"),
        max_length=TITLE_LIMIT,
        help_text=pgettext_lazy(
            "staff",
            "Shown to the client in the portal, such as “Referral letter”; never in emails.",
        ),
        error_messages={
            "required": pgettext_lazy("staff", "Say what you need, such as “Referral letter”.")
        },
    )
    instructions = forms.CharField(
        label=pgettext_lazy("staff", "Instructions (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "ask_%s")
        super().__init__(*args, **kwargs)

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data.get("title") or "").split())


class UploadForm(forms.Form):
    file = _file_field(
        _("Your document"), "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
    )

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any) -> None:
        if prefix_id:
            kwargs.setdefault("auto_id", f"id_{prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _file_help(UPLOAD_KINDS)

    def clean_file(self) -> CheckedUpload:
        return check_document(self.cleaned_data["file"], kinds=UPLOAD_KINDS)
