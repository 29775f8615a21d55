"""The one way views show a service's refusal: on a form field, on the form, as a page
message or inline; a refusal of access is the 403 or 404 page instead (through the
middleware: see test_saved_views for a view end to end)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

from tandem.core.errors import CoreError, DomainError, ErrorCode, invalid
from tandem.core.forms import error_message, form_error, report_error


class NameForm(forms.Form):
    name = forms.CharField()


def _bound() -> NameForm:
    form = NameForm({"name": "Acme"})
    assert form.is_valid()
    return form


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


ACCESS = [
    DomainError(ErrorCode.FORBIDDEN, "Only its owner may."),
    DomainError(ErrorCode.NOT_FOUND, "No such record.", field="name"),
]


def test_an_error_naming_a_field_of_the_form_goes_on_that_field():
    form = _bound()
    form_error(form, invalid("name", "Too long."))
    assert form.errors == {"name": ["Too long."]}
    assert not form.is_valid()


def test_an_error_naming_no_field_of_the_form_goes_on_the_form():
    form = _bound()
    form_error(form, DomainError(CoreError.JOB_NOT_FAILED, "Only a failed job.", field="job"))
    form_error(form, DomainError(ErrorCode.CONFLICT, "Someone else changed it."))
    assert form.non_field_errors() == ["Only a failed job.", "Someone else changed it."]
    assert "name" not in form.errors


def test_a_page_message_carries_the_error():
    request = _request()
    report_error(request, DomainError(ErrorCode.RATE_LIMITED, "Slow down."))
    shown = list(get_messages(request))
    assert [(m.level_tag, m.message) for m in shown] == [("error", "Slow down.")]


def test_the_inline_message_is_the_errors_own():
    assert error_message(invalid("body", "Write something.")) == "Write something."


@pytest.mark.parametrize("refusal", ACCESS, ids=lambda e: e.code.value)
def test_a_refusal_of_access_is_never_a_message_but_the_error_page(refusal):
    form, request = _bound(), _request()
    for show in (
        lambda: form_error(form, refusal),
        lambda: report_error(request, refusal),
        lambda: error_message(refusal),
    ):
        with pytest.raises(DomainError) as raised:
            show()
        assert raised.value is refusal
    assert form.errors == {} and list(get_messages(request)) == []
