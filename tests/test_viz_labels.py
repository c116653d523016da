"""draw_dot(labels=...): names shown for chosen nodes without touching the Values' labels."""

from micrograd_like import Value, draw_dot


def test_labels_name_unlabelled_nodes_in_the_drawing_only():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    product = a * b
    total = product + 1
    source = draw_dot(total, labels={product: "a*b", a: "first"}).source
    assert 'label="{ a*b | data -6.0000 | grad 0.0000 }"' in source
    assert 'label="{ first | data 2.0000 | grad 0.0000 }"' in source  # a given name wins over .label
    assert 'label="{ b | data -3.0000 | grad 0.0000 }"' in source  # others keep their own labels
    assert 'label="{ data -5.0000 | grad 0.0000 }"' in source  # and unnamed nodes stay unnamed
    assert (product.label, a.label) == ("", "a")
    assert draw_dot(total, labels={}).source == draw_dot(total).source
