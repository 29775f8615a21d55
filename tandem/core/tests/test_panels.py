"""The panel registry: higher apps add sections to a lower app's page."""

from django.test import RequestFactory

from tandem.core.panels import Panel, panels_for, register_panel


def test_a_place_lists_its_panels_in_registration_order_once_each():
    first = Panel("a.html", lambda request, subject: {"n": subject})
    second = Panel("b.html", lambda request, subject: {"n": subject + 1}, column="side")
    register_panel("tests.place", first)
    register_panel("tests.place", second)
    register_panel("tests.place", first)  # ready() run twice adds nothing twice
    request = RequestFactory().get("/")
    assert panels_for("tests.place", request, 1) == [
        {"template": "a.html", "column": "main", "n": 1},  # a record page's middle
        {"template": "b.html", "column": "side", "n": 2},
    ]
    assert panels_for("tests.nowhere", request, 1) == []
