"""Graphviz's SVG on a page: at the size it was laid out at, or scaling with its place.

>>> svg = '<?xml version="1.0"?><!-- made by dot --><svg width="300pt" height="150pt" viewBox="0 0 300 150"></svg>'
>>> svg_size(svg)
(400.0, 200.0)
>>> inline_svg(svg)
'<svg width="300pt" height="150pt" viewBox="0 0 300 150"></svg>'
"""

from __future__ import annotations

import re

__all__ = ["pixels", "svg_size", "responsive_svg", "inline_svg"]


def pixels(width: float, height: float) -> tuple[float, float]:
    """A size in points (Graphviz's unit) in CSS pixels."""
    return width * 4 / 3, height * 4 / 3


_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def svg_size(svg: str) -> tuple[float, float] | None:
    """The size Graphviz gave the drawing, in pixels (its SVG says points)."""
    match = _SIZE.search(svg)
    return pixels(float(match.group(1)), float(match.group(2))) if match else None


def responsive_svg(svg: str, *, largest: float = 2.0, max_height: str | None = None,
                   among: list[str] | None = None) -> str:
    """Graphviz's SVG made to scale with its place on a page, ready to go inside HTML.

    The drawing takes the width it is given, and the height where its container has one (a
    slide's space), keeping its shape: its text grows and shrinks with it, up to ``largest``
    times its own size (a small graph is not blown up to fill a screen).  ``max_height`` (CSS,
    e.g. ``"70vh"``) caps its height where the page sets none, as in a notebook.  The size is
    the SVG's own (its ``style``), so it works wherever the SVG is put: the slideshow, Jupyter,
    an ipywidgets ``HTML``.  The XML prolog, doctype and comments are left out.

    ``among``: the drawings shown one after another in the same place (a slideshow's frames,
    this one included).  Each takes the share of the space that its size is of the largest's,
    so that all are drawn at one scale and the picture does not zoom in and out between steps.
    """
    svg = inline_svg(svg)
    size = svg_size(svg)
    if size is None:
        return svg
    sizes = [found for found in map(svg_size, among or []) if found] or [size]
    share = (100 * size[0] / max(w for w, _ in sizes), 100 * size[1] / max(h for _, h in sizes))
    width, height = size[0] * largest, size[1] * largest
    tallest = f"min({height:.0f}px, {max_height})" if max_height else f"{height:.0f}px"
    # Where the place has no height (a notebook's output), the height follows the width (aspect-ratio).
    style = (f"display:block;margin:auto;width:{share[0]:.2f}%;height:{share[1]:.2f}%;"
             f"aspect-ratio:{size[0]:.1f}/{size[1]:.1f};max-width:{width:.0f}px;max-height:{tallest}")
    return _SIZE.sub(f'<svg style="{style}" preserveAspectRatio="xMidYMid meet"', svg, count=1)


def inline_svg(svg: str) -> str:
    """Graphviz's SVG without its XML prolog, doctype and comments, ready to sit inside HTML."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.S).strip()
