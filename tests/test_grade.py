"""Grading a class: the gradebook's scores follow from a plan of mistakes, credit carried forward,
each mistake named; bad answers files are one line naming the line; the report reads right in a browser.

The expectations are worked out from the plan (what each student got wrong, and what they wrote
after it), never by calling the grader.
"""

import csv
import io
import itertools
import json

import pytest
from helpers import need, run_main
from hypothesis import given, settings
from hypothesis import strategies as st
from test_slideshow import browser  # noqa: F401  (a fixture)

from micrograd_like.pages.gradebook import MANIFEST, read_answers, read_key
from micrograd_like.pages.worksheets import TEMPLATE, key_object, template_csv
from micrograd_like.teach.grading import BLANK, CARRIED, RIGHT, WRONG, grade
from micrograd_like.teach.worksheet import make_sheets

STUDENTS = 30
SEED = 24
GROUPS = {  # students by the mistake they make (the rest of each sheet right)
    "right": range(1, 7),
    "forgot_upstream": range(7, 13),  # step e -> a: contribution written as the local derivative alone
    "wrong_e": range(13, 19),  # e = a*b wrong by 1, then d, L and everything read from them right from it
    "blanks": range(19, 23),  # two blanks left empty
    "unrelated": range(23, 27),  # step e -> b's local derivative off by 0.37
    "wrong_upstream": range(27, 31),  # step e -> a's upstream with the wrong sign, then carried forward right
}


def group_of(student):
    return next(name for name, members in GROUPS.items() if student in members)


def step_number(sheet, node, parent):
    return next(row.number for row in sheet.backward if (row.node, row.parent) == (node, parent))


def planned_answers(sheet):
    """What the student wrote, by the plan, and the verdicts the plan implies for the blanks it touches."""
    answers = dict(sheet.blanks())
    verdicts = {}
    a_step, b_step, f_step = (step_number(sheet, *edge) for edge in (("e", "a"), ("e", "b"), ("L", "f")))
    group = group_of(sheet.student)
    if group == "forgot_upstream":
        local = answers[f"step{a_step}.local"]
        answers[f"step{a_step}.contribution"] = local
        answers[f"step{a_step}.total"] = local  # the first step into a: 0 + their contribution
        answers["grads.a"] = local  # read off their running total
        verdicts = {f"step{a_step}.contribution": WRONG, f"step{a_step}.total": CARRIED, "grads.a": CARRIED}
    elif group == "wrong_e":
        v = sheet.values
        e = v["a"] * v["b"] + 1
        d = e + v["c"]
        answers.update({"forward.e": e, "forward.d": d, "forward.L": d * v["f"]})
        answers.update({f"step{f_step}.local": d, f"step{f_step}.contribution": d, f"step{f_step}.total": d,
                        "grads.f": d})  # dL/df = d, with their d
        verdicts = {"forward.e": WRONG, "forward.d": CARRIED, "forward.L": CARRIED, f"step{f_step}.local": CARRIED,
                    f"step{f_step}.contribution": CARRIED, f"step{f_step}.total": CARRIED, "grads.f": CARRIED}
    elif group == "blanks":
        answers["step3.upstream"] = answers["grads.c"] = None
        verdicts = {"step3.upstream": BLANK, "grads.c": BLANK}
    elif group == "unrelated":
        answers[f"step{b_step}.local"] += 0.37
        verdicts = {f"step{b_step}.local": WRONG}
    elif group == "wrong_upstream":
        upstream = -answers[f"step{a_step}.upstream"]
        contribution = upstream * answers[f"step{a_step}.local"]
        answers.update({f"step{a_step}.upstream": upstream, f"step{a_step}.contribution": contribution,
                        f"step{a_step}.total": contribution, "grads.a": contribution})
        verdicts = {f"step{a_step}.upstream": WRONG, f"step{a_step}.contribution": CARRIED,
                    f"step{a_step}.total": CARRIED, "grads.a": CARRIED}
    return answers, verdicts


def expected_misconceptions(sheet):
    return ["forgot_upstream"] if group_of(sheet.student) == "forgot_upstream" else []


def csv_text(rows):
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue()


def cell(x):
    return "" if x is None else repr(x)


def plannable(sheet):
    """Whether the plan's mistakes are mistakes on this sheet: the upstream gradient into e -> a is not 1
    (forgetting it would give the right number) nor 0 (its sign flipped would too), its local derivative not 0."""
    step = step_number(sheet, "e", "a")
    upstream, local = (sheet.blanks()[f"step{step}.{part}"] for part in ("upstream", "local"))
    return upstream not in (0, 1) and local != 0


@pytest.fixture(scope="module")
def sheets():
    """The class: the first seed from SEED on whose every sheet the plan's mistakes are mistakes."""
    for seed in itertools.count(SEED):
        made = make_sheets(template="lecture", students=STUDENTS, seed=seed)
        if all(map(plannable, made)):
            return made


@pytest.fixture(scope="module")
def key_folder(sheets, tmp_path_factory):
    """The files of the worksheet command that grading reads (answers.json, answers-template.csv),
    written as the worksheet command writes them, without drawing 60 graphs."""
    folder = tmp_path_factory.mktemp("class")
    (folder / "answers.json").write_text(json.dumps([key_object(s) for s in sheets], indent=1), encoding="utf-8")
    (folder / TEMPLATE).write_text(template_csv(sheets), encoding="utf-8", newline="")
    return folder


@pytest.fixture(scope="module")
def filled(sheets, key_folder):
    """The class's answers by the plan, as a CSV in the template's columns."""
    header = next(csv.reader(io.StringIO((key_folder / TEMPLATE).read_text(encoding="utf-8"), newline="")))
    rows = [header]
    for sheet in sheets:
        answers, _ = planned_answers(sheet)
        rows.append([str(sheet.student), *(cell(answers[name]) for name in header[1:])])
    path = key_folder / "filled.csv"
    path.write_text(csv_text(rows), encoding="utf-8", newline="")
    return path


@pytest.fixture(scope="module")
def graded_folder(key_folder, filled, tmp_path_factory):
    from micrograd_like.cli import main

    out = tmp_path_factory.mktemp("results") / "out"
    assert main(["grade", str(key_folder), str(filled), "-o", str(out)]) == 0
    return out


def test_the_template_names_every_blank_as_answers_json_does(key_folder, sheets):
    rows = list(csv.reader(io.StringIO((key_folder / TEMPLATE).read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    key = json.loads((key_folder / "answers.json").read_text(encoding="utf-8"))
    assert header[0] == "student" and len(set(header)) == len(header)
    for entry in key:
        assert header[1:] == list(entry["blanks"])  # one to one, in the sheet's order
        for name, value in entry["blanks"].items():  # each name is the key's own number
            where, _, what = name.partition(".")
            if where in ("forward", "grads"):
                assert entry[where][what] == value
            else:
                row = sheets[entry["student"] - 1].backward[int(where.removeprefix("step")) - 1]
                assert getattr(row, what) == value
    assert [row[0] for row in body] == [str(k) for k in range(1, STUDENTS + 1)]
    assert all(cell == "" for row in body for cell in row[1:])
    assert (key_folder / TEMPLATE).read_bytes().count(b"\r\n") == STUDENTS + 1


def test_the_gradebook_follows_the_plan(graded_folder, sheets):
    rows = list(csv.DictReader(io.StringIO((graded_folder / "gradebook.csv").read_text(encoding="utf-8"),
                                           newline="")))
    assert [int(row["student"]) for row in rows] == list(range(1, STUDENTS + 1))
    for sheet, row in zip(sheets, rows):
        _, verdicts = planned_answers(sheet)
        out_of = len(sheet.blanks())
        lost = sum(verdict in (WRONG, BLANK) for verdict in verdicts.values())
        assert (int(row["score"]), int(row["out_of"])) == (out_of - lost, out_of), sheet.student
        for name in sheet.blanks():
            assert row[name] == verdicts.get(name, RIGHT), (sheet.student, name)
        assert list(filter(None, row["misconceptions"].split("; "))) == expected_misconceptions(sheet)
    counts = {}
    for row in rows:
        for name in filter(None, row["misconceptions"].split("; ")):
            counts[name] = counts.get(name, 0) + 1
    assert counts == {"forgot_upstream": len(GROUPS["forgot_upstream"])}


def test_the_report_in_a_browser_reads_as_the_plan(graded_folder, sheets, browser):  # noqa: F811
    browser.get((graded_folder / "report.html").as_uri())
    run = browser.execute_script
    students = run("return Array.from(document.querySelectorAll('#students tbody tr'), tr =>"
                   " Array.from(tr.cells, td => td.innerText.trim()))")
    assert len(students) == STUDENTS
    for sheet, shown in zip(sheets, students):
        _, verdicts = planned_answers(sheet)
        out_of = len(sheet.blanks())
        score = out_of - sum(v in (WRONG, BLANK) for v in verdicts.values())
        assert shown[:2] == [str(sheet.student), f"{score} / {out_of}"]
        assert shown[2] == ", ".join(name for name, v in verdicts.items() if v == WRONG)
        assert shown[4] == ", ".join(expected_misconceptions(sheet))
    bars = run("return Array.from(document.querySelectorAll('#misconception-chart g.bar'), g => "
               "[g.dataset.label, g.querySelector('rect').getBoundingClientRect().width,"
               " g.querySelector('text').getBoundingClientRect().height])")
    assert [bar[0] for bar in bars] == ["forgot_upstream"]
    described = run("return document.querySelector('#misconceptions tr[data-misconception=forgot_upstream]')"
                    ".innerText")
    assert "upstream gradient" in described and str(len(GROUPS["forgot_upstream"])) in described
    assert bars[0][1] > 50 and bars[0][2] >= 16  # a bar you can see, words you can read from the back
    missed = run("return Array.from(document.querySelectorAll('#missed-chart g.bar'), g => "
                 "[g.dataset.label, +g.dataset.count, g.querySelector('rect').getBoundingClientRect().width])")
    expected = {}
    for sheet in sheets:
        for name, verdict in planned_answers(sheet)[1].items():
            if verdict in (WRONG, BLANK):
                expected[name] = expected.get(name, 0) + 1
    assert {label: count for label, count, _ in missed} == expected
    widths = {label: width for label, _, width in missed}
    assert all(widths[a] >= widths[b] for a in widths for b in widths if expected[a] > expected[b])
    blanks = run("return Array.from(document.querySelectorAll('#blanks tbody tr'), tr => tr.dataset.blank)")
    assert blanks == list(sheets[0].blanks())
    fonts = run("return Array.from(document.querySelectorAll('td, th, .chart text'), e =>"
                " parseFloat(getComputedStyle(e).fontSize))")
    assert min(fonts) >= 18  # legible on a projector
    assert run("return document.documentElement.scrollWidth <= window.innerWidth")  # nothing cut off at the side


def test_credit_is_carried_through_the_layer_equations():
    """A two-layer sheet with z2 wrong: δ(2) = z2 - y, ∂L/∂W(2) = δ(2) a(1), δ(1) = W(2) δ(2) relu'(z1), ...
    each worked out from that wrong z2, are right."""
    sheet = make_sheets(template="two-layer", seed=3)[0]
    answers = dict(sheet.blanks())
    v = sheet.values
    z2 = answers["forward.z2"] + 2
    d2 = z2 - v["y"]
    answers.update({"forward.z2": z2, "forward.L": 0.5 * d2 ** 2, "grads.z2": d2, "grads.b2": d2})
    for i in (1, 2):
        a1 = answers[f"forward.a1[{i}]"]
        d1 = v[f"W2[1][{i}]"] * d2 * (1.0 if answers[f"forward.z1[{i}]"] > 0 else 0.0)
        answers.update({f"grads.W2[1][{i}]": d2 * a1, f"grads.z1[{i}]": d1, f"grads.b1[{i}]": d1})
        for j in (1, 2):
            answers[f"grads.W1[{i}][{j}]"] = d1 * v[f"x{j}"]
    graded = grade(sheet, answers, diagnose=lambda step, answer, ask: None)
    wrong = [mark.name for mark in graded.marks if not mark.right]
    assert wrong == ["forward.z2"]
    assert graded.score == len(answers) - 1
    assert {mark.name for mark in graded.marks if mark.verdict == CARRIED} >= {"forward.L", "grads.z2", "grads.b2"}


def test_a_gradient_of_one_path_only_is_named():
    """x used twice: a grads.x that holds one path's contribution alone is one_path."""
    sheet = make_sheets("x*y + x", seed=2)[0]
    last = [row for row in sheet.backward if row.parent == "x"][-1]
    answers = dict(sheet.blanks())
    answers["grads.x"] = last.contribution  # the last path alone
    assert last.contribution != sheet.grads["x"]
    (mark,) = [mark for mark in grade(sheet, answers).marks if not mark.right]
    assert (mark.name, mark.verdict, mark.misconception) == ("grads.x", WRONG, "one_path")


# -- bad answers files: one line, naming the line, exit 2, nothing written ------------------------------


def rows_of(filled):
    return list(csv.reader(io.StringIO(filled.read_text(encoding="utf-8"), newline="")))


def spoiled(rows, how):
    rows = [list(row) for row in rows]
    if how == "missing student":
        del rows[5]  # student 5
    elif how == "unknown student":
        rows[3][0] = "99"
    elif how == "duplicate student":
        rows[4][0] = "2"
    elif how == "not a number":
        rows[2][4] = "abc"
    elif how == "extra column":
        rows = [row + ["x"] for row in rows]
    elif how == "missing column":
        rows = [row[:-1] for row in rows]
    elif how == "misnamed column":
        rows[0][4] = rows[0][4].replace("local", "locl")
    elif how == "short row":
        rows[6] = rows[6][:-2]
    elif how == "no student number":
        rows[7][0] = ""
    elif how == "a fraction too big for a float":
        rows[2][5] = "1" + "0" * 400 + "/1"
    elif how == "a digit that is not a number":
        rows[3][0] = "²"  # str.isdigit() says yes; int() says no
    return csv_text(rows)


BAD = {
    "missing student": "no row for student 5",
    "unknown student": "line 4: no student '99'",
    "duplicate student": "line 5: student 2 again (first on line 3)",
    "not a number": "line 3, step1.local: 'abc' is not a number",
    "extra column": "line 1: unknown column 'x'",
    "missing column": "line 1: missing column grads.f",
    "misnamed column": "line 1: unknown column 'step1.locl' (did you mean 'step1.local'?)",
    "short row": "(1 problem): line 7: 30 cells, the header has 32",
    "no student number": "line 8: no student number",
    "a digit that is not a number": "line 4: no student '²'",
    "a fraction too big for a float": "line 3, ",
}


@pytest.mark.parametrize("how", BAD)
def test_a_bad_answers_file_is_one_line_naming_it_and_nothing_is_written(how, key_folder, filled, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(spoiled(rows_of(filled), how), encoding="utf-8", newline="")
    out = tmp_path / "out"
    status, stdout, err = run_main(capsys, "grade", str(key_folder), str(bad), "-o", str(out))
    assert status == 2
    assert err.count("\n") == 1 and err.startswith("micrograd-like grade: error: ") and "Traceback" not in err
    assert BAD[how] in err, err
    assert not out.exists()


def test_every_bad_line_is_named_at_once(key_folder, filled, tmp_path, capsys):
    rows = rows_of(filled)
    rows[2][4], rows[9][5], rows[12][0] = "x", "?", "3"
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(rows), encoding="utf-8", newline="")
    status, _, err = run_main(capsys, "grade", str(key_folder), str(bad), "-o", str(tmp_path / "out"))
    assert status == 2 and err.count("\n") == 1
    assert "(4 problems)" in err and "line 3, step1.local: 'x' is not a number" in err
    assert "line 10, step1.upstream: '?' is not a number" in err and "line 13: student 3 again (first on line 4)" in err
    assert err.rstrip().endswith("no row for student 12")  # row 12 is the second student 3


def test_an_empty_file_is_refused(key_folder, tmp_path, capsys):
    for text in ("", "\r\n\n  "):
        empty = tmp_path / "empty.csv"
        empty.write_text(text, encoding="utf-8")
        status, _, err = run_main(capsys, "grade", str(key_folder), str(empty), "-o", str(tmp_path / "out"))
        assert status == 2 and "is empty" in err and err.count("\n") == 1
        assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("form", ["bom", "lf", "cr", "reordered", "spaces", "stray commas"])
def test_excels_ways_are_read_as_the_same_answers(form, key_folder, filled, sheets, tmp_path):
    rows = rows_of(filled)
    if form == "reordered":  # columns in another order
        order = [0, *range(len(rows[0]) - 1, 0, -1)]
        rows = [[row[k] for k in order] for row in rows]
    if form == "spaces":
        rows = [[f" {cell} " for cell in row] for row in rows]
    if form == "stray commas":  # empty cells past the last column, on some rows
        rows = [row + [""] * (k % 3) for k, row in enumerate(rows)]
    text = csv_text(rows)
    data = {"bom": b"\xef\xbb\xbf" + text.encode(), "lf": text.replace("\r\n", "\n").encode(),
            "cr": text.replace("\r\n", "\r").encode()}.get(form, text.encode())
    path = tmp_path / "answers.csv"
    path.write_bytes(data)
    expected = {sheet.student: planned_answers(sheet)[0] for sheet in sheets}
    assert read_answers(path, sheets) == expected


def test_blank_cells_are_unanswered_not_errors(key_folder, sheets, tmp_path, capsys):
    out = tmp_path / "out"
    status, _, err = run_main(capsys, "grade", str(key_folder), str(key_folder / TEMPLATE), "-o", str(out))
    assert status == 0, err
    rows = list(csv.DictReader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8"), newline="")))
    assert all(row["score"] == "0" for row in rows)
    assert {row[name] for row in rows for name in sheets[0].blanks()} == {BLANK}


def test_fractions_and_a_minus_sign_are_numbers(key_folder, sheets, tmp_path):
    rows = rows_of(key_folder / TEMPLATE)
    first = sheets[0].blanks()
    rows[1][1:] = [f"{int(x * 8)}/8".replace("-", "\u2212") for x in first.values()]
    path = tmp_path / "answers.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    assert read_answers(path, sheets)[1] == first


def test_files_grade_did_not_write_are_never_overwritten(key_folder, filled, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("the teacher's own")
    argv = ["grade", str(key_folder), str(filled), "-o", str(out)]
    status, _, err = run_main(capsys, *argv)
    assert status == 2 and "not written by micrograd-like grade" in err and "--force" in err
    assert (out / "report.html").read_text() == "the teacher's own" and not (out / "gradebook.csv").exists()
    assert run_main(capsys, *argv, "--force")[0] == 0
    assert run_main(capsys, *argv)[0] == 0  # its own files: written over again
    (out / "gradebook.csv").write_text("annotated", encoding="utf-8")  # changed since: the teacher's now
    status, _, err = run_main(capsys, *argv)
    assert status == 2 and "was changed since micrograd-like grade wrote it" in err
    assert (out / "gradebook.csv").read_text() == "annotated"
    assert (out / MANIFEST).is_file()


def test_a_key_that_cannot_be_graded_is_one_line(key_folder, filled, tmp_path, capsys):
    old = tmp_path / "old"
    old.mkdir()
    entries = json.loads((key_folder / "answers.json").read_text(encoding="utf-8"))
    (old / "answers.json").write_text(json.dumps([{k: e[k] for k in ("student", "values", "forward", "grads")}
                                                  for e in entries]))
    edited = tmp_path / "edited"
    edited.mkdir()
    entries[4]["blanks"]["forward.e"] += 1
    (edited / "answers.json").write_text(json.dumps(entries))
    for folder, words in ((old, "older micrograd-like worksheet"), (edited, "student 5: the blanks do not match"),
                          (tmp_path / "nowhere", "is not a folder")):
        status, _, err = run_main(capsys, "grade", str(folder), str(filled), "-o", str(tmp_path / "out"))
        assert status == 2 and words in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_the_worksheet_command_then_grade(tmp_path, capsys):
    """End to end as a teacher works: the worksheets, the template filled in, the marks; a rerun of the
    worksheets into the same folder writes its own template again but keeps one the teacher filled in."""
    need("dot")
    folder = tmp_path / "class"
    argv = ["worksheet", "(a*b + c)*f", "--students", "3", "--seed", "4", "-o", str(folder)]
    assert run_main(capsys, *argv)[0] == 0
    sheets = read_key(folder)
    assert [sheet.blanks() for sheet in sheets] == [s.blanks() for s in make_sheets("(a*b + c)*f", students=3, seed=4)]
    assert run_main(capsys, *argv)[0] == 0  # its own template, unchanged: written again
    rows = rows_of(folder / TEMPLATE)
    key = json.loads((folder / "answers.json").read_text(encoding="utf-8"))
    assert all(rows[0] == ["student", *entry["blanks"]] for entry in key)
    for row, sheet in zip(rows[1:], sheets):
        row[1:] = [repr(x) for x in sheet.blanks().values()]
    rows[2][1] = "1000"  # student 2's first forward value wrong
    (folder / TEMPLATE).write_text(csv_text(rows), encoding="utf-8")
    status, out, err = run_main(capsys, "grade", str(folder), str(folder / TEMPLATE), "-o", str(tmp_path / "marks"))
    assert status == 0, err
    scores = [row["score"] for row in csv.DictReader((tmp_path / "marks" / "gradebook.csv").open(newline=""))]
    out_of = len(sheets[0].blanks())
    assert scores == [str(out_of), str(out_of - 1), str(out_of)]
    status, _, err = run_main(capsys, *argv)  # the teacher's filled-in template is never written over
    assert status == 2 and TEMPLATE in err and "changed since" in err


def test_a_big_class_shows_progress_for_each_pass(key_folder, filled, tmp_path, capsys, monkeypatch):
    from micrograd_like.cli import terminal as command  # where the grade command's progress is written

    lines = []
    monkeypatch.setattr(command, "progress_line", lambda what, done, total: lines.append((what, done, total)))
    assert run_main(capsys, "grade", str(key_folder), str(filled), "-o", str(tmp_path / "out"))[0] == 0
    passes = list(dict.fromkeys(what for what, _, _ in lines))
    assert passes == ["reading the key: student", "marking: student"]
    for what in passes:
        assert [(done, total) for said, done, total in lines if said == what] == [(k, STUDENTS)
                                                                                  for k in range(1, STUDENTS + 1)]


def test_a_long_label_is_cut_short_in_a_chart_only():
    from micrograd_like.pages.gradebook import CHART_LABEL, bar_chart

    name = "forward." + "a_long_name" * 4
    chart = bar_chart([(name, 3), ("grads.a", 1)], most=4)
    (long, short) = chart["bars"]
    assert long["label"] == name and len(long["short"]) == CHART_LABEL and long["short"].endswith("…")
    assert short["short"] == "grads.a" and long["width"] == 3 * short["width"]
    assert chart["height"] >= short["y"] + chart["bar_height"]


@settings(max_examples=12)
@given(seed=st.integers(0, 10**6), pick=st.integers(0, 10**6),
       what=st.sampled_from(["lecture", "neuron", "two-layer", "x*y + x", "x/y - relu(x*y)"]))
def test_one_slip_costs_one_mark(seed, what, pick):
    """Answers that are the key score full marks; one blank off by 0.37 (never a sheet's number: they are eighths)
    is that blank wrong, and every other blank stays right, the ones read from it included."""
    options = {"template": what} if what in ("lecture", "neuron", "two-layer") else {"expression": what}
    sheet = make_sheets(**options, seed=seed)[0]
    answers = dict(sheet.blanks())
    none = lambda step, answer, ask: None  # noqa: E731  (no diagnosis: this is about the marks)
    assert grade(sheet, answers, diagnose=none).score == len(answers)
    slipped = list(answers)[pick % len(answers)]
    answers[slipped] += 0.37
    graded = grade(sheet, answers, diagnose=none)
    assert [(mark.name, mark.verdict) for mark in graded.marks if not mark.right] == [(slipped, WRONG)]
    assert graded.score == len(answers) - 1


def test_an_answers_file_that_cannot_be_read_is_one_line(key_folder, tmp_path, capsys):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("student,forward.e\n1,\xe9\n".encode("latin-1"))
    for path, words in ((tmp_path / "missing.csv", "does not exist"), (tmp_path, "is a folder"),
                        (latin, "is not UTF-8 text (byte 21): save it as CSV UTF-8")):
        status, _, err = run_main(capsys, "grade", str(key_folder), str(path), "-o", str(tmp_path / "out"))
        assert status == 2 and words in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists()


def test_a_calculator_sheet_is_marked_to_its_four_decimals():
    sheet = make_sheets(template="neuron", calculator=True, seed=5)[0]
    rounded = {name: round(x, 4) for name, x in sheet.blanks().items()}  # as the student copies them
    none = lambda step, answer, ask: None  # noqa: E731
    assert grade(sheet, rounded, diagnose=none).score == len(rounded)
    name, x = next((name, x) for name, x in rounded.items() if abs(x) > 0.1)
    slipped = {**rounded, name: x * 1.01}  # 1% off: a wrong digit, not rounding
    assert [mark.name for mark in grade(sheet, slipped, diagnose=none).marks if not mark.right] == [name]


def test_a_sheet_of_zeros_earns_only_the_blanks_whose_answer_is_zero(sheets):
    for sheet in sheets[:5]:
        key = sheet.blanks()
        zeros = grade(sheet, dict.fromkeys(key, 0.0))
        assert zeros.score == sum(1 for value in key.values() if value == 0)
        forward_only = grade(sheet, {name: (value if name.startswith("forward.") else 0.0)
                                     for name, value in key.items()})
        forward = [name for name in key if name.startswith("forward.")]
        assert forward_only.score == len(forward) + sum(1 for name, value in key.items()
                                                        if value == 0 and name not in forward)


def test_a_key_of_two_worksheets_is_refused(key_folder, filled, tmp_path, capsys):
    entries = json.loads((key_folder / "answers.json").read_text(encoding="utf-8"))
    other = key_object(make_sheets("a*b*c*f + a", students=2, seed=1)[1])
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "answers.json").write_text(json.dumps([entries[0], other, *entries[2:]]))
    status, _, err = run_main(capsys, "grade", str(mixed), str(filled), "-o", str(tmp_path / "out"))
    assert status == 2 and "student 2: made from another worksheet than student 1's" in err, err
    assert not (tmp_path / "out").exists()


def test_answers_where_the_gradebook_goes_are_never_replaced(key_folder, filled, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    answers = out / "gradebook.csv"
    answers.write_bytes(filled.read_bytes())
    status, _, err = run_main(capsys, "grade", str(key_folder), str(answers), "-o", str(out), "--force")
    assert status == 2 and "is where the gradebook goes" in err, err
    assert answers.read_bytes() == filled.read_bytes() and list(out.iterdir()) == [answers]
