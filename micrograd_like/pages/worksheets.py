"""Worksheets as pages: print-ready HTML (each student from a new page), Markdown, PDF and the answer key.

:func:`write_worksheets` takes the sheets :func:`micrograd_like.teach.worksheet.make_sheets` made and
writes, into one directory::

    worksheets.html  answers.html    each student from a new printed page (A4 or Letter)
    worksheets.md    answers.md      the same, for courses written in Markdown
    graphs/          each student's graph, blank and filled in, as SVG (the Markdown shows them)
    answers.json     for graders: one object per student (values, forward, grads; blanks, made_from)
    answers-template.csv   a row per student, a column per blank, to fill in and grade
    worksheets.pdf   answers.pdf     with pdf=True, printed by headless Chromium

The pages come from the Jinja2 templates ``micrograd_like/pages/templates/worksheet.html`` and
``worksheet.md``; every name and number is data, escaped where it goes.  Nothing is written
over a file this module did not write: a list of what it wrote stays in the directory
(:data:`MANIFEST`), and any other file in the way is refused unless ``force``.  A symbolic link
in the way is refused even then: nothing is ever written through one.

Each object of ``answers.json`` holds what :meth:`Sheet.answer_key` gives (student, values,
forward, grads), and for grading (:mod:`micrograd_like.pages.gradebook`) ``blanks``, every
number the sheet asks for by the blank's name (``forward.e``, ``step3.local``, ``grads.a``), and
``made_from``, what the sheets were made from (expression or template, calculator, seed), so
that each student's sheet can be made again.  ``answers-template.csv`` has a column
``student`` (filled in: 1 to N) and then one column per blank, named as ``blanks`` names them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..drawing.dot import MAX_NODES, escape_record, escape_text, new_drawing, record_label
from ..drawing.render import DEFAULT_TIMEOUT, render
from ..teach.worksheet import Sheet, WorksheetError, number_text
from .files import plain_file, write_over

try:
    import fcntl
except ImportError:  # Windows: two runs into one directory at once are not kept apart
    fcntl = None

__all__ = ["write_worksheets", "planned_files", "graph_source", "key_object", "template_csv", "check_directory",
           "digest", "manifest_text", "PAPERS", "MANIFEST", "TEMPLATE"]

PAPERS = {"a4": "A4", "letter": "letter"}
MANIFEST = ".micrograd-like-worksheets"  # the files runs wrote, one a line: name, tab, SHA-256 of what was written
TEMPLATE = "answers-template.csv"  # the class's answers to fill in, for micrograd-like grade
GRAPH_WIDTH = 700.0  # CSS pixels: the width of the page inside its margins (186 mm)
GRAPH_HEIGHT = 250.0  # CSS pixels (66 mm): the rest of the page is for the tables ...
GRAPH_MAX_HEIGHT = 400.0  # ... but a tall drawing may take up to 106 mm (the tables flow on) ...
GRAPH_MIN_SCALE = 0.75  # ... rather than shrink below this: 11 pt text printed at 8.25 pt, blanks a pen can fill
GRADS_PER_ROW = 6
_OURS = re.compile(r"(worksheets|answers)\.pdf|graphs/(worksheet|answers)-\d+\.svg")  # what a run may clean up
BLANK = "\u2007" * 7  # figure spaces: room to write a number in a drawn record
PDF_TIMEOUT = 120  # seconds Chromium may take to print one file


# -- the drawing: the graph with blanks (or, on the answer key, the numbers) --------------------------


def _drawing(**graph: str):
    """An empty worksheet drawing: the drawings' own DOT writer and defaults (left to right), in
    the worksheet's sizes.  Every label goes through the drawings' escaping (:mod:`micrograd_like.drawing.dot`):
    a name is drawn as the text it is, whatever characters it holds."""
    drawing = new_drawing("LR", "", 0, MAX_NODES, "svg", DEFAULT_TIMEOUT)
    drawing.attr("graph", **graph)
    drawing.attr("node", fontsize="11", margin="0.06,0.08")  # fields tall enough to write a number in
    return drawing


def graph_source(sheet: Sheet, answers: bool) -> str:
    """DOT source of the sheet's graph: a record per value (name | data | grad), a computed value's
    operation in a box at its left, where the edges from its operands arrive.  The inputs' data is
    the student's; the rest is blank unless ``answers``.  (The operation inside the record, not an
    ellipse of its own, halves the columns a drawing needs: it shrinks less to fit the page, and
    its blanks stay large enough to write in.)"""
    if sheet.layers:
        return _network_source(sheet, answers)
    shown = (lambda x: number_text(x, sheet.calculator)) if answers else (lambda x: BLANK)
    graph = _drawing(ranksep="0.15", nodesep="0.12")
    ids = {node: f"n{i}" for i, node in enumerate(sheet.names)}
    for node, name in sheet.names.items():
        if not node.requires_grad:  # a constant: just its number
            graph.node(ids[node], escape_text(name), shape="box", style="rounded")
            continue
        data = number_text(node.data, sheet.calculator) if node.primitive is None else shown(node.data)
        # Fields stacked: narrow, so that the drawing needs little shrinking to fit the page's width.
        value = record_label([name, f"data {data}", f"grad {shown(node.grad)}"], "LR", stacked=True)
        if node.parents:  # { <op> symbol | { name | data | grad } }: the symbol's box, then the value's fields
            value = f"{{ <op> {escape_record(node.primitive.symbol)} | {{ {value} }} }}"
            for parent in node.parents:
                graph.edge(ids[parent], f"{ids[node]}:op")
        graph.node(ids[node], value, shape="record")
    return graph.source


def _network_source(sheet: Sheet, answers: bool) -> str:
    """The two-layer network drawn as neurons: weights on the edges, z, a and δ in each neuron."""
    values = {name: number_text(value) for name, value in sheet.values.items()}
    graph = _drawing(nodesep="0.5")

    def shown(name: str) -> str:
        node = next(n for n, label in sheet.names.items() if label == name)
        return number_text(node.data, sheet.calculator) if answers else BLANK

    def delta(name: str) -> str:
        return number_text(sheet.grads[name], sheet.calculator) if answers else BLANK

    def neuron(key: str, *fields: str) -> None:  # a record whose fields are stacked: narrow
        graph.node(key, record_label(fields, "LR", stacked=True), shape="record")

    def weight(tail: str, head: str, name: str) -> None:
        graph.edge(tail, head, escape_text(f"{name} = {values[name]}"), fontsize="9")

    for i in (1, 2):
        neuron(f"x{i}", f"x{i} = {values[f'x{i}']}")
        neuron(f"h{i}", f"b1[{i}] = {values[f'b1[{i}]']}", f"z1[{i}] {shown(f'z1[{i}]')}",
               f"a1[{i}] {shown(f'a1[{i}]')}", f"δ1[{i}] {delta(f'z1[{i}]')}")
    neuron("out", f"b2 = {values['b2']}", f"z2 {shown('z2')}", f"δ2 {delta('z2')}")
    neuron("loss", f"y = {values['y']}", f"L {shown('L')}")
    for i in (1, 2):
        for j in (1, 2):
            weight(f"x{j}", f"h{i}", f"W1[{i}][{j}]")
        weight(f"h{i}", "out", f"W2[1][{i}]")
    graph.edge("out", "loss")
    return graph.source


def _svg(source: str) -> str:
    """The drawing as SVG to go inside HTML, shrunk (never grown) to fit its place on the page: the
    page's width, and :data:`GRAPH_HEIGHT`, or as much more (up to :data:`GRAPH_MAX_HEIGHT`) as it
    takes not to shrink below :data:`GRAPH_MIN_SCALE`."""
    svg = render(source, "svg").decode("utf-8")
    svg = re.sub(r"<!--.*?-->\n?", "", svg[svg.find("<svg"):], flags=re.S)
    match = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    if match:
        width, height = (float(match.group(k)) * 4 / 3 for k in (1, 2))  # points to CSS pixels
        room = min(GRAPH_MAX_HEIGHT, max(GRAPH_HEIGHT, height * GRAPH_MIN_SCALE))
        scale = min(1.0, GRAPH_WIDTH / width, room / height)
        svg = svg.replace(match.group(0), f'<svg width="{width * scale:.0f}px" height="{height * scale:.0f}px"', 1)
    return svg


# -- the pages -------------------------------------------------------------------------------------


def _markdown(text: str) -> str:
    """Prose for Markdown: characters Markdown would read as syntax escaped."""
    return re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", str(text))


def _cell(text: str) -> str:
    """Code in a Markdown table cell: only the column bar needs escaping (GFM reads \\| there)."""
    return str(text).replace("|", "\\|")


def _environment(markdown: bool) -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.PackageLoader(__package__, "templates"),
                                     autoescape=not markdown, trim_blocks=markdown, lstrip_blocks=markdown,
                                     undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    environment.filters["md"] = _markdown
    environment.filters["cell"] = _cell
    return environment


_RIGHT_TO_LEFT = ("R", "AL")  # the bidirectional classes of Hebrew, Arabic, ... letters
LEFT_TO_RIGHT_MARK = "\u200e"


def _reading_order(text: str) -> str:
    """Text with a left-to-right mark after each run of right-to-left letters (a name in Hebrew).

    Without it, the bidirectional algorithm carries what follows such a name into its run:
    ``אב = -1.5`` is drawn ``1.5- = אב``, and a rule's parts change places.  The mark is
    invisible, and only on the pages: answers.json keeps the names as they are."""
    marked = []
    for k, character in enumerate(text):
        marked.append(character)
        if unicodedata.bidirectional(character) in _RIGHT_TO_LEFT and (
                k + 1 == len(text) or unicodedata.bidirectional(text[k + 1]) not in _RIGHT_TO_LEFT):
            marked.append(LEFT_TO_RIGHT_MARK)
    return "".join(marked)


def _view(sheet: Sheet, answers: bool, svg: str, graph_file: str) -> dict:
    """What the templates show of one sheet: every number as text, blank unless ``answers``; every
    name in reading order (:func:`_reading_order`)."""
    def number(x: float) -> str:
        return number_text(x, sheet.calculator) if answers else ""

    text = _reading_order
    root = text(sheet.forward[-1].name)
    inputs = [(text(name), number(sheet.grads[name])) for name in sheet.values]
    return {
        "student": sheet.student, "title": text(sheet.title), "expression": text(sheet.expression),
        "notes": sheet.notes, "given": [(text(name), number_text(value)) for name, value in sheet.values.items()],
        "root": root, "seed": f"{root}.grad = ∂{root}/∂{root} = 1",
        "svg": Markup(svg), "graph_file": graph_file,
        "forward": [{"name": text(row.name), "formula": text(row.formula), "value": number(row.value)}
                    for row in sheet.forward],
        "backward": [{"number": row.number, "node": text(row.node), "parent": text(row.parent), "rule": text(row.rule),
                      "upstream": number(row.upstream), "contribution": number(row.contribution),
                      "total": number(row.total)} for row in sheet.backward],
        "layers": [{"symbol": q.symbol, "equation": q.equation,
                    "rows": [[(name, number(value)) for name, value in row] for row in q.rows]} for q in sheet.layers],
        "grads": [inputs[k:k + GRADS_PER_ROW] for k in range(0, len(inputs), GRADS_PER_ROW)],
    }


def planned_files(students: int, pdf: bool) -> list[str]:
    """The files (relative to the output directory) that writing ``students`` sheets makes."""
    names = ["worksheets.html", "answers.html", "worksheets.md", "answers.md", "answers.json", TEMPLATE]
    names += ["worksheets.pdf", "answers.pdf"] if pdf else []
    width = max(2, len(str(students)))
    names += [f"graphs/{kind}-{k:0{width}d}.svg" for k in range(1, students + 1) for kind in ("worksheet", "answers")]
    return names


def key_object(sheet: Sheet) -> dict:
    """One student's object of ``answers.json``: the answer key, every blank by name, and what the
    sheet was made from."""
    return {**sheet.answer_key(), "blanks": sheet.blanks(), "made_from": dict(sheet.made_from)}


def template_csv(sheets: list[Sheet]) -> str:
    """``answers-template.csv``: the header ``student`` and each blank's name, then a row per
    student with only the student's number filled in.  A name beyond ASCII (a variable in
    Hebrew) gets a UTF-8 byte order mark first: without one, Excel reads the file as its
    own legacy encoding."""
    names = list(sheets[0].blanks()) if sheets else []
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")  # CSV's own line ends (RFC 4180), as Excel writes them
    writer.writerow(["student", *names])
    for sheet in sheets:
        writer.writerow([sheet.student, *[""] * len(names)])
    return ("" if text.getvalue().isascii() else "\ufeff") + text.getvalue()


def digest(path: Path) -> str:
    """The SHA-256 of the file's bytes, as the manifest records it."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_manifest(manifest: Path) -> dict[str, str | None]:
    """The files earlier runs wrote, each with the SHA-256 of what was written; None for a file a
    run was about to write when it stopped (its contents unknown, but ours: a run failed part way)."""
    ours: dict[str, str | None] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        name, _, sha = line.partition("\t")
        if name:
            ours[name] = sha or None
    return ours


def manifest_text(ours: dict[str, str | None]) -> str:
    return "".join(f"{name}\t{sha}\n" if sha else f"{name}\n" for name, sha in ours.items())


def _changed(directory: Path, ours: dict[str, str | None]) -> list[str]:
    """The files of ours that someone changed since a run wrote them (an answer key annotated,
    a page edited): theirs now, never removed, and overwritten only with ``force``."""
    return [name for name, written in ours.items()
            if written and plain_file(directory / name) and digest(directory / name) != written]


@contextmanager
def _one_run_at_a_time(directory: Path, notify: Callable[[str], None]) -> Iterator[None]:
    """Hold the directory's lock for the block: a second run into the same directory waits for the
    first to finish, so that neither removes what the other's pages link (the lock goes with the
    process: nothing is left behind, even by a run that is killed)."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            notify(f"waiting for another micrograd-like worksheet to finish writing into {directory}")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # and with it the lock


def check_directory(directory: Path, names: list[str], force: bool, *, manifest: str = MANIFEST,
                    command: str = "worksheet", folders: tuple[str, ...] = ("graphs",)) -> dict[str, str | None]:
    """Refuse to write over files ``micrograd-like COMMAND`` did not write, or wrote and someone
    changed since (unless ``force``); return the files earlier runs wrote, from the ``manifest``
    (a file in ``directory``).  ``folders`` are the folders inside it the command writes into."""
    links = [name for name in (".", *folders, manifest, *names) if (directory / name).is_symlink()]
    if links:  # its target is not in the directory, whatever the manifest says, and may be anyone's
        raise WorksheetError(f"cannot write {directory / links[0]}: it is a symbolic link, and micrograd-like "
                             f"{command} never writes through one, even with --force: remove it, or choose "
                             "another directory")
    listed = directory / manifest
    ours = _read_manifest(listed) if listed.is_file() else {}
    if listed.exists() and not listed.is_file():
        raise WorksheetError(f"cannot write {listed}: it is a directory")
    in_the_way = [name for name in names if (directory / name).exists() and name not in ours]
    directories = [name for name in in_the_way if (directory / name).is_dir()]
    if directories:
        raise WorksheetError(f"cannot write {directory / directories[0]}: it is a directory")
    if in_the_way and not force:
        more = f" and {len(in_the_way) - 1} more" if len(in_the_way) > 1 else ""
        raise WorksheetError(f"{directory} already holds {in_the_way[0]}{more}, not written by micrograd-like "
                             f"{command}: choose another directory, or add --force to overwrite")
    changed = [name for name in _changed(directory, ours) if name in names]
    if changed and not force:
        more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
        raise WorksheetError(f"{directory / changed[0]}{more} was changed since micrograd-like {command} wrote it: "
                             "move it away to keep it, or add --force to overwrite")
    return ours


def write_worksheets(sheets: list[Sheet], directory: str | Path, *, pdf: bool = False, force: bool = False,
                     paper: str = "a4", progress: Callable[[int, int], None] | None = None,
                     notify: Callable[[str], None] | None = None) -> list[Path]:
    """Write the sheets' pages into ``directory`` (created if missing) and return the paths written.

    ``paper`` is 'a4' or 'letter' (the page size the HTML asks the printer for; either fits);
    ``progress(done, total)`` is called as each student's drawings are made; ``notify(line)``
    is told what the user should know besides (files of an earlier run removed or kept, a wait).

    A run that fails part way (Chromium failing to print, a full disk) leaves only files the
    manifest names, so the next run writes over them without ``force``.  What an earlier run
    wrote and this one does not (the PDFs, when this run has no ``pdf``; the graphs of a bigger
    class) is removed if unchanged since, and kept if someone changed it (an annotated
    answers.pdf); a changed file this run would write is refused unless ``force``.  Two runs
    into one directory at once take turns.
    """
    notify = notify or (lambda line: None)
    if paper not in PAPERS:
        raise WorksheetError(f"unknown paper {paper!r} (must be one of {', '.join(PAPERS)})")
    program = chromium() if pdf else None  # found before anything is written: without it, no files
    directory = Path(directory)
    names = planned_files(len(sheets), pdf)
    if directory.exists() or directory.is_symlink():
        check_directory(directory, names, force)  # refused before anything is made
    (directory / "graphs").mkdir(parents=True, exist_ok=True)
    with _one_run_at_a_time(directory, notify):
        ours = check_directory(directory, names, force)  # again: as the run before this one left it
        _write(sheets, directory, names, ours, pdf, paper, progress, notify, program)
    return [(directory / name).resolve() for name in names]


def _write(sheets: list[Sheet], directory: Path, names: list[str], ours: dict[str, str | None], pdf: bool,
           paper: str, progress: Callable[[int, int], None] | None, notify: Callable[[str], None],
           program: str | None) -> None:
    """Write the files (see :func:`write_worksheets`), holding the directory's lock."""
    # The manifest first, naming what this run is about to write as well as what the last one wrote:
    # whatever happens next, every file of ours in the directory is listed as ours.
    write_over(directory / MANIFEST, manifest_text({**ours, **dict.fromkeys(names)}))
    views: dict[bool, list[dict]] = {False: [], True: []}
    graphs = iter(name for name in names if name.startswith("graphs/"))
    for done, sheet in enumerate(sheets, start=1):
        for answers in (False, True):
            graph_file = next(graphs)
            svg = _svg(graph_source(sheet, answers))
            write_over(directory / graph_file, svg)
            views[answers].append(_view(sheet, answers, svg, graph_file))
        if progress is not None:
            progress(done, len(sheets))
    html, markdown = _environment(markdown=False), _environment(markdown=True)
    for answers, stem in ((False, "worksheets"), (True, "answers")):
        title = "Backpropagation worksheets" + (": answer key" if answers else "")
        context = {"sheets": views[answers], "answers": answers, "title": title, "paper": PAPERS[paper]}
        write_over(directory / f"{stem}.html", html.get_template("worksheet.html").render(context))
        write_over(directory / f"{stem}.md", markdown.get_template("worksheet.md").render(context))
    key = [key_object(sheet) for sheet in sheets]
    write_over(directory / "answers.json", json.dumps(key, indent=1, ensure_ascii=False) + "\n")
    write_over(directory / TEMPLATE, template_csv(sheets))
    if pdf:
        for stem in ("worksheets", "answers"):
            print_pdf(directory / f"{stem}.html", directory / f"{stem}.pdf", program)
    written: dict[str, str | None] = {name: digest(directory / name) for name in names}
    changed, removed = set(_changed(directory, ours)), []
    for old in [name for name in ours if name not in written]:  # what an earlier run wrote and this one did not
        if not (_OURS.fullmatch(old) and plain_file(directory / old)):
            continue
        if old in changed:  # someone's since (an annotated answers.pdf): kept, and still listed, as changed
            written[old] = ours[old]
            notify(f"kept {old} of an earlier run: it was changed since, so it is not removed (nor is it this run's)")
        else:
            (directory / old).unlink()
            removed.append(old)
    if removed:
        more = f" and {len(removed) - 3} more" if len(removed) > 3 else ""
        notify("removed what an earlier run wrote and this one did not, unchanged since: "
               f"{', '.join(removed[:3])}{more}"
               + (" (--pdf prints the PDFs again)" if any(name.endswith(".pdf") for name in removed) else ""))
    write_over(directory / MANIFEST, manifest_text(written))


def chromium() -> str:
    """The path of a Chromium (or Chrome) program, or a WorksheetError saying how to get one."""
    for program in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(program)
        if found:
            return found
    raise WorksheetError("--pdf needs Chromium or Chrome to print the pages (apt-get install chromium); "
                         "the HTML files print from any browser")


def print_pdf(page: Path, pdf: Path, program: str | None = None) -> Path:
    """Print an HTML file to PDF with headless Chromium (its CSS decides the page size);
    ``program`` is Chromium's path, found by :func:`chromium` if not given."""
    with tempfile.TemporaryDirectory(prefix="worksheet-chromium-") as profile:
        command = [program or chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                   f"--user-data-dir={profile}", f"--print-to-pdf={pdf.resolve()}", page.resolve().as_uri()]
        try:
            result = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise WorksheetError(f"Chromium took over {PDF_TIMEOUT} s to print {page.name}") from None
    if result.returncode != 0 or not pdf.is_file():
        said = result.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise WorksheetError(f"Chromium could not print {page.name} (exit status {result.returncode}): {said[-1]}")
    return pdf
