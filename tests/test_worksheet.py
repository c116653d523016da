"""Worksheets: the answer key is backward()'s, the values are workable, the pages fit their paper.

The browser and PDF tests need Graphviz's ``dot`` and Debian's ``chromium``/``chromedriver``
(see test_slideshow.py: a failure under CI when missing, else a skip).
"""

import itertools
import json
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET

import pytest
from helpers import need, run_command, run_main
from hypothesis import given, settings
from hypothesis import strategies as st
from test_slideshow import browser  # noqa: F401  (a fixture)

from micrograd_like import parse
from micrograd_like.drawing.dot import escape_record
from micrograd_like.engine import ops
from micrograd_like.engine.ops import Primitive
from micrograd_like.pages import worksheets as worksheet_pages
from micrograd_like.pages.worksheets import graph_source, write_worksheets
from micrograd_like.teach.worksheet import LARGEST, MAX_ROWS, TEMPLATES, WorksheetError, make_sheets, number_text

LONGEST = "x/y + x*y*y - relu(x*y)"  # 7 computed values and 13 steps: as many rows as a page holds


def fresh_graph(sheet):
    """The sheet's graph built again from the student's values, with backward() run on it."""
    root = sheet.root
    for node in sheet.names:
        node.grad = 0.0
    root.backward()
    names = sheet.names.items()
    return {name: node.grad for node, name in names}, {name: node.data for node, name in names}


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), what=st.sampled_from([*TEMPLATES, "(a*b + c)*f", "x/y - x**2", "relu(a*b) - c"]),
       calculator=st.booleans())
def test_the_answer_key_is_what_backward_gives(seed, what, calculator):
    options = {"template": what} if what in TEMPLATES else {"expression": what}
    sheets = make_sheets(**options, students=2, seed=seed, calculator=calculator)
    assert sheets[0].values != sheets[1].values
    for sheet in sheets:
        key = sheet.answer_key()
        assert set(key) == {"student", "values", "forward", "grads"}
        grads, data = fresh_graph(sheet)
        assert key["grads"] == {name: grads[name] for name in key["grads"]}
        assert key["forward"] == {name: data[name] for name in key["forward"]}
        assert set(key["values"]) <= set(key["grads"])
        if what not in TEMPLATES:  # the expression parsed from text with these values: the same numbers
            root = parse(what, key["values"])
            root.backward()
            assert key["forward"][sheet.forward[-1].name] == root.data
        for value in key["values"].values():  # small integers or halves
            assert value * 2 == int(value * 2) and 0 < abs(value) <= 5
        numbers = [*key["forward"].values(), *key["grads"].values()]
        assert all(abs(x) <= LARGEST for x in numbers)
        if not calculator:
            assert all(x * 8 == int(x * 8) for x in numbers)
        for row in sheet.backward:  # contribution = upstream * local, as the table asks
            assert row.contribution == row.upstream * row.local
        for question in sheet.layers:  # no question all zeros: a live hidden unit, δ(1) not 0
            assert any(value != 0 for row in question.rows for _, value in row), question.symbol


@settings(max_examples=10)
@given(seed=st.integers(0, 10**6))
def test_two_layer_sheets_have_a_live_hidden_layer(seed):
    """With relu, most draws switch both hidden units off (δ(1) = 0, so ∂L/∂W(1) and ∂L/∂b(1) are
    all 0): such a sheet is drawn again, so every layer question has an answer other than 0."""
    for sheet in make_sheets(template="two-layer", students=10, seed=seed):
        assert any(sheet.grads[f"z1[{i}]"] != 0 for i in (1, 2))  # δ(1)
        assert any(row.value > 0 for row in sheet.forward if row.name.startswith("z1"))  # a live relu
        for question in sheet.layers:
            assert any(value != 0 for row in question.rows for _, value in row), question.symbol


def test_the_two_layer_template_asks_for_the_layer_equations():
    sheet = make_sheets(template="two-layer", students=1, seed=3)[0]
    symbols = [question.symbol for question in sheet.layers]
    assert symbols == ["δ(2)", "∂L/∂W(2)", "∂L/∂b(2)", "δ(1)", "∂L/∂W(1)", "∂L/∂b(1)"]
    delta2 = sheet.grads["z2"]
    assert delta2 == sheet.forward[-2].value - sheet.values["y"]  # δ(2) = z2 - y
    a1 = [row.value for row in sheet.forward if row.name.startswith("a1")]
    assert [v for _, v in sheet.layers[1].rows[0]] == [delta2 * a for a in a1]  # ∂L/∂W(2) = δ(2) a(1)ᵀ
    x = [sheet.values["x1"], sheet.values["x2"]]
    for i, row in enumerate(sheet.layers[4].rows):  # ∂L/∂W(1) = δ(1) xᵀ
        assert [v for _, v in row] == [sheet.layers[3].rows[i][0][1] * xj for xj in x]


def test_the_seed_makes_it_reproducible_and_students_differ():
    first = [s.answer_key() for s in make_sheets("(a*b + c)*f", students=20, seed=7)]
    again = [s.answer_key() for s in make_sheets("(a*b + c)*f", students=20, seed=7)]
    assert first == again
    assert len({tuple(key["values"].values()) for key in first}) == 20
    assert first != [s.answer_key() for s in make_sheets("(a*b + c)*f", students=20, seed=8)]


@pytest.mark.parametrize("options, words", [
    ({"expression": "tanh(a*b)"}, "needs a calculator: add --calculator"),
    ({"expression": LONGEST + " + x"}, "too long for a worksheet"),
    ({"expression": "a"}, "computes nothing"),
    ({"expression": "a/b", "students": 110}, "ask for at most"),
    ({"template": "three-layer"}, "unknown template"),
])
def test_what_cannot_be_made_is_refused_in_words(options, words):
    with pytest.raises(WorksheetError, match=words):
        make_sheets(**{"students": 2, **options})


def test_labels_are_data_in_the_graph_source():
    sheet = make_sheets(template="two-layer", students=1)[0]
    source = graph_source(sheet, answers=False)
    assert "W1[1][2] = " in source and escape_record("δ1[1]") in source


HOSTILE = 'a"b\\c<d>{e}|f &lt; g\nend'  # DOT's, a record's and HTML's syntax, an entity, a newline


@pytest.mark.parametrize("where", ["input", "constant", "operation"])
def test_a_hostile_name_is_drawn_as_the_text_it_is(where, request):
    """Worksheets draw with the drawings' DOT writer: a name is escaped as on every drawing, and
    Graphviz's real dot draws each of its characters (the newline as a line break)."""
    need("dot")
    if where == "operation":  # a function registered with the name as its symbol
        ops.register(Primitive("twice", HOSTILE, lambda x: 2 * x, lambda x, out: (2.0,), "twice({0})", ("2",)))
        request.addfinalizer(lambda: ops.unregister("twice"))
        sheet = make_sheets("twice(a) + b", students=1, seed=0, calculator=True)[0]
    else:
        sheet = make_sheets("2*a + b", students=1, seed=0)[0]
        node = next(node for node in sheet.names if node.requires_grad == (where == "input"))
        sheet.names[node] = HOSTILE
    svg = subprocess.run(["dot", "-Tsvg"], input=graph_source(sheet, answers=True), capture_output=True,
                         text=True, check=True).stdout
    drawn = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    first, last = HOSTILE.split("\n")
    assert first in drawn and last in drawn, drawn


def test_cli_errors_are_one_line(tmp_path, capsys):
    (tmp_path / "answers.json").write_text("mine")
    cases = [
        ["tanh(a*b)", "--students", "2", "-o", str(tmp_path / "a")],
        ["--students", "2", "-o", str(tmp_path / "b")],
        ["a*b", "--template", "lecture", "--students", "2", "-o", str(tmp_path / "c")],
        ["a*", "--students", "2", "-o", str(tmp_path / "d")],
        ["a*b", "--students", "0", "-o", str(tmp_path / "e")],
        ["a*b", "--students", "1001", "-o", str(tmp_path / "e")],  # at most MAX_STUDENTS
        ["a*b", "--students", "2", "-o", str(tmp_path)],  # a file it did not write is in the way
    ]
    for args in cases:
        status, _, err = run_main(capsys, "worksheet", *args)
        assert status == 2, args
        assert err.count("\n") == 1 and err.startswith("micrograd-like worksheet: error: "), err
    result = run_command("worksheet", *cases[0])  # and in a process of its own: no traceback
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert (tmp_path / "answers.json").read_text() == "mine"
    assert run_main(capsys, "worksheet", "a*b", "--students", "2", "-o", str(tmp_path), "--force")[0] == 0
    assert json.loads((tmp_path / "answers.json").read_text())[0]["student"] == 1


def test_cli_writes_every_file_and_may_write_over_its_own(tmp_path, capsys):
    need("dot")
    for _ in range(2):  # the second run writes over the first's files: they are its own
        status, _, err = run_main(capsys, "worksheet", "--template", "lecture", "--students", "3", "--seed", "5",
                              "-o", str(tmp_path / "class"))
        assert status == 0, err
    names = sorted(p.relative_to(tmp_path / "class").as_posix() for p in (tmp_path / "class").rglob("*") if p.is_file())
    assert [n for n in names if not n.startswith(("graphs/", "."))] == [
        "answers-template.csv", "answers.html", "answers.json", "answers.md", "worksheets.html", "worksheets.md"]
    key = json.loads((tmp_path / "class" / "answers.json").read_text())
    assert [k["student"] for k in key] == [1, 2, 3]
    sheets = make_sheets(template="lecture", students=3, seed=5)
    assert [{name: k[name] for name in ("student", "values", "forward", "grads")} for k in key] == [
        s.answer_key() for s in sheets]  # the answer key's own keys, as before; grading's besides
    assert [k["blanks"] for k in key] == [s.blanks() for s in sheets]
    markdown = (tmp_path / "class" / "answers.md").read_text()
    assert markdown.count("answer key") == 3 and "| `L` → `d` |" in markdown
    again = run_main(capsys, "worksheet", "--template", "lecture", "--students", "1", "-o", str(tmp_path / "class"))
    assert again[0] == 0
    assert not (tmp_path / "class" / "graphs" / "worksheet-03.svg").exists()  # its own leftovers go


def fake_chromium(tmp_path):
    """A program that fails as Chromium can: it starts the PDF, says why it stopped, exits 1."""
    script = tmp_path / "fake-chromium"
    script.write_text('#!/bin/sh\nfor arg in "$@"; do case "$arg" in --print-to-pdf=*) '
                      'echo partial > "${arg#--print-to-pdf=}";; esac; done\necho "no display" >&2\nexit 1\n')
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize("chromium", ["missing", "failing"])
def test_a_failed_pdf_leaves_nothing_the_next_run_refuses(tmp_path, capsys, monkeypatch, chromium):
    need("dot")
    out = tmp_path / "class"
    if chromium == "missing":
        which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs:
                            None if "chrom" in name else which(name, *args, **kwargs))
    else:
        program = fake_chromium(tmp_path)
        monkeypatch.setattr(worksheet_pages, "chromium", lambda: program)
    status, _, err = run_main(capsys, "worksheet", "a*b", "--students", "2", "--pdf", "-o", str(out))
    assert status == 2 and err.count("\n") == 1, err
    if chromium == "missing":
        assert "needs Chromium" in err and not out.exists()  # found missing before anything is written
    else:
        assert "could not print worksheets.html" in err and "no display" in err
        assert (out / "worksheets.html").is_file() and (out / "worksheets.pdf").is_file()
    status, _, err = run_main(capsys, "worksheet", "a*b", "--students", "2", "-o", str(out))  # no --pdf, no --force
    assert status == 0, err
    assert not (out / "worksheets.pdf").exists()  # the failed run's own leftover, removed as its own
    assert json.loads((out / "answers.json").read_text())[1]["student"] == 2


@pytest.mark.parametrize("link", ["answers.md", "answers.json", "graphs", ".micrograd-like-worksheets"])
def test_nothing_is_written_through_a_symbolic_link(tmp_path, capsys, link):
    need("dot")
    out, elsewhere = tmp_path / "class", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    status, _, _ = run_main(capsys, "worksheet", "a*b", "--students", "2", "-o", str(out))
    assert status == 0  # files of its own, and its manifest
    (elsewhere / "mine.txt").write_text("mine")
    target = out / link
    if target.is_dir():
        for svg in target.iterdir():
            svg.unlink()
        target.rmdir()
    else:
        target.unlink()
    target.symlink_to(elsewhere if link == "graphs" else elsewhere / "mine.txt")
    for force in ([], ["--force"]):  # written at this name before, or forced: still never through the link
        status, _, err = run_main(capsys, "worksheet", "a*b", "--students", "2", "-o", str(out), *force)
        assert status == 2 and "symbolic link" in err and err.count("\n") == 1, err
    (out / "answers.md").unlink(missing_ok=True)
    (out / "answers.md").symlink_to(elsewhere / "new.md")  # a dangling link would create a file elsewhere
    assert run_main(capsys, "worksheet", "a*b", "--students", "2", "-o", str(out), "--force")[0] == 2
    assert sorted(p.name for p in elsewhere.iterdir()) == ["mine.txt"]
    assert (elsewhere / "mine.txt").read_text() == "mine"


# -- pages in a real browser, and printed -----------------------------------------------------------

MM = 96 / 25.4  # CSS pixels per millimetre
PAPERS = {"A4": (210 * MM, 297 * MM), "Letter": (215.9 * MM, 279.4 * MM)}
MARGIN = 12 * MM


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    need("dot")
    written = {}
    for what in [*TEMPLATES, LONGEST]:
        options = {"template": what} if what in TEMPLATES else {"expression": what}
        sheets = make_sheets(**options, students=2, seed=11)
        if what == LONGEST:
            assert len(sheets[0].forward) + len(sheets[0].backward) == MAX_ROWS
        directory = tmp_path_factory.mktemp(what.replace("/", "_").replace("*", "x")[:20])
        write_worksheets(sheets, directory)
        written[what] = directory
    return written


def test_no_element_is_cut_off_at_a4_or_letter(pages, browser):  # noqa: F811
    """Nothing runs past the page's width or is clipped; the graph fits its place.  (A sheet may be
    taller than a page: it flows onto the next, see test_a_sheet_that_does_not_fit_one_page_flows_onto_the_next.)"""
    for paper, directory in itertools.product(PAPERS, pages.values()):
        width, height = (size - 2 * MARGIN for size in PAPERS[paper])
        browser.set_window_size(int(width) + 40, 1000)
        for stem in ("worksheets", "answers"):
            browser.get((directory / f"{stem}.html").as_uri())
            browser.execute_script("document.body.style.width = arguments[0] + 'px'", width)
            cut = browser.execute_script("""
                const [width, height] = arguments, cut = [];
                for (const sheet of document.querySelectorAll('.sheet')) {
                  const box = sheet.getBoundingClientRect();
                  if (box.width > width + 0.5) cut.push('sheet ' + box.width);
                  for (const svg of sheet.querySelectorAll('.graph svg'))
                    if (svg.getBoundingClientRect().height > height / 2) cut.push('graph too tall');
                  for (const el of sheet.querySelectorAll('*')) {
                    const r = el.getBoundingClientRect();
                    if (r.width === 0 && r.height === 0) continue;
                    const out = r.right > box.left + width + 0.5 || r.left < box.left - 0.5;
                    if (out)
                      cut.push(el.tagName + ' ' + (el.textContent || '').slice(0, 30));
                    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow === 'hidden')
                      cut.push('clipped ' + el.tagName);
                  }
                }
                return cut;""", width, height)
            assert cut == [], (directory.name, stem, paper, cut[:5])


def test_the_pdfs_start_each_student_on_a_page_of_their_own(tmp_path):
    need("dot")
    need("chromium")

    sheets = make_sheets(LONGEST, students=3, seed=2)
    write_worksheets(sheets, tmp_path, pdf=True, paper="letter")
    for stem in ("worksheets", "answers"):
        texts = pdf_pages(tmp_path / f"{stem}.pdf")
        assert 3 <= len(texts) <= 6  # one page each, two for a long sheet
        firsts = [next(k for k, text in enumerate(texts) if f"Student {sheet.student}" in text) for sheet in sheets]
        assert firsts == sorted(set(firsts)) and firsts[0] == 0
        tops = [" ".join(text.split()).startswith(sheets[0].title) for text in texts]  # a sheet's title at the top
        assert [k for k, top in enumerate(tops) if top] == firsts
    answer = sheets[0].forward[-1]
    assert f"{answer.value:g}" in " ".join(texts[:firsts[1]])  # the answer key's pages hold the answers


SIX = "relu(alpha1*beta12 + gamma1*delta1)*(epsil1 - zeta12) + etaeta"  # 13 steps, 6 inputs
WIDE = SIX.replace("alpha1", "alpha_of_the_layer_1").replace("zeta12", "zeta_of_the_layer_12")  # ~20 characters


def pdf_pages(path):
    """The text of each page of a PDF, read back with pypdf."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("expression", [SIX, WIDE])
def test_a_sheet_that_does_not_fit_one_page_flows_onto_the_next(tmp_path, expression):
    """Nothing is cut off: every row of both passes and every input's gradient is in the PDF, read
    back; a long sheet may take a second page, and each student starts on a page of their own."""
    need("dot")
    need("chromium")
    sheets = make_sheets(expression, students=2, seed=1)
    write_worksheets(sheets, tmp_path, pdf=True)
    for stem in ("worksheets", "answers"):
        pages = pdf_pages(tmp_path / f"{stem}.pdf")
        assert all(text.strip() for text in pages), stem  # no page of blanks alone, cut from their questions
        starts = [k for k, text in enumerate(pages) for sheet in sheets if f"Student {sheet.student}" in text]
        assert len(starts) == 2 and starts[0] == 0 and starts[1] > 0, (stem, starts)
        for sheet, first, last in zip(sheets, starts, [starts[1], len(pages)]):
            text = " ".join(pages[first:last])
            words, squeezed = " ".join(text.split()), "".join(text.split())
            for row in sheet.backward:
                assert f"{row.number}{row.node}→{row.parent}" in squeezed, (stem, row)  # long names wrap
                if stem == "answers":
                    assert f"{row.parent}.grad={number_text(row.total)}" in squeezed, (stem, row)
            for row in sheet.forward:
                assert "".join(row.formula.split()) in squeezed, (stem, row)
            assert "3. The gradients of the inputs" in words, stem
            for name in sheet.values:
                assert f"∂L/∂{name}" in squeezed, (stem, name)
            if stem == "answers":  # the last table's numbers: the gradients of the inputs, in order
                names, per = list(sheet.values), worksheet_pages.GRADS_PER_ROW
                table = "".join(f"∂L/∂{name}" for name in names[:per]) + "".join(
                    number_text(sheet.grads[name]) for name in names[:per])  # the first row of headers, its numbers
                assert table in squeezed[squeezed.index("3.Thegradientsoftheinputs"):]


def assert_every_name_is_one_node(sheet):
    """Inputs and computed nodes have names of their own: the key's gradient of a name is that node's."""
    named = [name for node, name in sheet.names.items() if node.requires_grad]
    assert len(named) == len(set(named)), named
    computed = [row.name for row in sheet.forward]
    assert not set(computed) & set(sheet.values), (computed, sheet.values)
    assert sheet.expression.startswith(f"{computed[-1]} = ")
    for node, name in sheet.names.items():
        if node.requires_grad:
            assert sheet.grads.get(name, node.grad) == node.grad, name


def test_an_input_named_like_the_output_keeps_its_own_gradient():
    sheet = make_sheets("L*out + L", students=1)[0]
    assert_every_name_is_one_node(sheet)
    assert sheet.grads["out"] == sheet.values["L"]  # d(L*out + L)/d(out) = L
    assert sheet.grads["L"] == sheet.values["out"] + 1


def test_inputs_named_like_every_computed_node_are_named_apart():
    """Each round names its inputs after the names the sheets so far gave computed nodes (the
    output and the intermediate nodes, with their fallbacks), so every fallback is taken in turn."""
    used, inputs = {}, ["a", "b"]  # by family: v1 for v1, v2, ...
    for _ in range(6):
        sheet = make_sheets(" + ".join(inputs), students=1)[0]
        assert_every_name_is_one_node(sheet)
        for row in sheet.forward:
            used.setdefault(row.name.rstrip("0123456789"), row.name)
        inputs = ["a", "b", *used.values()][-7:]  # a sum of 7 inputs: 6 computed values and 12 steps fit
    assert {"L", "out", "loss", "result", "L_", "v1", "u1", "t1", "node1"} <= set(used.values())


@pytest.mark.parametrize("expression", [
    "v1*u1 + t1*node1", "v1*u1 + t1*node1 + L*out", "v1 + u1 + t1 + node1 + L + out + v2",
    "v1 + u1 + t1 + node1 + node_1 + L + out"])
def test_inputs_named_like_every_fallback_are_named_apart(tmp_path, capsys, expression):
    assert_every_name_is_one_node(make_sheets(expression, students=1)[0])
    status, _, err = run_main(capsys, "worksheet", expression, "--students", "1", "-o", str(tmp_path / "x"))
    assert status == 0, err


def fake_printer(tmp_path):
    """A program that prints as Chromium does, for these tests: a small PDF-looking file, exit 0."""
    script = tmp_path / "fake-printer"
    script.write_text('#!/bin/sh\nfor arg in "$@"; do case "$arg" in --print-to-pdf=*) '
                      'echo "%PDF-1.4 printed" > "${arg#--print-to-pdf=}";; esac; done\nexit 0\n')
    script.chmod(0o755)
    return str(script)


def test_a_file_changed_since_it_was_written_is_never_removed_or_overwritten(tmp_path, capsys, monkeypatch):
    need("dot")
    program = fake_printer(tmp_path)
    monkeypatch.setattr(worksheet_pages, "chromium", lambda: program)
    out = tmp_path / "class"
    worksheet = ["worksheet", "a*b + c", "--students", "2", "-o", str(out)]
    assert run_main(capsys, *worksheet, "--pdf")[0] == 0
    with open(out / "answers.pdf", "a") as pdf:
        pdf.write("the teacher's notes\n")  # annotated since
    status, said, err = run_main(capsys, *worksheet)  # no --pdf: the PDFs are not printed again
    assert status == 0, err
    assert "the teacher's notes" in (out / "answers.pdf").read_text()  # kept, and said so
    assert "answers.pdf" in said and "kept" in said
    assert not (out / "worksheets.pdf").exists() and "worksheets.pdf" in said  # unchanged: removed, and said so
    for force in ([], ["--pdf"]):  # printing again would overwrite it: refused, in words, until --force
        status, _, err = run_main(capsys, *worksheet, "--pdf", *force)
        assert status == 2 and "answers.pdf" in err and "--force" in err and err.count("\n") == 1, err
        assert "the teacher's notes" in (out / "answers.pdf").read_text()
    (out / "answers.md").write_text("my own answers")  # any file of the run, changed, is refused the same way
    status, _, err = run_main(capsys, *worksheet)
    assert status == 2 and "answers.md" in err, err
    assert (out / "answers.md").read_text() == "my own answers"
    assert run_main(capsys, *worksheet, "--pdf", "--force")[0] == 0
    assert "the teacher's notes" not in (out / "answers.pdf").read_text()


def linked_graphs(directory):
    return re.findall(r"\]\((graphs/[^)]+)\)", (directory / "worksheets.md").read_text())


def test_two_runs_into_one_folder_at_once_leave_every_linked_graph(tmp_path, monkeypatch):
    """A run removes the graphs an earlier, bigger class left.  A second run started while the first
    prints its PDFs (after its pages, before that clean-up) waits for it, so the first cannot remove
    the graphs the second's worksheets.md links."""
    need("dot")
    monkeypatch.setattr(worksheet_pages, "chromium", lambda: "printer")
    write_worksheets(make_sheets("a*b", students=3), tmp_path)  # an earlier class of 3
    second = threading.Thread(target=write_worksheets, args=(make_sheets("a*b", students=3, seed=1), tmp_path))

    def print_pdf(page, pdf, program=None):  # the first run, printing: the second starts now
        if not second.is_alive() and second.ident is None:
            second.start()
            second.join(timeout=3)  # it finishes, or (rightly) waits for this run to end
        pdf.write_text("%PDF-1.4 printed")

    monkeypatch.setattr(worksheet_pages, "print_pdf", print_pdf)
    write_worksheets(make_sheets("a*b", students=1), tmp_path, pdf=True)  # the first run: a class of 1
    second.join()
    assert len(linked_graphs(tmp_path)) == 3  # the second class's
    assert all((tmp_path / name).is_file() for name in linked_graphs(tmp_path))


def markdown_blocks(text):
    """The blocks Markdown renders ``text`` into (CommonMark with GFM tables, by markdown-it-py):
    ("h2", its text), ("p", its text), ("hr", ""), ("table", its rows of cells' text)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks, table = [], None
    for token, following in zip(tokens, [*tokens[1:], None]):
        if token.type == "heading_open":
            blocks.append((token.tag, following.content))
        elif token.type == "paragraph_open":
            blocks.append(("p", following.content))
        elif token.type == "hr":
            blocks.append(("hr", ""))
        elif token.type == "table_open":
            table = []
        elif token.type == "tr_open":
            table.append([])
        elif token.type in ("th_open", "td_open"):
            table[-1].append(following.content)
        elif token.type == "table_close":
            blocks.append(("table", table))
    return blocks


def expected_blocks(sheet):
    """What one sheet's Markdown must render into: its heading, its paragraphs, each table with its rows."""
    forward = [["value", "computed as", "data"], *([f"`{row.name}`"] for row in sheet.forward)]
    blocks = [("h2", f"(student {sheet.student})"), ("p", "`"), ("p", "Your values:"),
              *(("p", note) for note in sheet.notes), ("p", "![the graph"), ("p", "**1. Forward pass**"),
              ("table", forward)]
    if sheet.backward:
        blocks += [("p", "**2. Backward pass**"),
                   ("table", [["#"], *([str(row.number)] for row in sheet.backward)])]
    if sheet.layers:
        blocks += [("p", "**2. Backward pass by the layer equations**"),
                   ("table", [["quantity"], *([q.symbol] for q in sheet.layers)])]
    else:
        names, root = list(sheet.values), sheet.forward[-1].name
        per = worksheet_pages.GRADS_PER_ROW
        chunks = [names[k:k + per] for k in range(0, len(names), per)]
        blocks += [("p", "**3. The gradients of the inputs**"),
                   *(("table", [[f"`∂{root}/∂{name}`" for name in chunk], [None] * len(chunk)]) for chunk in chunks)]
    return blocks


def same_block(block, expected):
    """Whether a rendered block is the one expected: the same kind and start, a table with the rows
    expected, each as wide as its header and starting with the cells given (None: any cell)."""
    (kind, content), (kind_expected, start) = block, expected
    if kind != kind_expected:
        return False
    if kind != "table":
        return content.startswith(start) or (kind == "h2" and content.endswith(start))
    return len(content) == len(start) and all(
        len(row) == len(content[0]) and all(want is None or cell.startswith(want) for cell, want in zip(row, wanted))
        for row, wanted in zip(content, start))


@pytest.mark.parametrize("what", [*TEMPLATES, "a*b + c", "x1 + x2 + x3 + x4 + x5 + x6 + x7"])
def test_the_markdown_renders_as_headings_paragraphs_and_whole_tables(tmp_path, what):
    """Read by a real Markdown renderer, each sheet is its heading, its paragraphs (the values, then
    each note apart), and every table with all its rows; a rule between students."""
    need("dot")
    options = {"template": what} if what in TEMPLATES else {"expression": what}
    sheets = make_sheets(**options, students=2, seed=3)
    write_worksheets(sheets, tmp_path)
    for stem in ("worksheets", "answers"):
        blocks = markdown_blocks((tmp_path / f"{stem}.md").read_text())
        expected = [*expected_blocks(sheets[0]), ("hr", ""), *expected_blocks(sheets[1])]
        assert len(blocks) == len(expected), (stem, [kind for kind, _ in blocks])
        for block, wanted in zip(blocks, expected):
            assert same_block(block, wanted), (stem, block, wanted)


def test_a_negative_seed_draws_values_of_its_own():
    """Python's random.Random(-7) is random.Random(7): a negative seed must not repeat its positive."""
    values = {seed: [s.values for s in make_sheets("(a*b + c)*f", students=3, seed=seed)] for seed in (7, -7, 0)}
    assert values[-7] != values[7]
    assert values[-7] == [s.values for s in make_sheets("(a*b + c)*f", students=3, seed=-7)]  # still reproducible
    assert values[0] != values[-7]


def test_the_progress_names_each_pass(tmp_path, capsys, monkeypatch):
    """A big class shows progress twice (working out each sheet, then drawing it): each says which."""
    need("dot")
    from micrograd_like.cli import terminal as command  # where the worksheet command's progress is written

    lines = []
    monkeypatch.setattr(command, "progress_line", lambda what, done, total: lines.append((what, done, total)))
    assert run_main(capsys, "worksheet", "a*b", "--students", "10", "-o", str(tmp_path / "class"))[0] == 0
    passes = list(dict.fromkeys(what for what, _, _ in lines))
    assert len(passes) == 2 and all("student" in what for what in passes), passes
    assert "values" in passes[0] and "draw" in passes[1], passes
    assert [(done, total) for what, done, total in lines if what == passes[1]] == [(k, 10) for k in range(1, 11)]


RIGHT_TO_LEFT = "אב*b + c + שם"  # Hebrew names, as Python's identifiers allow


def test_right_to_left_names_leave_numbers_in_reading_order(tmp_path, browser):  # noqa: F811
    """Beside a right-to-left name, ``אב = -1.5`` must not read ``1.5- = אב`` (the bidirectional
    algorithm carries the number into the name's run): in the browser, every ``= number`` on the
    pages is drawn left to right, its minus sign first."""
    need("dot")
    sheets = make_sheets(RIGHT_TO_LEFT, students=1, seed=0)
    assert sheets[0].values["אב"] < 0
    write_worksheets(sheets, tmp_path)
    for stem in ("worksheets", "answers"):
        browser.get((tmp_path / f"{stem}.html").as_uri())
        wrong = browser.execute_script("""
            const sheet = document.querySelector('.sheet'), wrong = [];
            const walker = document.createTreeWalker(sheet, NodeFilter.SHOW_TEXT);
            const left = (node, k) => { const r = document.createRange(); r.setStart(node, k); r.setEnd(node, k + 1);
                                        return r.getBoundingClientRect().left; };
            let seen = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (const m of node.data.matchAll(/= (-?[0-9][0-9.]*)/g)) {
                seen += 1;
                const sign = m.index, first = m.index + 2, last = m.index + m[0].length - 1;
                if (!(left(node, sign) < left(node, first) && left(node, first) <= left(node, last)))
                  wrong.push(node.parentElement.textContent);
              }
            }
            return [seen, wrong];""")
        seen, wrong = wrong
        assert seen >= 3 and wrong == [], (stem, wrong)


def pdf_texts(page):
    """Each piece of text on a PDF page, as (text, x, y, size): where it is drawn and how large, in points."""
    texts = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            texts.append((text.strip(), x, y, size * abs(a * d - b * c) ** 0.5))

    page.extract_text(visitor_text=visit)
    return texts


POINT = 25.4 / 72  # millimetres per point


@pytest.mark.parametrize("what", [*TEMPLATES, SIX])
def test_the_graph_is_printed_large_enough_to_write_in(tmp_path, what):
    """A printed sheet is for a pen: in the PDF, the graph's words are at least 8 pt, and each
    blank to fill in (data, grad; z, a, δ of a neuron) is at least 6 mm tall."""
    need("dot")
    need("chromium")
    from pypdf import PdfReader

    options = {"template": what} if what in TEMPLATES else {"expression": what}
    write_worksheets(make_sheets(**options, students=1, seed=4), tmp_path, pdf=True)
    texts = pdf_texts(PdfReader(tmp_path / "worksheets.pdf").pages[0])
    fields = ("data", "grad") if what != "two-layer" else ("z1[1]", "a1[1]", "δ1[1]")
    below = next(y for text, _, y, _ in texts if text.startswith("1. Forward pass"))  # the graph is above it
    blanks = [(text, x, y, size) for text, x, y, size in texts if text in fields and y > below]
    assert len(blanks) >= len(fields), texts
    assert min(size for *_, size in blanks) >= 8, sorted({round(size, 1) for *_, size in blanks})
    rows = [(x, y) for _, x, y, _ in blanks]  # the fields of one record share their x: the distance between rows
    gaps = [abs(y - y2) for (x, y), (x2, y2) in itertools.combinations(rows, 2) if abs(x - x2) < 1 and y != y2]
    assert gaps and min(gaps) * POINT >= 6, min(gaps) * POINT
