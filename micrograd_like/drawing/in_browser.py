"""Drawings laid out in the page: Graphviz compiled to WebAssembly, for where ``dot`` cannot run.

In Pyodide (JupyterLite, marimo in the browser, a lesson site with nothing to install) no
program can be started, so neither Graphviz's ``dot`` nor ``graphviz-pure`` can lay a drawing
out.  The package ships Graphviz itself compiled to WebAssembly, the npm package
``@viz-js/viz`` (MIT; version in :func:`viz_version`), as one ES module with the wasm inside it
(``micrograd_like/drawing/viz/viz-standalone.mjs``, about 1.2 MB; ``viz.json`` beside it records
where it came from and its checksums, ``scripts/fetch_viz.py`` fetches another version).  It lays
out the same DOT the project writes, in the browser: Python writes the DOT, the page draws it.

The order of preference stays: ``dot``, else ``graphviz-pure`` (both in Python, see
:func:`~micrograd_like.drawing.render.layout_program`), else the page; :func:`dot_available`
says whether Python can lay out here.

**The contract every front-end follows** (the slideshow's page, the widgets, a lesson site):

1. ``globalThis.__micrograd_like_viz`` (:data:`VIZ_GLOBAL`) holds a loaded viz instance, or a
   promise of one: read it with ``await``, whichever it is.  A page may preload it.
2. If it is not set, import the module: from a Blob URL of its text (:func:`viz_source`, sent
   through a widget's trait, or :func:`page_script`'s copy in the page), or from its URL next
   to a page served over HTTP (a ``file://`` page cannot import a module file), call
   ``await module.instance()`` once, and set the global to the instance (or to the promise,
   at once, so that two drawings starting together load it once).
3. Draw with ``viz.renderSVGElement(dot)`` (an ``<svg>`` element, the same SVG ``dot -Tsvg``
   writes) or ``viz.renderString(dot, {format: "svg"})``; both throw an Error whose message is
   Graphviz's on DOT it cannot lay out.

:data:`LOADER_JS` is that contract as a JavaScript function, ``micrograd_like_viz(module)``,
to paste into a front-end::

    const viz = await micrograd_like_viz(moduleText);   // text, bytes, or a URL object
    holder.replaceChildren(viz.renderSVGElement(dot));

:func:`page_script` is everything a static HTML page needs, the module included (as base64:
an HTML parser would change the NUL bytes of the wasm written inside it): each element with a
``data-dot`` attribute (:func:`dot_attribute`) is drawn there when it is first shown, scaled to
its place as :func:`~micrograd_like.drawing.svg.responsive_svg` scales dot's drawings.
"""

from __future__ import annotations

import base64
import html
import json
from functools import cache
from importlib import resources

from . import render
from .projector import BELOW, BESIDE

__all__ = ["viz_source", "viz_version", "viz_record", "dot_available", "dot_attribute", "page_script",
           "VIZ_GLOBAL", "VIZ_FILE", "LOADER_JS"]

VIZ_GLOBAL = "__micrograd_like_viz"
"""The name on ``globalThis`` under which a page keeps its one viz instance (or the promise of it)."""

VIZ_FILE = "viz-standalone.mjs"
"""The vendored ES module's name, in the package's ``drawing/viz`` folder."""


def _viz_file(name: str):
    return resources.files(__package__).joinpath("viz", name)


@cache
def viz_source() -> str:
    """The text of the vendored viz.js ES module (Graphviz and its wasm inside), read once.

    >>> viz_source().startswith("/*!")
    True
    """
    return _viz_file(VIZ_FILE).read_text(encoding="utf-8")


@cache
def viz_record() -> dict:
    """What ``viz.json`` records of the vendored module: package, version, Graphviz's version,
    the npm tarball's address and sha512 integrity, the module's sha256."""
    return json.loads(_viz_file("viz.json").read_text(encoding="utf-8"))


def viz_version() -> str:
    """The version of ``@viz-js/viz`` shipped (Graphviz's own is ``viz_record()["graphviz"]``).

    >>> viz_version().count(".")
    2
    """
    return viz_record()["version"]


def dot_available() -> bool:
    """True when Python can lay drawings out here: Graphviz's ``dot``, or ``graphviz-pure``, is
    found (as :func:`~micrograd_like.drawing.render.render` finds them); False means the page
    must draw them itself (in Pyodide, say)."""
    try:
        render.layout_program()
    except render.GraphvizNotFoundError:
        return False
    return True


def dot_attribute(source: str) -> str:
    """The attribute that asks :func:`page_script` to draw ``source`` in an element: `` data-dot="..."``
    (escaped: whatever a label says, it stays data).

    >>> dot_attribute('digraph { a [label="<b>"] }')
    ' data-dot="digraph { a [label=&quot;&lt;b&gt;&quot;] }"'
    """
    return f' data-dot="{html.escape(source, quote=True)}"'


LOADER_JS = """\
// The one viz instance of this page (see micrograd_like.drawing.in_browser): the global's, else
// imported from `module` (the module's text or bytes, or a URL object) and kept on the global.
async function micrograd_like_viz(module) {
  const key = "KEY";
  if (!globalThis[key]) {
    globalThis[key] = (async () => {
      const blob = module instanceof URL ? null : URL.createObjectURL(new Blob([module], { type: "text/javascript" }));
      try {
        return await (await import(blob || module.href)).instance();
      } finally {
        if (blob) { URL.revokeObjectURL(blob); }
      }
    })();
    globalThis[key].catch(() => { delete globalThis[key]; });  // a load that failed can be tried again
  }
  return await globalThis[key];
}
""".replace("KEY", VIZ_GLOBAL)


_PAGE_JS = """\
LOADER
// Graphviz's size in points as CSS pixels, and the drawing made to take its place, as
// responsive_svg does for dot's SVG: at one scale with `sizes` (the drawings shown in turn there).
function size(svg) {
  return [parseFloat(svg.getAttribute("width")) * 4 / 3, parseFloat(svg.getAttribute("height")) * 4 / 3];
}
function fit(svg, own, sizes) {
  const widest = Math.max(...sizes.map(s => s[0])), tallest = Math.max(...sizes.map(s => s[1]));
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
  svg.setAttribute("style", `display:block;margin:auto;width:${(100 * own[0] / widest).toFixed(2)}%;` +
    `height:${(100 * own[1] / tallest).toFixed(2)}%;aspect-ratio:${own[0].toFixed(1)}/${own[1].toFixed(1)};` +
    `max-width:${(own[0] * LARGEST).toFixed(0)}px;max-height:${(own[1] * LARGEST).toFixed(0)}px`);
}
// Words below a wide drawing, beside a tall one: micrograd_like.drawing.projector.arrangement.
function arrange(own) {
  const scale = space => Math.min(space[0] / own[0], space[1] / own[1]);
  document.body.classList.remove("below", "beside");
  document.body.classList.add(scale(BELOW) >= scale(BESIDE) ? "below" : "beside");
}

const LARGEST = @largest, SHARED = @shared, ARRANGE = @arrange, BELOW = @below, BESIDE = @beside;
const holders = Array.from(document.querySelectorAll("[data-dot]"));
const drawn = new Map();  // holder -> [svg, size], or an Error

function draw(viz, holder) {
  if (!drawn.has(holder)) {
    try {
      const svg = viz.renderSVGElement(holder.dataset.dot);
      drawn.set(holder, [svg, size(svg)]);
    } catch (error) {
      drawn.set(holder, error);
    }
  }
  return drawn.get(holder);
}
function show(holder, sizes) {
  const done = drawn.get(holder);
  if (done instanceof Error) {
    holder.textContent = "This graph could not be drawn: " + done.message;
    return;
  }
  fit(done[0], done[1], sizes || [done[1]]);
  holder.replaceChildren(done[0]);
  holder.dataset.drawn = "";
}

function failed(error) {
  for (const holder of holders) {
    holder.textContent = "The graph cannot be drawn in this browser: " + error.message;
  }
}

async function start() {
  const text = document.getElementById("micrograd-like-viz").textContent;
  const viz = await micrograd_like_viz(Uint8Array.from(atob(text.trim()), c => c.charCodeAt(0)));
  if (holders.length === 0) { return; }
  const first = draw(viz, holders[0]);
  if (ARRANGE && !(first instanceof Error)) { arrange(first[1]); }
  if (SHARED) {  // every drawing now, all at one scale
    const sizes = holders.map(h => draw(viz, h)).filter(d => !(d instanceof Error)).map(d => d[1]);
    holders.forEach(h => show(h, sizes));
    return;
  }
  // each at its own scale, when it is first shown
  const showShown = () => {
    for (const holder of holders) {
      if (!("drawn" in holder.dataset) && holder.getClientRects().length > 0) {
        draw(viz, holder);
        show(holder);
      }
    }
  };
  new MutationObserver(showShown).observe(document.body, { attributes: true, subtree: true,
                                                           attributeFilter: ["hidden", "class", "style"] });
  showShown();
}
start().catch(failed);
"""


@cache
def _module_base64() -> str:
    return base64.b64encode(viz_source().encode("utf-8")).decode("ascii")


def page_script(*, largest: float = 2.0, shared_scale: bool = False, arrange: bool = False) -> str:
    """HTML for the end of a page's ``<body>``: the viz module (as base64 data, nothing fetched)
    and the script that draws each element with a ``data-dot`` attribute (:func:`dot_attribute`)
    into it, in place of what it holds, when it is first shown (shown: not ``hidden`` nor
    ``display: none``).

    Each drawing scales to its place as :func:`~micrograd_like.drawing.svg.responsive_svg`
    scales dot's: up to ``largest`` times its own size.  ``shared_scale``: the elements are
    shown one after another in the same place (a slideshow's frames of one graph), so all are
    drawn at once, at one scale.  ``arrange``: the first drawing's shape sets the page body's
    class, ``below`` or ``beside`` (see :func:`~micrograd_like.drawing.projector.arrangement`).
    A drawing Graphviz refuses shows Graphviz's message in its place.
    """
    values = {"@largest": float(largest), "@shared": bool(shared_scale), "@arrange": bool(arrange),
              "@below": list(BELOW), "@beside": list(BESIDE)}
    script = _PAGE_JS.replace("LOADER\n", LOADER_JS)
    for name, value in values.items():
        script = script.replace(name, json.dumps(value))
    return (f'<script type="application/octet-stream" id="micrograd-like-viz">{_module_base64()}</script>\n'
            f'<script type="module">\n{script}</script>')
