"""Record ids in page forms: an id no database can hold is an unknown choice, not a 500
(SQLite raised OverflowError inside ModelMultipleChoiceField's query)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import tandem
from tandem.core.forms import RecordChoiceField, RecordMultipleChoiceField

BIG = "99999999999999999999"


def _form_classes():
    for module_info in pkgutil.walk_packages(tandem.__path__, "tandem."):
        if module_info.name.endswith(".forms") and ".tests" not in module_info.name:
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_form_picks_records_through_the_id_checking_fields():
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, RecordChoiceField | RecordMultipleChoiceField)
    ]
    assert not plain


@pytest.mark.parametrize(
    ("persona", "path", "data", "field"),
    [
        (
            "marketer",
            "/campaigns/new/",
            {"name": "x", "type": "webinar", "channel": "events", "parent": BIG},
            "parent",
        ),
        ("sales_head", "/sla/routing/", {"team": BIG, "reps": [BIG], "position": "1"}, "team"),
        ("sales_head", "/sla/routing/", {"reps": [BIG, "abc"], "position": "1"}, "reps"),
        ("admin", "/people/new/", {"email": "n@example.com", "team": BIG}, "team"),
    ],
)
def test_an_impossible_id_in_a_form_is_an_unknown_choice(client, org, persona, path, data, field):
    client.force_login(getattr(org, persona))
    answer = client.post(path, data)
    assert answer.status_code in (200, 422), answer.status_code
    assert field in answer.context["form"].errors
