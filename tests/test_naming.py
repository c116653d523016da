"""name_nodes: labels from the variables that hold the Values."""

import pytest
from examples import lecture

from micrograd_like import Value, backward_steps, name_nodes


def test_names_every_unlabelled_value_after_its_variable():
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    assert name_nodes(locals()) == ["a", "b", "c", "f", "e", "d", "L"]
    assert [v.label for v in (a, b, c, f, e, d, L)] == ["a", "b", "c", "f", "e", "d", "L"]


def test_the_stepper_speaks_in_the_students_names():
    a, b = Value(2.0), Value(-3.0)
    e = a * b
    L = e * e
    name_nodes(locals())
    steps = backward_steps(L)
    assert steps.next().headline == "step 1/4: L = e*e sends dL/dL = 1.0 back to e"


def test_an_existing_label_is_kept_unless_overwrite():
    x = Value(1.0, label="input")
    y = x * 2
    assert name_nodes({"x": x, "y": y}) == ["y"]
    assert (x.label, y.label) == ("input", "y")
    assert name_nodes({"x": x, "y": y}, overwrite=True) == ["x"]  # y already says y: not set again
    assert x.label == "x"


def test_private_names_and_other_objects_are_skipped():
    v, w = Value(1.0), Value(2.0)
    namespace = {"_": v, "_3": v, "number": 3.0, "values": [w], "Out": {1: w}}
    assert name_nodes(namespace) == []
    assert v.label == "" and w.label == ""


def test_a_value_held_twice_takes_the_first_name_even_with_overwrite():
    shared = Value(1.0)
    assert name_nodes({"first": shared, "second": shared}, overwrite=True) == ["first"]
    assert shared.label == "first"


def test_labels_the_lecture_nodes_already_have_are_left_alone():
    nodes = lecture()
    assert name_nodes({"renamed_" + k: v for k, v in nodes.items()}) == []
    assert nodes["d"].label == "d"


@pytest.mark.parametrize("bad", [[("a", Value(1.0))], "a", None])
def test_a_namespace_that_is_not_a_mapping_is_refused(bad):
    with pytest.raises(TypeError, match="mapping of names"):
        name_nodes(bad)


def test_overwrite_must_be_a_bool():
    with pytest.raises(TypeError, match="overwrite must be True or False"):
        name_nodes({}, overwrite="yes")
