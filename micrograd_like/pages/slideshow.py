"""The slideshow: a backward pass as SVG files, one per step, or as one offline HTML page.

Every position of a :class:`~micrograd_like.teach.stepper.Stepper` is drawn (Graphviz runs once per
drawing, several at a time); the SVG files carry the step's caption above the drawing, and
the HTML page (the template ``templates/slideshow.html``, shipped with the package) shows the
words below it (or beside a tall drawing), with Previous/Next buttons and the arrow keys.
Drawings are made for a projector (see :mod:`micrograd_like.drawing.projector`): values as cards, the
direction that fits the screen best, and a page whose drawing scales to the window.
``Stepper.save_svgs`` and ``Stepper.save_html`` call the functions here; :func:`slide_svg` is
the current step's drawing, scaled to its place, for any page (Jupyter, a widget).

Where Python cannot lay drawings out (no ``dot``, no ``graphviz-pure``: Pyodide, say), the
page carries each position's DOT and Graphviz compiled to WebAssembly, and draws each slide
itself (see :mod:`micrograd_like.drawing.in_browser`).
"""

from __future__ import annotations

import html
import os
import re
import string
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..drawing.dot import COLOURS
from ..drawing.in_browser import dot_attribute, dot_available, page_script
from ..drawing.projector import BELOW, BESIDE, LEGIBLE, NOTEBOOK, arrangement, rankdir_for, text_size
from ..drawing.svg import inline_svg, responsive_svg
from ..teach.words import formula_of, whole_formula
from .files import folders_made, plain_file, refuse_link, write_file, write_over

if TYPE_CHECKING:
    from ..teach.stepper import Stepper

__all__ = ["save_svgs", "save_html", "estimate", "notebook_html", "slide_svg", "slide_options", "slideshow_title",
           "legend", "LEGEND", "HIDDEN_INPUTS", "MANIFEST", "MAX_STEPS", "PassTooLongError"]

T, R = TypeVar("T"), TypeVar("R")

MANIFEST = ".micrograd-like-frames"
"""The file in which :func:`save_svgs` lists the frames it wrote into a folder, one name a line:
only the files listed there are ever replaced or removed, never a file the user put there."""


MAX_STEPS = 1000
"""The longest pass :func:`save_svgs` and :func:`save_html` draw unless given a larger ``max_steps``:
a drawing per position, each a run of Graphviz (about 20 ms, 7 kB), so 1,000 steps take about
20 s and 7 MB, and a slideshow far longer is no longer one a class can follow."""


class PassTooLongError(ValueError):
    """A pass with more steps than ``max_steps``: drawn, it would take long and make big files.
    :attr:`summary` is the fact alone (the command line gives its own advice)."""

    def __init__(self, steps: int, limit: int) -> None:
        self.steps, self.limit = steps, limit
        super().__init__(f"{self.summary}: pass max_steps={steps} to draw it anyway")

    @property
    def summary(self) -> str:
        return (f"this pass has {self.steps:,} steps, more than the {self.limit:,} a slideshow draws unless told "
                f"more: {self.steps + 1:,} drawings, each a run of Graphviz")


def _check_length(stepper: Stepper, max_steps: int) -> None:
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise ValueError(f"max_steps must be a whole number of at least 1, got {max_steps!r}")
    if len(stepper.steps) > max_steps:
        raise PassTooLongError(len(stepper.steps), max_steps)


def estimate(stepper: Stepper, *, max_steps: int = MAX_STEPS, **options) -> tuple[int, int]:
    """How big :func:`save_svgs` or :func:`save_html` of this pass will be, before drawing it:
    the number of drawings, and about how many bytes they make (one drawing, from the middle of
    the pass, rendered and counted as many times as there are drawings).  Refuses what they
    would refuse (a PassTooLongError past ``max_steps``); the drawing rendered is kept, so
    saving does not render it again.

    >>> from micrograd_like import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> frames, size = estimate((a * b).backward_steps())
    >>> frames, size > 1000
    (3, True)
    """
    _check_length(stepper, max_steps)
    options = slide_options(stepper, options)
    middle = len(stepper.steps) // 2
    for position in stepper._each_position():  # (which comes back to where it was)
        if position == middle:
            drawing = stepper.draw(caption=False, **options)
            break
    svg = stepper._rendered.get(drawing.source) or drawing.svg()
    stepper._rendered[drawing.source] = svg
    frames = len(stepper.steps) + 1
    return frames, frames * len(svg.encode("utf-8"))


def save_svgs(stepper: Stepper, directory: str | Path, *, progress: Callable[[int, int], None] | None = None,
              max_steps: int = MAX_STEPS, **options) -> list[Path]:
    """Write one SVG per position, ``step-00.svg`` (the start) to ``step-NN.svg`` (the end),
    into ``directory`` (made if needed); return their paths.  ``progress(done, total)`` is
    called as each drawing is rendered; ``options`` go to ``Stepper.draw`` (see
    :func:`slide_options`: a pass too big to read whole is drawn a step at a time).  Drawings the last
    ``save_svgs`` or ``save_html`` rendered are not rendered again: writing both costs one.

    The folder may hold the user's own files: nothing this project did not write is replaced
    or removed.  The frames written are listed in the folder's :data:`MANIFEST`; frames an
    earlier, longer pass listed there are removed, so the frames listed are exactly this
    pass's.  A file of the user's (or a symbolic link) with a frame's name is refused, with a
    FileExistsError, before anything is drawn, and so is a ``directory`` that is itself a
    symbolic link: nothing is written through one.  A drawing refused (too large, bad options) is
    refused before anything is rendered or any folder is made.  Every frame is rendered before
    the first is written, and each is written whole (see :mod:`.files`): stopped while drawing
    (Ctrl-C), it leaves the folder as it was.  A pass of more than ``max_steps`` steps
    (:data:`MAX_STEPS` unless given) is refused with a PassTooLongError, before any drawing;
    :func:`estimate` says how big the result will be.
    """
    _check_length(stepper, max_steps)
    directory = Path(directory)
    options = slide_options(stepper, options)
    _check_drawable(stepper, options)
    width = max(2, len(str(len(stepper.steps))))
    names = [f"step-{position:0{width}d}.svg" for position in range(len(stepper.steps) + 1)]
    refuse_link(directory)
    refuse_link(directory / MANIFEST)
    ours = _written_before(directory)
    for name in names:
        path = directory / name
        if (path.exists() or path.is_symlink()) and not (name in ours and plain_file(path)):
            raise FileExistsError(f"{path} is not a frame micrograd-like wrote, and is left alone: "
                                  "write the frames into another folder, or move that file away")
    frames = _frames(stepper, progress, options)
    directory.mkdir(parents=True, exist_ok=True)
    # The manifest first, naming this pass's frames as well as the last one's: stopped part way,
    # every frame of ours in the folder is still listed as ours.
    write_over(directory / MANIFEST, "".join(f"{name}\n" for name in sorted(ours | set(names))))
    paths = []
    for name, (caption, svg) in zip(names, frames):
        write_over(directory / name, _with_caption(svg, caption))
        paths.append((directory / name).resolve())
    for old in sorted(ours - set(names)):
        if plain_file(directory / old):
            (directory / old).unlink()
    write_over(directory / MANIFEST, "".join(f"{name}\n" for name in names))
    return paths


def _written_before(directory: Path) -> set[str]:
    """The frame names the folder's manifest lists (none without one, or if it is not a plain file)."""
    manifest = directory / MANIFEST
    if not plain_file(manifest):
        return set()
    lines = manifest.read_text(encoding="utf-8", errors="replace").splitlines()
    return {line for line in lines if _FRAME.fullmatch(line)}  # names only: never a path elsewhere


_FRAME = re.compile(r"step-\d+\.svg")  # the names save_svgs gives its files


def slide_options(stepper: Stepper, options: dict,
                  spaces: tuple[tuple[float, float], ...] = (BELOW, BESIDE)) -> dict:
    """``Stepper.draw``'s options for slides: ``options``, with the projector look
    (``projector=True``) and, for the whole graph, the direction that fits a projector best
    (:func:`rankdir_for`) unless they are given.

    ``around`` (each step's node and operands only, in ``draw_around``'s look) is decided
    here unless it is given: a pass whose whole graph, scaled to the roomiest of ``spaces``
    (a slide's; :data:`~micrograd_like.drawing.projector.NOTEBOOK` for a notebook), would draw its
    values' text smaller than :data:`~micrograd_like.drawing.projector.LEGIBLE` is shown one step at
    a time.  ``around=False`` keeps the whole graph however small.
    """
    options = dict(options)
    labels, digits = {**stepper.names, **(options.get("labels") or {})}, options.get("digits", 4)
    if options.get("around") is None:
        size = text_size(stepper.root, spaces, labels, digits, options.get("rankdir"), stepper._widest_edge_label())
        options["around"] = size < LEGIBLE
    options = {"projector": True, **options}
    if options["projector"] and "rankdir" not in options and not options["around"]:
        options["rankdir"] = rankdir_for(stepper.root, labels, digits)
    return options


def slide_svg(stepper: Stepper, *, max_height: str | None = None, **options) -> str:
    """The drawing of the stepper's current position as a slide shows it, without the caption:
    SVG that scales to the width of its place on a page, for Jupyter or a widget to show
    (``max_height``, CSS such as ``"70vh"``, caps its height; see :func:`responsive_svg`)."""
    drawing = stepper.draw(caption=False, **slide_options(stepper, options, (NOTEBOOK,)))
    return responsive_svg(drawing.svg(), max_height=max_height)


def _check_drawable(stepper: Stepper, options: dict) -> None:
    """Refuse a drawing that will be refused (too many nodes, a bad option, a label that cannot be
    drawn) now, before the pass is put into words or anything is rendered: one drawing's DOT."""
    stepper.draw(caption=False, **options)


def save_html(stepper: Stepper, path: str | Path, *, title: str | None = None,
              progress: Callable[[int, int], None] | None = None, replace: bool = True, max_steps: int = MAX_STEPS,
              **options) -> Path:
    """Write the whole pass as one self-contained HTML slideshow and return its path.

    Every position's drawing (inline SVG) and words are in the file; Previous/Next buttons
    and the arrow keys move through them.  Nothing is fetched from the network, so the file
    opens offline in any browser.  ``options`` go to ``Stepper.draw``, as for :func:`save_svgs`.
    Labels and the title are the user's text: they go into the page escaped, as data, never as
    markup or template.

    A plain file already at ``path`` is replaced (unless ``replace=False``: a FileExistsError,
    before anything is drawn); a symbolic link there, to anything or dangling, is never written
    through, nor replaced (a FileExistsError).  The page is written whole or not at all.  A pass
    longer than ``max_steps`` is refused, as by :func:`save_svgs`.

    Without ``dot`` or ``graphviz-pure`` (:func:`~micrograd_like.drawing.in_browser.dot_available`
    is False) the page is drawn in the browser instead: it holds each position's DOT and
    Graphviz compiled to WebAssembly (viz.js, about 1.6 MB in the page, still nothing from the
    network), and lays each slide out when it is shown, looking as it would with ``dot``.
    """
    _check_length(stepper, max_steps)
    path = Path(path)
    options = slide_options(stepper, options)
    _check_drawable(stepper, options)
    refuse_link(path)
    if not replace and path.exists():
        raise FileExistsError(f"{path} already exists")
    with folders_made(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)  # a path that cannot be written fails before drawing
        in_page = not dot_available()  # dot, else graphviz-pure, else the browser lays the drawings out
        if in_page:
            sources = [stepper.draw(caption=False, **options).source for _ in stepper._each_position()]
        else:
            frames = [svg for _, svg in _frames(stepper, progress, options)]  # the words say the caption
        title = title or f"Backpropagation through {slideshow_title(stepper)}"
        slides, statuses = [], set()
        for position in stepper._each_position():
            statuses.update(stepper.status(node) for node in stepper.order)
            step = stepper.current
            words = [stepper.where()] if step is None else list(step.lines)
            focus = stepper.names[stepper.root] if step is None else step.parent_name
            slides.append(_SLIDE.substitute(
                position=position,
                focus=html.escape(focus),
                words="\n".join(html.escape(line) for line in words),
                # The whole graph at one scale on every slide; a step's neighbourhood each its own.
                svg=_IN_PAGE if in_page else responsive_svg(frames[position],
                                                            among=None if options["around"] else frames),
                dot=dot_attribute(sources[position]) if in_page else "",
                table=html.escape(stepper.table()),
            ))
        page = _page().substitute(
            title=html.escape(title),
            forward=html.escape("\n".join(stepper.forward_walk().lines)),
            slides="\n".join(slides),
            steps=len(stepper.steps),
            legend=legend(statuses | ({"step"} if stepper.steps else set()))
            + (f"\n    {HIDDEN_INPUTS}" if options["around"] else ""),
            arrangement="below" if in_page else arrangement(frames[0]),  # in the page: set by its first drawing
            drawing=page_script(shared_scale=not options["around"], arrange=True) if in_page else "",
        )
        write_file(path, page, replace=replace)
    return path.resolve()


def slideshow_title(stepper: Stepper) -> str:
    """The output and the whole expression it computes, ``L = (a*b + c)*f``, down to the inputs
    (intermediate nodes the user labelled are written out too); the last operation alone,
    ``L = d*f``, when the whole is too long to read at a glance; the output's name for a leaf."""
    root = stepper.names[stepper.root]
    if not stepper.root.parents:
        return root
    formula = whole_formula(stepper.order) or formula_of(stepper.root, stepper._terms)
    return f"{root} = {formula.text}"


# One slide of the page.  string.Template fills every placeholder in one pass, with text already
# escaped: what is filled in is never read as a placeholder again, whatever a label says.
_SLIDE = string.Template(
    '<section class="slide" data-position="$position" data-focus="$focus" hidden>\n'
    '<div class="graph"$dot>$svg</div>\n'
    '<div class="text"><pre class="words">$words</pre>\n<details><summary>every node now</summary>'
    '<pre class="table">$table</pre></details></div>\n</section>'
)


_IN_PAGE = '<p class="drawing">Drawing the graph in the page&hellip;</p>'
# What a slide shows until the page has drawn it (Graphviz in WebAssembly, without dot).


LEGEND = (
    ("step", f"border: 2px solid {COLOURS['emphasis']}; background: {COLOURS['emphasis_fill']}",
     "red outline: this step, the node passing its gradient back and the one receiving it"),
    ("waiting", f"border-color: {COLOURS['dimmed']}; background: #fff",
     "grey: its gradient is not complete yet"),
    ("ready passing", "background: #fff", "white: gradient complete, still to pass back"),
    ("done", f"background: {COLOURS['done']}", "green: done, its gradient complete and passed back"),
    ("constant", "border-style: dashed; background: #fff", "dashed: a constant, which takes no gradient"),
)
"""Every state a node can be drawn in: the statuses it stands for (``Stepper.status``, and
'step' for the current step's two nodes), its swatch (CSS) and its words in the legend."""


# Zoomed to the step, an operand made by an operation is drawn without its inputs, its corners
# cut (Graphviz's style=diagonals): the swatch draws the same.
HIDDEN_INPUTS = ('<span><svg width="15" height="15" viewBox="0 0 15 15" style="vertical-align:-2px;'
                  'margin-right:5px"><rect x="0.5" y="0.5" width="14" height="14" fill="#fff" stroke="#1f2328"/>'
                  '<path d="M0.5 5L5 0.5M10 0.5L14.5 5M14.5 10L10 14.5M5 14.5L0.5 10" stroke="#1f2328"/></svg>'
                  "cut corners: made by an operation not drawn here (zoomed to the step)</span>")


_SWATCH = ("display: inline-block; width: 15px; height: 15px; border-radius: 3px; vertical-align: -2px; "
           "margin-right: 5px; border: 1px solid #1f2328; ")  # every swatch's, then its own


def legend(statuses: set[str]) -> str:
    """The legend's entries (HTML) for the states in ``statuses``, in :data:`LEGEND`'s order,
    styled in place: they look the same in the slideshow and in a notebook."""
    return "\n".join(
        f'    <span class="state" data-states="{states}" style="white-space: nowrap"><span class="swatch" '
        f'style="{_SWATCH}{swatch}"></span>{words}</span>'
        for states, swatch, words in LEGEND if statuses & set(states.split())
    )


@cache
def _page() -> string.Template:
    """The page around the slides: HTML, CSS and the few lines of script that move between them."""
    text = resources.files(__package__).joinpath("templates", "slideshow.html").read_text(encoding="utf-8")
    return string.Template(text)


def _frames(stepper: Stepper, progress: Callable[[int, int], None] | None, options: dict) -> list[tuple[str, str]]:
    """Every position's caption and drawing (SVG, without the caption), each rendered once.

    The slideshow shows the caption as words and the SVG files write it above the drawing,
    so one rendering serves both: writing both renders each drawing once.  The renderings
    are kept by DOT source (what is drawn, exactly), so a drawing that changed is rendered
    again; only the last call's are kept (in ``stepper._rendered``).
    """
    captions, sources = [], []
    for _ in stepper._each_position():
        captions.append(stepper.highlight().caption)
        sources.append(stepper.draw(caption=False, **options))
    kept = {drawing.source: stepper._rendered[drawing.source] for drawing in sources
            if drawing.source in stepper._rendered}
    new = {drawing.source: drawing for drawing in sources if drawing.source not in kept}
    counted = progress
    if progress is not None and kept:  # drawings rendered before (by estimate, say) count as done
        def counted(done: int, total: int) -> None:
            progress(done + len(kept), total + len(kept))
    kept.update(zip(new, _render_all(lambda drawing: drawing.svg(), list(new.values()), counted)))
    stepper._rendered = kept
    return [(caption, kept[drawing.source]) for caption, drawing in zip(captions, sources)]


def notebook_html(stepper: Stepper) -> str:
    """Jupyter: the words of the current step above its drawing (text only without Graphviz)."""
    from ..drawing.render import GraphvizNotFoundError, LayoutTimeoutError

    words = html.escape("\n".join(stepper._summary()))
    try:
        svg = slide_svg(stepper, max_height="70vh")
    except (GraphvizNotFoundError, LayoutTimeoutError, ValueError):
        svg = ""
    return f"<pre>{words}</pre>{svg}"


def _render_all(render: Callable[[T], R], items: list[T], progress: Callable[[int, int], None] | None) -> list[R]:
    """``[render(item) for item in items]``, several at a time: each drawing runs Graphviz in a
    process of its own, so a pass's drawings render about as many times faster as there are
    processors.  ``progress(done, total)`` is called as each one finishes."""
    results: list = [None] * len(items)
    if not items:
        return results
    pool = ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1))
    futures: dict = {}
    try:
        for i, item in enumerate(items):
            futures[pool.submit(render, item)] = i
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(items))
    except BaseException:  # an error, or Ctrl-C: start no more drawings, and wait for none
        for future in futures:  # (none is left for the pool to run before Python exits)
            future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


_CAPTION_SIZE = 14.0  # points, as draw_dot writes a caption
_CAPTION_CHARACTER = 8.0  # points: wider than Helvetica's average character at 14 points, so nothing is cut


def _with_caption(svg: str, caption: str) -> str:
    """Graphviz's SVG with ``caption`` written above the drawing, centred, one line per line:
    the drawing is laid out once without it (see ``Stepper._frames``) and put below the words."""
    match = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if not caption or not match:
        return svg
    width, height = float(match.group(1)), float(match.group(2))
    lines = caption.splitlines()
    line_height = _CAPTION_SIZE * 1.3
    top = line_height * len(lines) + 8
    full = max(width, _CAPTION_CHARACTER * max(len(line) for line in lines) + 16)
    words = "\n".join(
        f'<text text-anchor="middle" x="{full / 2:.2f}" y="{line_height * (i + 1):.2f}" '
        f'font-family="Helvetica,sans-Serif" font-size="{_CAPTION_SIZE:.2f}">{html.escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    # The drawing as a nested <svg>, placed below the words (its size in user units: points here).
    drawing = inline_svg(svg).replace(
        match.group(0), f'<svg x="{(full - width) / 2:.2f}" y="{top:.2f}" width="{width}" height="{height}"', 1
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<svg width="{full:.0f}pt" height="{height + top:.0f}pt" viewBox="0 0 {full:.2f} {height + top:.2f}" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f'<rect width="100%" height="100%" fill="white"/>\n{words}\n{drawing}\n</svg>\n'
    )
