"""The primitive table as a registry: a row added at run time is known everywhere, and a bad
row is refused when it is made, saying what to fix."""

import dataclasses
import importlib.util
import math
import re
import sys
import threading
from pathlib import Path

import pytest

from micrograd_like import (
    Primitive,
    Value,
    apply,
    check_nodes,
    compile_graph,
    draw_dot,
    draw_path,
    gradcheck,
    ops,
    parse,
)
from micrograd_like.cli import main
from micrograd_like.teach.expression import ExpressionError


def _cube(name="cube", **fields):
    return Primitive(name, "x³", lambda x: x**3, lambda x, out: (3 * x * x,), f"{name}({{0}})", ("3*{0}²",), **fields)


@pytest.fixture
def cube():
    """A row registered for one test, and taken out again after it."""
    row = ops.register(_cube())
    yield row
    ops.unregister("cube")


def test_a_row_registered_at_run_time_is_known_to_the_lookups(cube):
    assert ops.find("cube") is cube and ops.registry()["cube"] is cube and ops.PRIMITIVES["cube"] is cube
    assert ops.function_names()[-1] == "cube"
    ops.unregister("cube")
    assert ops.find("cube") is None and "cube" not in ops.PRIMITIVES
    ops.register(cube)  # (the fixture takes it out)


def test_a_row_registered_at_run_time_works_everywhere(cube, capsys):
    x = Value(0.5, label="x")
    assert apply(cube, x).data == 0.125
    y = parse("cube(a*b) + 1", {"a": 2.0, "b": 0.5})
    assert y.parents[0].primitive is cube and y.data == 2.0
    assert gradcheck(lambda v: apply(cube, v * 2), [0.3])
    assert check_nodes(parse("tanh(cube(a))", {"a": 0.7})).ok
    assert 'label="x³"' in draw_dot(parse("cube(a)", {"a": 0.7})).source
    steps = parse("cube(a)", {"a": 2.0}).backward_steps()
    assert "3*a² = 12.0" in steps.transcript()
    assert main(["step", "cube(a*b)", "--var", "a=2", "--var", "b=0.5"]) == 0
    assert "local d(cube(a*b))/d(a*b) = " in capsys.readouterr().out
    assert main(["draw", "cube(a)", "--var", "a=2", "--format", "dot"]) == 0
    assert "x³" in capsys.readouterr().out


def test_a_registered_rows_derivative_in_words_brackets_its_operand(cube):
    steps = parse("cube(a*b) + cube(-c)", {"a": 2.0, "b": 0.5, "c": 1.0}).backward_steps()
    derivatives = [step.derivative for step in steps.steps if step.node.primitive is cube]
    assert sorted(derivatives) == ["d(cube(-c))/d(-c) = 3*(-c)² = 3.0", "d(cube(a*b))/d(a*b) = 3*(a*b)² = 3.0"]


def test_the_command_lines_help_lists_the_registered_functions(cube, capsys):
    for command in ("step", "draw"):
        with pytest.raises(SystemExit) as exit:
            main([command, "--help"])
        assert exit.value.code == 0
        help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
        assert " ".join(ops.function_names()) in help_text and f"{ops.built_in_rows()[-1].written} cube" in help_text


ROOT = Path(__file__).resolve().parent.parent


def _docs_hook():
    """docs/primitive_table.py, the hook that writes the docs' list of operations when the site is built."""
    spec = importlib.util.spec_from_file_location("primitive_table", ROOT / "docs" / "primitive_table.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_docs_list_of_operations_is_read_off_the_table(cube):
    hook = _docs_hook()
    page = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert hook.MARKER in page, "docs/operations.md lost the marker the list of operations is written at"
    built = hook.on_page_markdown(page, page=None, config=None, files=None)
    rows = re.findall(r"^\| `(\w+)` \|", built, re.MULTILINE)
    assert rows == list(ops.registry()), rows  # a row registered a moment ago (cube) included
    assert "| `cube` | `cube(a)` | x³ | d/da = `3*a²` |" in built


def test_no_page_lists_the_functions_by_hand():
    """The functions are listed in one place, the table: a paragraph naming most of them is a copy."""
    names = ops.function_names()
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        for paragraph in page.read_text(encoding="utf-8").split("\n\n"):
            named = [n for n in names if re.search(rf"`{n}\b", paragraph)]
            assert len(named) < len(names) // 2, f"{page.name} lists the functions by hand: {named}"


def test_a_row_without_code_templates_is_compiled_calling_the_row(cube):
    assert cube.forward_code == "" and cube.grads_code == ()
    x = Value(1.5, label="x")
    fn = compile_graph(apply(cube, x), [x])
    assert "= cube(x)" in fn.source and "cube_grads(x, " in fn.source
    assert fn(1.5) == (3.375, (6.75,))


@pytest.fixture
def hypot():
    """A two-operand row with a note, registered for one test: d hypot(a, b)/da = a/hypot(a, b)."""
    row = ops.register(Primitive(
        "hypot", "⊿", math.hypot, lambda a, b, out: (a / out, b / out), "hypot({0}, {1})",
        ("{0}/hypot({0}, {1})", "{1}/hypot({0}, {1})"),
        notes=(ops.Note("the local derivative is {p} over the node's output ({out}): the longer side of "
                        "{formula} gets the larger share"),),
    ))
    yield row
    ops.unregister("hypot")


def test_a_two_operand_row_is_called_with_two_arguments(hypot):
    y = parse("hypot(a, 4)", {"a": 3.0})
    assert y.data == 5.0 and y.primitive is hypot and hypot.partners(0) == (1,)
    with pytest.raises(ExpressionError, match=r"hypot\(\) needs 2 arguments, got 1"):
        parse("hypot(a)", {"a": 3.0})


def test_a_two_operand_row_registered_at_run_time_works_everywhere(hypot, capsys):
    a, b = Value(3.0, label="a"), Value(4.0, label="b")
    assert apply(hypot, a, b).data == 5.0
    assert gradcheck(lambda x, y: apply(hypot, x * 2, y), [1.5, -4.0])
    assert check_nodes(parse("tanh(hypot(a*b, c))", {"a": 1.5, "b": 2.0, "c": 4.0})).ok
    y = parse("hypot(a*b, c)", {"a": 1.5, "b": 2.0, "c": 4.0})
    assert 'label="⊿"' in draw_dot(y).source
    steps = y.backward_steps()
    first = steps.steps[0]
    assert first.derivative == "d(hypot(a*b, c))/d(a*b) = (a*b)/hypot(a*b, c) = 0.6"
    assert first.notes == ("the local derivative is a*b over the node's output (5.0): the longer side of "
                           "hypot(a*b, c) gets the larger share",)
    assert main(["step", "hypot(a*b, c)", "--var", "a=1.5", "--var", "b=2", "--var", "c=4"]) == 0
    out = capsys.readouterr().out
    assert "local d(hypot(a*b, c))/dc = c/hypot(a*b, c) = 0.8" in out
    assert "note: the local derivative is c over the node's output (5.0)" in out
    assert main(["draw", "hypot(a, b)", "--var", "a=3", "--var", "b=4", "--format", "dot"]) == 0
    assert "⊿" in capsys.readouterr().out


def test_a_path_view_draws_the_partners_a_registered_rows_derivatives_name(hypot):
    """d hypot(a, b)/da = a/hypot(a, b) needs b: drawn beside a's path; d shift(a, b)/da = 1 needs nothing."""
    shift = ops.register(Primitive("shift", "shift", lambda a, b: a + 2 * b, lambda a, b, out: (1.0, 2.0),
                                   "shift({0}, {1})", ("1", "2")))
    try:
        a, b = Value(3.0, label="a"), Value(4.0, label="b")
        through_hypot = apply(hypot, a, b).tanh()
        through_shift = apply(shift, a, b).tanh()
        assert hypot.partners(0) == (1,) and shift.partners(0) == ()
        assert b in draw_path(a, through_hypot).names
        assert b not in draw_path(a, through_shift).names
        assert a in draw_path(b, through_hypot).names and a not in draw_path(b, through_shift).names
    finally:
        ops.unregister("shift")


def test_a_registered_rows_notes_are_the_stepper_words(capsys):
    flat = ops.Note("cube is flat where {p} is 0: its slope is 0 there, so no gradient reaches {p}",
                    when=lambda local: local == 0)
    ops.register(_cube(notes=(flat,)))
    try:
        (at_zero,) = parse("cube(a)", {"a": 0.0}).backward_steps().steps
        assert at_zero.notes == ("cube is flat where a is 0: its slope is 0 there, so no gradient reaches a",)
        (elsewhere,) = parse("cube(a)", {"a": 2.0}).backward_steps().steps
        assert elsewhere.notes == ()
        assert main(["step", "cube(a - b)", "--var", "a=1", "--var", "b=1"]) == 0
        out = capsys.readouterr().out
        assert "note: cube is flat where a - b is 0: its slope is 0 there, so no gradient reaches a - b" in out
    finally:
        ops.unregister("cube")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ops.register(_cube("tanh")), "a primitive named 'tanh' is already registered: choose another name$"),
        (lambda: ops.register(_cube("tanh2", written="tanh")), "'tanh' is already written for 'tanh'"),
        (lambda: ops.register(_cube("minus", written="-")), "'-' is already written for 'neg'"),
        (lambda: _cube(written="%"), "must be a function name .* or one of the operators"),
        (lambda: Primitive("f", "f", abs, abs, "f(x)", ()), "bad notation 'f\\(x\\)'"),
        (lambda: Primitive("f", "f", abs, abs, "f({1})", ("1",)), "bad notation"),
        (lambda: Primitive("f", "f", abs, abs, "f({0}})", ("1",)), "bad template"),
        (lambda: Primitive("f", "f", abs, abs, "f({0})", ("1", "2")), "1 operand\\(s\\) but 2 grad_words"),
        (lambda: Primitive("f", "f", abs, abs, "f({0})", ("{1}",)), "grad_words '\\{1\\}' may use only"),
        (lambda: _cube(forward_code="{0} **", grads_code=("1",)), "is not a Python expression"),
        (lambda: _cube(forward_code="{0}", grads_code=("1", "2")), "1 operand\\(s\\) but 2 grads_code"),
        (lambda: _cube(grads_code=("1",)), "grads_code without forward_code: give both, or neither"),
        (lambda: _cube(notes=(ops.Note("about {q}"),)), "a note may use"),
        (lambda: _cube(notes=(ops.Note("about {p}", operand=3),)), "notes must be Notes about operands 0..0"),
        (lambda: ops.unregister("exp"), "'exp' is a built-in primitive"),
        (lambda: Primitive("", "f", abs, abs, "f({0})", ("1",)), "needs a name"),
        # what compiled code would have failed on, the first time it ran, with a NameError
        (lambda: _cube(forward_code="erfc({0})", grads_code=("1.0",)),
         r"the code 'erfc\(\{0\}\)' uses 'erfc', which compiled code does not have: code may use its operands, "
         r"\{out\} and the names of ops.CODE_GLOBALS \(.*math.*\); or give no code"),
        (lambda: _cube(forward_code="{0} ** 3", grads_code=("3 * square({0})",)), "uses 'square', which compiled"),
        (lambda: _cube(forward_code="min({0}, 3.0)", grads_code=("1.0",)), "uses 'min', which compiled"),
        (lambda: _cube(forward_code="{0} ** 3", grads_code=("3 * x * x",)), "uses 'x', which compiled"),
        # ... and with an AttributeError
        (lambda: _cube(forward_code="math.cube({0})", grads_code=("1.0",)), "uses math.cube, which the math module"),
        # code that computes something else than the rules (tried where the rules give numbers)
        (lambda: _cube(forward_code="{0} ** 3", grads_code=("2 * {0} * {0}",)),
         r"cube: the grads_code '2 \* \{0\} \* \{0\}' gives 0.18 at \[0.3\], where the row's rules give 0.27: "
         r"the code must compute what forward and local_grads do"),
        (lambda: _cube(forward_code="{0} ** 2", grads_code=("3 * {0} * {0}",)),
         r"the forward_code '\{0\} \*\* 2' gives 0.09 at \[0.3\], where the row's rules give 0.027"),
        (lambda: _cube(forward_code="{0} ** 3", grads_code=("3 * {0} * {0} / ({0} - {0})",)),
         r"the grads_code .* raises ZeroDivisionError \(float division by zero\) at \[0.3\], where the row's"),
        (lambda: Primitive("ln", "ln", math.log, lambda x, out: (1 / x,), "ln({0})", ("1/{0}",),
                           forward_code="math.log({0})", grads_code=("1 / (2 * {0})",)),
         r"'1 / \(2 \* \{0\}\)' gives 1.666666667 at \[0.3\], where the row's rules give 3.333333333"),
        (lambda: Primitive("acosh", "acosh", math.acosh, lambda x, out: (1 / math.sqrt(x * x - 1),), "acosh({0})",
                           ("1/sqrt({0}² - 1)",), forward_code="math.acosh({0})", grads_code=("1 / (x * x - 1)",)),
         "uses 'x', which compiled"),
        (lambda: Primitive("acosh", "acosh", math.acosh, lambda x, out: (1 / math.sqrt(x * x - 1),), "acosh({0})",
                           ("1/sqrt({0}² - 1)",), forward_code="math.acosh({0})",
                           grads_code=("1 / ({0} * {0} - 1)",)),
         r"gives 0.5291005291 at \[1.7\]"),  # outside the domain at 0.3: tried at the next point
        # words the stepper writes and a test evaluates must read as Python
        (lambda: Primitive("cube", "c", abs, abs, "cube {0}", ("1",)),
         r"the notation 'cube \{0\}' must read as a Python expression"),
        (lambda: Primitive("cube", "c", abs, abs, "cube({0})", ("3{0}²",)),
         r"the derivative in words '3\{0\}²' must read as a Python expression once \{0\}, \{1\}... are filled in"),
        (lambda: Primitive("root", "r", abs, abs, "root({0})", ("1/2√{0}",)), "must read as a Python expression"),
        # fields of the wrong kind
        (lambda: Primitive("f", "", abs, abs, "f({0})", ("1",)), "the symbol a drawing shows on the node"),
        (lambda: Primitive("f", "f", 3.0, abs, "f({0})", ("1",)), "f: forward must be a function, got 3.0"),
        (lambda: Primitive("f", "f", abs, None, "f({0})", ("1",)), "f: local_grads must be a function"),
        (lambda: Primitive("f", "f", abs, abs, "f({0})", "{0}"), "grad_words and grads_code are tuples"),
        (lambda: _cube(forward_code="{0}", grads_code="1.0"), "grad_words and grads_code are tuples"),
        (lambda: _cube(by_hand="yes"), "by_hand must be True or False"),
        (lambda: _cube(doc=None), "doc must be a str"),
    ],
)
def test_a_bad_row_is_refused_saying_what_to_fix(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_code_may_name_what_it_binds_itself_and_what_compiled_code_has():
    row = _cube(forward_code="(lambda t: t * t * t)({0})", grads_code=("3 * math.pow({0}, 2) + 0 * {out}",))
    assert row.grads_code == ("3 * math.pow({0}, 2) + 0 * {out}",)
    assert _cube(forward_code="sum(t for t in ({0}, {0}, {0})) * 0 + {0} ** 3", grads_code=("3 * {0} * {0}",))


def test_a_row_refused_for_its_code_is_one_that_would_have_failed_compiled():
    """The check refuses at once what compiled code would have found only when it first ran."""
    good = _cube(forward_code="{0} ** 3", grads_code=("3 * {0} * {0}",))
    x = Value(1.5, label="x")
    assert compile_graph(apply(good, x), [x])(1.5) == (3.375, (6.75,))
    with pytest.raises(ValueError, match="uses 'square', which compiled code does not have"):
        dataclasses.replace(good, grads_code=("3 * square({0})",))


def test_register_needs_a_primitive_and_unregister_a_registered_name():
    with pytest.raises(TypeError, match="needs a Primitive"):
        ops.register("cube")
    with pytest.raises(KeyError, match="no primitive named 'cube'"):
        ops.unregister("cube")


def test_a_duplicate_of_a_row_added_at_run_time_says_how_to_replace_it(cube):
    with pytest.raises(ValueError, match=r"or unregister\('cube'\) first"):
        ops.register(_cube())


def test_notes_and_partners_come_from_the_rows():
    assert ops.SUB.notes_at(0, 1.0) == () and "sign flipped" in ops.SUB.notes_at(1, -1.0)[0]
    assert ops.RELU.notes_at(0, 1.0) == () and "no gradient reaches {p}" in ops.RELU.notes_at(0, 0.0)[0]
    assert ops.MAXIMUM.notes_at(1, 0.5)[0].startswith("a tie")
    assert ops.MUL.partners(0) == (1,) and ops.ADD.partners(1) == () and ops.TANH.partners(0) == ()
    assert ops.weighted_sum(3).partners(4) == (1,) and ops.weighted_sum(3).partners(6) == ()


def test_how_each_row_is_written_is_read_from_its_notation():
    assert [(p.written, p.arity) for p in (ops.ADD, ops.NEG, ops.POW, ops.TANH, ops.SIGMOID, ops.MAXIMUM)] == [
        ("+", 2), ("-", 1), ("**", 2), ("tanh", 1), ("sigmoid", 1), ("maximum", 2)]
    assert ops.power(2).written == "" and ops.weighted_sum(2).written == ""  # made on demand, not written


def test_threads_registering_at_once_each_get_their_row():
    names = [f"cube{i}" for i in range(8)]
    threads = [threading.Thread(target=ops.register, args=(_cube(name),)) for name in names]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(ops.find(name).name == name for name in names)
    finally:
        for name in names:
            ops.unregister(name)


# -- by hand: a field of the row, read by worksheets --------------------------------------------------


def test_whether_a_function_is_done_by_hand_on_a_worksheet_is_its_rows(cube):
    from micrograd_like.teach import worksheet

    assert worksheet.BY_HAND == ("relu", "abs", "maximum")
    assert [row.name for row in ops.built_in_rows() if row.by_hand] == [
        "add", "sub", "mul", "div", "neg", "relu", "abs", "maximum"]
    with pytest.raises(worksheet.WorksheetError, match="uses cube, which needs a calculator"):
        worksheet.make_sheets("cube(a) + b", students=1)
    ops.unregister("cube")
    ops.register(_cube(by_hand=True))  # x³ of whole numbers and halves is done by hand
    assert worksheet.BY_HAND[-1] == "cube"
    (sheet,) = worksheet.make_sheets("cube(a) + b", students=1, seed=3)
    assert sheet.grads["a"] == 3 * sheet.values["a"] ** 2


# -- the Value methods: made from the function rows ----------------------------------------------------


def test_each_function_row_is_a_value_method_with_the_rows_words():
    for row in ops.built_in_rows():
        if row.written.isidentifier():
            method = getattr(Value, row.written)
            assert method.row is row and method.__name__ == row.written
            assert row.doc and method.__doc__.startswith(row.doc)
    assert Value.tanh.__doc__ == (
        "The hyperbolic tangent.\n\n``x.tanh()`` is the node tanh(x) (the row 'tanh' of the primitive table), "
        "whose local derivative is:\n\n    d(tanh(x))/dx = 1 - tanh(x)²")
    assert "d(maximum(x, y))/dy = 1 if y > x else 0.5 if x == y else 0" in Value.maximum.__doc__
    assert abs(Value(-2.0)).primitive is ops.ABS and Value(-2.0).abs().data == 2.0


def test_a_function_row_whose_name_value_has_already_is_refused():
    from micrograd_like.engine.value import _attach_function_methods

    class Copy(Value):
        __slots__ = ()

    for name in ("label", "backward", "grad"):
        row = Primitive(name, name, abs, abs, f"{name}({{0}})", ("1",))
        with pytest.raises(ValueError, match=f"the row '{name}' is written '{name}', which Value has already"):
            _attach_function_methods(Copy, [row])
    _attach_function_methods(Copy, [_cube()])
    assert Copy(2.0).cube().data == 8.0 and not hasattr(Value, "cube")


# -- a weighted sum's row: made in time in proportion to its size ----------------------------------------


def _calls(make) -> int:
    """How many function calls ``make()`` makes, of Python functions and of the C functions they
    call: the work, counted (a count does not depend on how busy the machine is)."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        make()
    finally:
        sys.setprofile(None)
    return count


def test_a_wide_neurons_first_pass_costs_in_proportion_to_its_width():
    """Issue 21: each new width's first pass made a row whose checks ran 2n+1 times over 2n+2
    names (8,000 inputs: 34 s).  Four times the inputs must be about four times the work."""
    from micrograd_like.nn import Neuron

    def first_pass(n):
        neuron, inputs = Neuron(n), [Value(0.5) for _ in range(n)]
        return _calls(lambda: neuron(inputs))

    small, large = first_pass(333), first_pass(4 * 333)  # widths no other test uses: first passes
    assert large <= 4.5 * small, (small, large)


def test_a_weighted_sums_row_is_made_in_time_in_proportion_to_its_size():
    small, large = (_calls(lambda n=n: ops.weighted_sum.__wrapped__(n)) for n in (250, 1000))
    assert large <= 4.5 * small, (small, large)


def _checked_again(row: Primitive) -> Primitive:
    """The row made again as a plain Primitive: every check run on it."""
    return Primitive(row.name, row.symbol, row.forward, row.local_grads, row.notation, row.grad_words,
                     forward_code=row.forward_code, grads_code=row.grads_code)


@pytest.mark.parametrize("n", [1, 2, 3, 50, 400])
def test_the_weighted_sums_pattern_passes_every_check(n):
    """weighted_sum(n) does not read its rows' templates again for each n: its pattern is checked here."""
    row = ops.weighted_sum(n)
    again = _checked_again(row)
    assert type(again) is Primitive and again.arity == row.arity == 2 * n + 1


def test_every_check_of_a_row_is_in_proportion_to_the_rows_size():
    rows = {n: ops.weighted_sum(n) for n in (200, 800)}
    small, large = (_calls(lambda row=row: _checked_again(row)) for row in rows.values())
    assert large <= 4.5 * small, (small, large)


def test_a_row_giving_too_few_derivatives_is_refused_not_a_missing_gradient():
    """A row whose local_grads forgets an operand's derivative used to give that operand no
    gradient, silently (found in review): now the node is refused, naming the row."""
    from micrograd_like import Value, apply, ops

    short = ops.Primitive("product_of", "product_of", lambda x, y: x * y, lambda x, y, out: (y,),
                          "product_of({0}, {1})", ("{1}", "{0}"))
    bare = ops.Primitive("twice_of", "twice_of", lambda x: 2 * x, lambda x, out: 2.0, "twice_of({0})", ("2",))
    listed = ops.Primitive("thrice_of", "thrice_of", lambda x: 3 * x, lambda x, out: [3.0], "thrice_of({0})", ("3",))
    a, b = Value(2.0), Value(3.0)
    with pytest.raises(TypeError, match=r"^product_of: local_grads gave 1 derivative\(s\) for 2 operand\(s\)"):
        apply(short, a, b)
    with pytest.raises(TypeError, match=r"^twice_of: local_grads gave 2.0, not one derivative per operand"):
        apply(bare, a)
    y = apply(listed, a)  # any sequence of the right length will do
    y.backward()
    assert a.grad == 3.0 and y.local_grads == (3.0,)
