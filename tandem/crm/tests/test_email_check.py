"""is_email answers exactly as Django's validate_email does, only faster."""

import random
import string

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tandem.crm.normalise import is_email

CASES = [
    "a@example.com",
    "A.B+tag@Sub.Example.co.uk",
    "ann_50%@x.example",
    "user@localhost",
    "user@[192.0.2.1]",
    "user@[IPv6:2001:db8::1]",
    "user@[999.1.1.1]",
    '"quoted name"@example.com',
    "a..b@example.com",
    ".a@example.com",
    "a.@example.com",
    "a@b",
    "a@-example.com",
    "a@example-.com",
    "a@example.c",
    "a@exa mple.com",
    "a@@example.com",
    "@example.com",
    "a@",
    "",
    "not an email",
    "olivia@@ilkleylido",
    "josé@exämple.de",
    "a@xn--bcher-kva.example",
    "x" * 64 + "@" + "y" * 250 + ".com",
    "a@" + "b" * 64 + ".com",
    '=HYPERLINK("x")@example.com',
    "<script>@example.com",
    "a\n@example.com",
]


def _django(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("value", CASES)
def test_the_same_answer_as_django(value):
    assert is_email(value) == _django(value)


def test_the_same_answer_on_random_strings():
    rng = random.Random(20261122)
    alphabet = string.ascii_letters + string.digits + '@.-_+%!"[]:é ü\t'
    for _ in range(5000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        if rng.random() < 0.5:
            value = f"{value}@{rng.choice(['example.com', 'a.b', 'x', '[10.0.0.1]', '-a.com'])}"
        assert is_email(value) == _django(value), value
