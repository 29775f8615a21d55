"""Password spraying (one password tried on many e-mails) from one address is stopped,
per client address behind the load balancer, without locking anyone else out."""

import pytest
from django.contrib.auth import SESSION_KEY

LB = "10.0.0.2"


def log_in(client, email, password, visitor="203.0.113.77"):
    return client.post(
        "/login/",
        {"username": email, "password": password},
        REMOTE_ADDR=LB,
        HTTP_X_FORWARDED_FOR=visitor,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.PROXY_COUNT = 1
    settings.LOGIN_IP_FAILURE_LIMIT = 6


def test_failures_across_many_emails_lock_the_address_out(client, org, behind_proxy, rate_counters):
    for n in range(5):  # never the same e-mail twice: the per-e-mail lockout sees nothing
        assert log_in(client, f"guess{n}@example.test", "Summer2026!").status_code == 200
    sixth = log_in(client, "guess5@example.test", "Summer2026!")
    assert sixth.status_code == 429
    assert "Too many failed log-ins" in sixth.content.decode()
    # The address stays locked, whatever the e-mail and even with a right password ...
    locked = log_in(client, org.marketer.email, org.password)
    assert locked.status_code == 429 and SESSION_KEY not in client.session
    # ... while a colleague behind the same load balancer logs in as usual.
    colleague = log_in(client, org.sales_rep.email, org.password, visitor="203.0.113.78")
    assert colleague.status_code == 302
    assert int(client.session[SESSION_KEY]) == org.sales_rep.pk


def test_a_few_typos_from_an_office_do_not_lock_it(client, org, behind_proxy, rate_counters):
    for person in (org.marketer, org.sales_rep, org.front_liner):
        assert log_in(client, person.email, "typo-in-it").status_code == 200
    assert log_in(client, org.executive.email, org.password).status_code == 302


def test_the_per_email_lockout_follows_the_client_not_the_balancer(client, org, behind_proxy):
    for attempt in range(5):
        log_in(client, org.marketer.email, f"wrong-{attempt}", visitor="203.0.113.90")
    assert (
        log_in(client, org.marketer.email, org.password, visitor="203.0.113.90").status_code == 429
    )
    # The same e-mail from another client through the same balancer is not locked.
    assert (
        log_in(client, org.marketer.email, org.password, visitor="203.0.113.91").status_code == 302
    )
