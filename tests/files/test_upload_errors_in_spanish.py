"""Upload refusals say what is wrong in the reader's language, with their number format."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from portico.files.kinds import PHOTO_KINDS, kinds_in_words
from portico.files.uploads import MB, check_upload

PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def _refusal(upload: SimpleUploadedFile, *, limit: int = 10 * MB) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, kinds=PHOTO_KINDS, max_bytes=limit)
    return " ".join(refused.value.messages)


def test_the_kinds_are_listed_with_the_languages_or() -> None:
    assert kinds_in_words(PHOTO_KINDS) == "JPEG, PNG or HEIC"
    with translation.override("es"):
        assert kinds_in_words(PHOTO_KINDS) == "JPEG, PNG o HEIC"


def test_a_file_of_the_wrong_kind_is_refused_in_spanish() -> None:
    with translation.override("es"):
        message = _refusal(SimpleUploadedFile("card.jpg", b"<html></html>", "image/jpeg"))
    assert message.startswith("card.jpg no es un archivo JPEG, PNG o HEIC.")
    assert "los teléfonos guardan las fotos como JPEG o HEIC" in message


def test_a_photo_over_the_limit_gives_both_sizes_with_a_decimal_comma() -> None:
    big = SimpleUploadedFile("card.png", PNG_HEAD + b"\x00" * int(1.5 * MB), "image/png")
    with translation.override("es"):
        message = _refusal(big, limit=MB)
    assert message.startswith("card.png pesa 1,5 MB; el límite es de 1 MB.")
    big.seek(0)
    assert _refusal(big, limit=MB).startswith("card.png is 1.5 MB; the limit is 1 MB.")


def test_an_empty_file_is_refused_in_spanish() -> None:
    with translation.override("es"):
        message = _refusal(SimpleUploadedFile("card.png", b"", "image/png"))
    assert message == "card.png está vacío. Elija la foto de nuevo."
