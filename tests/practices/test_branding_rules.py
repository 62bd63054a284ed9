"""The brand's rules: what a logo may be (PNG checked, SVG rebuilt by an allow-list) and the
accent colour's contrast against white, at its exact boundary."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portico.practices.brand_rules import (
    LOGO_MAX_BYTES,
    PNG_TYPE,
    SVG_TYPE,
    check_logo,
    clean_accent_colour,
    contrast_with_white,
    ratio_in_words,
)
from tests.practices.brand_files import GOOD_SVG, png_bytes, png_claiming, svg, upload


def refusal(data: bytes, name: str = "logo.svg") -> str:
    with pytest.raises(ValidationError) as caught:
        check_logo(upload(data, name))
    return " ".join(caught.value.messages)


# --- PNG ----------------------------------------------------------------------------------


def test_a_real_png_is_accepted_as_it_is() -> None:
    data = png_bytes()
    checked = check_logo(upload(data))
    assert checked.content_type == PNG_TYPE
    assert checked.data == data
    assert checked.extension == "png"


def test_an_html_page_named_logo_png_is_refused_for_what_it_is() -> None:
    message = refusal(b"<!doctype html><html><script>alert(1)</script></html>", "logo.png")
    assert message.startswith("logo.png is not a PNG or SVG file")
    assert "at most 200 KB" in message


def test_a_file_over_200_kb_is_refused_and_the_message_names_the_limit() -> None:
    data = png_bytes() + b"\x00" * LOGO_MAX_BYTES
    message = refusal(data, "big.png")
    assert message.startswith("big.png is 201 KB; the limit is 200 KB.")


def test_a_png_larger_than_2000_pixels_either_way_is_refused_with_its_size() -> None:
    assert "2001×40 pixels; the limit is 2000×2000" in refusal(png_claiming(2001, 40), "w.png")
    assert "40×2001 pixels" in refusal(png_claiming(40, 2001), "h.png")
    assert check_logo(upload(png_claiming(2000, 2000))).content_type == PNG_TYPE


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: d[:30], "cut short"),
        (lambda d: d[:-1], "cut short"),
        (lambda d: d[:20] + bytes([d[20] ^ 1]) + d[21:], "damaged"),  # a wrong CRC
        (lambda d: d[:12] + b"IDAT" + d[16:], "damaged"),  # no IHDR first
    ],
)
def test_a_png_signature_on_a_broken_file_is_not_enough(damage: object, reason: str) -> None:
    data = damage(png_bytes())  # type: ignore[operator]
    assert reason in refusal(data, "broken.png")


def test_a_png_with_an_impossible_colour_format_is_refused() -> None:
    from tests.practices.brand_files import _chunk

    header = b"\x00\x00\x00\x04\x00\x00\x00\x04" + bytes([3, 2, 0, 0, 0])  # 3-bit RGB
    data = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IEND", b"")
    assert "impossible colour format" in refusal(data, "odd.png")


def test_an_empty_file_is_refused() -> None:
    assert "is empty" in refusal(b"", "logo.png")


# --- SVG ----------------------------------------------------------------------------------


def test_a_plain_svg_is_rebuilt_without_editor_metadata_or_comments() -> None:
    checked = check_logo(upload(GOOD_SVG, "logo.svg", "image/svg+xml"))
    assert checked.content_type == SVG_TYPE
    text = checked.data.decode()
    assert "<rect" in text and "Maple</text>" in text and 'fill="url(#g)"' in text
    assert 'xlink:href="#g"' in text
    assert "metadata" not in text and "sodipodi" not in text and "comment" not in text
    assert 'viewBox="0 0 120 40"' in text  # added so the drawing scales to the header


REFUSED_SVGS = [
    ("<script>alert(1)</script>", "it contains a script"),
    ('<script xlink:href="https://evil.test/x.js"/>', "it contains a script"),
    ('<rect width="5" height="5" onload="alert(1)"/>', "event handler (onload)"),
    ('<g onClick="steal()"><rect width="1" height="1"/></g>', "event handler (onClick)"),
    (
        '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml">hi</body></foreignObject>',
        "embedded web content (foreignObject)",
    ),
    ('<image href="https://evil.test/track.png" width="5" height="5"/>', "embeds another image"),
    ('<image xlink:href="data:image/png;base64,AAAA"/>', "embeds another image"),
    ('<use href="https://evil.test/sprite.svg#a"/>', "links to something outside the image"),
    ('<use xlink:href="javascript:alert(1)"/>', "links to something outside the image"),
    ('<rect width="1" height="1" fill="url(https://evil.test/p.svg#x)"/>', "outside the image"),
    ('<rect width="1" height="1" style="fill: url(//evil.test/a)"/>', "outside the image"),
    ("<style>@import url(https://evil.test/a.css);</style>", "contains code"),
    ("<style>rect { fill: url('https://evil.test/x') }</style>", "outside the image"),
    ('<rect width="1" height="1" style="background: javascript:alert(1)"/>', "contains code"),
    ('<rect style="fill: image-set(&quot;https://evil.test/a.png&quot; 1x)"/>', "outside"),
    (r"<style>rect { fill: \75 rl(https://evil.test/x) }</style>", "outside the image"),
    ("<style>@font-face { font-family: x; src: local(x) }</style>", "outside the image"),
    ('<rect width="1" height="1" fill="u&#114;l(https://evil.test/x)"/>', "outside the image"),
    ('<animate attributeName="href" to="javascript:alert(1)"/>', "animation"),
    ('<set attributeName="href" to="javascript:alert(1)"/>', "animation"),
]


@pytest.mark.parametrize(("body", "reason"), REFUSED_SVGS)
def test_an_svg_that_could_act_or_reach_out_is_refused_with_the_reason(
    body: str, reason: str
) -> None:
    message = refusal(svg(body))
    assert message.startswith("logo.svg cannot be used:")
    assert reason in message


def test_an_svg_with_a_dtd_or_entities_is_refused() -> None:
    entity = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
    assert "DTD or entity declarations" in refusal(svg("<text>&x;</text>", head=entity))
    external = '<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://evil.test/svg.dtd">'
    assert "DTD or entity declarations" in refusal(svg("", head=external))


def test_a_billion_laughs_is_refused_without_being_expanded() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;">]>'
    )
    assert "DTD or entity" in refusal(svg("<text>&c;</text>", head=laughs))


def test_svg_that_is_not_well_formed_or_not_svg_is_refused() -> None:
    assert "not a well-formed SVG" in refusal(b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
    assert "must be <svg" in refusal(b"<svg><rect/></svg>")  # no SVG namespace


def test_text_inside_a_dropped_element_does_not_survive_but_shapes_around_it_do() -> None:
    data = svg('<a href="https://evil.test"><text>click</text></a><rect width="1" height="1"/>')
    text = check_logo(upload(data, "logo.svg")).data.decode()
    assert "evil.test" not in text and "click" not in text and "<rect" in text


# --- accent colour --------------------------------------------------------------------------


def test_the_refusal_gives_the_colour_the_measured_ratio_and_the_rule() -> None:
    with pytest.raises(ValidationError) as caught:
        clean_accent_colour("#7a7a7a")
    assert caught.value.messages == [
        "#7A7A7A on white is 4.29:1; choose a darker colour so text stays readable "
        "(at least 4.5:1)."
    ]


def test_contrast_at_the_boundary_4_50_is_accepted_and_just_below_is_refused() -> None:
    # The closest 8-bit colours on either side of 4.5:1 (found by searching them all).
    assert 4.5 <= contrast_with_white("#7C7290") < 4.500001
    assert 4.4999 < contrast_with_white("#9A6C5A") < 4.5
    assert clean_accent_colour("#7c7290") == "#7C7290"
    with pytest.raises(ValidationError) as caught:
        clean_accent_colour("#9A6C5A")
    # Rounded down: a refused colour never reads as 4.50:1.
    assert "#9A6C5A on white is 4.49:1" in caught.value.messages[0]


def test_wcag_reference_values() -> None:
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#FFFFFF") == pytest.approx(1.0)
    assert ratio_in_words(contrast_with_white("#767676")) == "4.54:1"  # the well-known grey


@pytest.mark.parametrize("raw", ["1F5FA8", " #1f5fa8 "])
def test_a_colour_without_hash_or_with_spaces_is_tidied(raw: str) -> None:
    assert clean_accent_colour(raw) == "#1F5FA8"


@pytest.mark.parametrize("raw", ["#1F5FA", "#1F5FA80", "blue", "#GGGGGG", "rgb(0,0,0)"])
def test_anything_but_six_hex_digits_is_refused_with_an_example(raw: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_accent_colour(raw)
    assert "for example #1F5FA8" in caught.value.messages[0]


def test_blank_means_porticos_own_colour() -> None:
    assert clean_accent_colour("  ") == ""
