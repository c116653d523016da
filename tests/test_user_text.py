"""Labels are the user's text: drawn as data in DOT, SVG and HTML, or refused naming the label."""

import html
import xml.etree.ElementTree as ET

import pytest
from helpers import need_dot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from micrograd_like import Value, backward_steps, draw_dot

SVG = "{http://www.w3.org/2000/svg}"

# What a hostile or careless user might write, beside hypothesis's own text.
ODD = ["$title", "${slides}", "$$", "{svg}", "{0}", "%s", "<script>alert(1)</script>", "a\\l", "x\"y", "{ a | b }",
       "<b>", "&amp;", "\n", "a\nb", "\t", " ", "\u2028", "\u200b", "σ²",
       "👩‍🔬", "\x00", "a\x01b", "\ud800", "\ufffe", "σ z", "x" * 1001]


def drawn_texts(svg: str) -> str:
    return "\n".join(t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text"))


def refused_naming_the_label(error: ValueError, label: str) -> bool:
    return str(error).startswith(f"the label {label[:40]!r}"[:20]) and "cannot be drawn" in str(error)


@pytest.mark.parametrize("label", ["a\x00b", "\ud800", "x" * 1001, "a\x01b"])
def test_what_cannot_be_drawn_is_refused_naming_the_label(label):
    node = Value(1.0, label=label) * 2
    with pytest.raises(ValueError, match="cannot be drawn") as caught:
        draw_dot(node)  # building the DOT refuses it: nothing reaches Graphviz
    assert refused_naming_the_label(caught.value, label)
    with pytest.raises(ValueError, match="cannot be drawn"):
        backward_steps(node).draw()


def test_a_label_like_a_placeholder_of_the_page_stays_text(tmp_path):
    need_dot()
    a, b = Value(2.0, label="{svg}"), Value(3.0, label="$slides ${title} $$")
    page = backward_steps(a * b).save_html(tmp_path / "odd.html", title="$title {svg}").read_text(encoding="utf-8")
    assert page.count('<section class="slide"') == 3
    assert page.count('<div class="graph"><svg') == 3  # every slide got its own drawing
    assert "({svg}).grad" in page and "$slides ${title} $$" in page
    assert "<title>$title {svg}</title>" in page


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=30), st.sampled_from(ODD)))
def test_any_label_is_drawn_as_text_or_refused_by_name(label):
    need_dot()
    node = Value(1.5, label=label) * Value(-2.0, label="w")
    try:
        drawing = draw_dot(node)
    except ValueError as error:
        assert refused_naming_the_label(error, label)
        return
    texts = drawn_texts(drawing.svg())  # well-formed SVG, whatever the label
    for line in label.split("\n"):
        if line.strip():
            assert " ".join(line.split()) in " ".join(texts.split())


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(label=st.one_of(st.text(max_size=20), st.sampled_from(ODD)))
def test_any_label_makes_a_whole_slideshow_or_is_refused_by_name(label, tmp_path_factory):
    need_dot()
    node = Value(1.5, label=label) * Value(-2.0, label="w")
    path = tmp_path_factory.mktemp("page") / "pass.html"
    try:
        page = backward_steps(node).save_html(path).read_text(encoding="utf-8")
    except ValueError as error:
        assert refused_naming_the_label(error, label) and not path.exists()
        return
    assert page.count('<section class="slide"') == 3 and page.count('<div class="graph"><svg') == 3
    assert page.count("</html>") == 1 and page.count("<script>") == 1  # the page's own script only
    if label.strip():
        assert html.escape(label) in page


@pytest.mark.parametrize("label", ["σ z", "¡ 0", "é x"])
def test_a_space_after_a_non_ascii_letter_is_drawn(label):
    need_dot()
    node = Value(1.5, label=label) * Value(-2.0, label="w")
    assert label in drawn_texts(draw_dot(node).svg())
