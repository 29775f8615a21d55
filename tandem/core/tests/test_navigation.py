"""The shell's navigation: grouped by how people think of their work, only what a person
may see, the page they are on marked once, and every form widget styled by the renderer."""

import pytest
from django import forms
from django.test import Client

from tandem.core.form_rendering import widget_class
from tandem.core.navigation import GROUPS, NavEntry, grouped, nav_for
from tandem.factories.people import UserFactory

pytestmark = pytest.mark.django_db


def test_an_entry_must_name_a_known_group():
    with pytest.raises(ValueError, match="unknown navigation group 'billing'"):
        NavEntry("Invoices", "home", 50, lambda u: True, group="billing")


def test_groups_come_in_the_agreed_order_and_empty_ones_are_left_out(org):
    groups = grouped(nav_for(org.sales_rep, "/"))
    keys = [g["key"] for g in groups]
    assert keys == [k for k, _ in GROUPS if k in keys]
    assert all(g["items"] for g in groups)
    by_key = {g["key"]: [i["label"] for i in g["items"]] for g in groups}
    assert by_key["customers"] == ["Accounts", "Contacts", "Opportunities", "Referrals"]
    assert "Leads" in by_key["sales"] and "SLA" in by_key["sales"]
    assert "Decisions" in by_key["together"]


def test_an_outsider_sees_no_group_at_all(org):
    assert grouped(nav_for(org.outsider, "/")) == []


def test_only_the_most_specific_entry_is_current(org):
    items = nav_for(org.sales_rep, "/sla/routing/")
    current = [i["label"] for i in items if i["active"]]
    assert current == ["SLA"]
    items = nav_for(org.sales_rep, "/")
    assert [i["label"] for i in items if i["active"]] == ["Home"]


def test_the_shell_puts_groups_in_the_sidebar_and_the_rest_in_the_user_menu(org):
    client = Client()
    client.force_login(org.sales_rep)
    page = client.get("/contacts/").content.decode()
    assert 'id="nav-group-customers">Customers<' in page
    assert '<a class="nav-link" href="/contacts/" aria-current="page">' in page
    # Profile and API tokens are in the user menu (twice: phone and wide layouts).
    assert page.count('class="dropdown-item">Profile</a>') == 2
    assert page.count('<button type="submit" class="dropdown-item">Log out</button>') == 2


@pytest.mark.parametrize(
    ("field", "css"),
    [
        (forms.CharField(), "form-control"),
        (forms.EmailField(), "form-control"),
        (forms.CharField(widget=forms.Textarea), "form-control"),
        (forms.ChoiceField(choices=[("a", "A")]), "form-select"),
        (forms.BooleanField(), "form-check-input"),
        (forms.DateField(widget=forms.DateInput(attrs={"type": "date"})), "form-control"),
    ],
)
def test_every_widget_comes_out_with_the_toolkits_class(field, css):
    form = type("F", (forms.Form,), {"x": field})()
    html = str(form["x"])
    assert f'class="{css}"' in html


def test_a_widgets_own_class_is_kept_beside_the_toolkits():
    form = type(
        "F", (forms.Form,), {"x": forms.CharField(widget=forms.TextInput(attrs={"class": "wide"}))}
    )()
    assert 'class="form-control wide"' in str(form["x"])
    assert widget_class({"type": "hidden", "template_name": "x"}) == ""


def test_initials_for_the_avatar():
    assert UserFactory.build(full_name="Priya Raman").initials == "PR"
    assert UserFactory.build(full_name="Cher").initials == "C"
    assert UserFactory.build(full_name="Anna Maria de la Cruz").initials == "AC"
