"""A file is what its first bytes say, whatever its name or the browser claims."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portico.files.kinds import HEIC, HEIF, JPEG, PDF, PHOTO_KINDS, PNG, detect_kind
from portico.files.uploads import MB, check_upload, sanitize_name
from portico.profiles.demo import tiny_png

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01"


def heic(brand: bytes) -> bytes:
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def test_jpeg_png_and_heic_are_recognised_by_their_first_bytes() -> None:
    assert detect_kind(JPEG_HEAD) is JPEG
    assert detect_kind(tiny_png()[:16]) is PNG
    for brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"hevm", b"hevs"):
        assert detect_kind(heic(brand)[:16]) is HEIC, brand
    for brand in (b"mif1", b"msf1"):
        assert detect_kind(heic(brand)[:16]) is HEIF, brand
    assert detect_kind(b"%PDF-1.7\n") is PDF


def test_other_content_is_nothing_we_know() -> None:
    for head in (
        b"<!doctype html><script>",
        b"GIF89a......",
        b"\x00\x00\x00\x18ftypmp42",  # an MP4 video: ISO-BMFF, but not an image brand
        b"\xff\xd8",  # too short to be a JPEG
        b"",
    ):
        assert detect_kind(head) is None, head


def test_a_png_named_jpg_is_accepted_as_a_png() -> None:
    upload = SimpleUploadedFile("card.jpg", tiny_png(), "image/jpeg")
    checked = check_upload(upload, kinds=PHOTO_KINDS, max_bytes=10 * MB)
    assert checked.kind is PNG and checked.name == "card.jpg"
    assert len(checked.sha256) == 64 and checked.size == len(tiny_png())


def test_an_html_page_named_like_a_photo_is_refused_naming_the_kinds_allowed() -> None:
    upload = SimpleUploadedFile("card.jpg", b"<html><script>alert(1)</script>", "image/jpeg")
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, kinds=PHOTO_KINDS, max_bytes=10 * MB)
    assert refused.value.code == "wrong_kind"
    assert "card.jpg is not a JPEG, PNG or HEIC file" in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused_naming_the_limit() -> None:
    upload = SimpleUploadedFile("big.jpg", JPEG_HEAD + b"\x00" * (11 * MB), "image/jpeg")
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, kinds=PHOTO_KINDS, max_bytes=10 * MB)
    assert refused.value.code == "too_big"
    assert "the limit is 10 MB" in refused.value.messages[0]


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    upload = SimpleUploadedFile("edge.jpg", JPEG_HEAD + b"\x00" * (MB - len(JPEG_HEAD)))
    assert check_upload(upload, kinds=PHOTO_KINDS, max_bytes=MB).size == MB


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError, match="is empty"):
        check_upload(SimpleUploadedFile("x.png", b""), kinds=PHOTO_KINDS, max_bytes=MB)


def test_a_pdf_is_refused_where_only_photos_are_allowed() -> None:
    upload = SimpleUploadedFile("card.pdf", b"%PDF-1.7 ...")
    with pytest.raises(ValidationError, match="not a JPEG, PNG or HEIC"):
        check_upload(upload, kinds=PHOTO_KINDS, max_bytes=MB)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\card front.jpg", "card front.jpg"),
        ("ca\x00rd\r\n.png", "card.png"),
        ("  .hidden  ", "hidden"),
        ("", "upload"),
        (None, "upload"),
    ],
)
def test_an_uploaded_name_keeps_only_printable_characters_of_its_last_part(
    raw: str | None, kept: str
) -> None:
    assert sanitize_name(raw) == kept


def test_a_very_long_name_is_cut_keeping_its_extension() -> None:
    name = sanitize_name("a" * 500 + ".jpeg")
    assert len(name) == 200 and name.endswith(".jpeg")
