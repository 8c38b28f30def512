"""The lockout locks the attacker, not the office: a username *from one address* (IMR_TRUSTED_PROXY_COUNT says
where the address comes from), and the password reset exists only when e-mail can be sent."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from imrsite.client_address import client_address
from tests.factories import UserFactory

from .test_settings import ROOT

PASSWORD = "imr-test-pass"
PROXY = "10.0.0.9"


@pytest.fixture
def users(db):
    return UserFactory(username="dr.a"), UserFactory(username="dr.b")


def login(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password, "next": ""}, **extra)


def fail_until_locked(client, username, address, forwarded=None):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, username, "wrong", address, forwarded).status_code == 200
    assert login(client, username, "wrong", address, forwarded).status_code == 429  # the fifth failure locks
    assert login(client, username, PASSWORD, address, forwarded).status_code == 429


def test_failures_lock_the_username_from_that_address_only(client, users):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail_until_locked(client, "dr.a", "203.0.113.1")
    # dr.a from elsewhere still logs in; dr.b from the attacker's address too.
    assert login(client, "dr.a", PASSWORD, "203.0.113.2").status_code == 302
    client.logout()
    assert login(client, "dr.b", PASSWORD, "203.0.113.1").status_code == 302


def test_four_failures_do_not_lock(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "dr.a", "wrong", "203.0.113.1")
    assert login(client, "dr.a", PASSWORD, "203.0.113.1").status_code == 302


@override_settings(IMR_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_is_locked_by_its_own_address(client, users):
    fail_until_locked(client, "dr.a", PROXY, forwarded="198.51.100.7")
    # Another client behind the same proxy is not locked out with the attacker.
    assert login(client, "dr.a", PASSWORD, PROXY, forwarded="198.51.100.8").status_code == 302
    client.logout()
    # Writing another address in front of the header does not escape: the proxy's entry is the one read.
    assert login(client, "dr.a", PASSWORD, PROXY, forwarded="192.0.2.1, 198.51.100.7").status_code == 429


def test_without_a_proxy_setting_the_forwarded_header_is_ignored(client, users):
    assert settings.IMR_TRUSTED_PROXY_COUNT == 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        login(client, "dr.a", "wrong", "203.0.113.1", forwarded=f"192.0.2.{number}")
    assert login(client, "dr.a", PASSWORD, "203.0.113.1", forwarded="192.0.2.200").status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "192.0.2.1", PROXY),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (2, "6.6.6.6, 192.0.2.1, 10.0.0.8", "192.0.2.1"),
        (2, "192.0.2.1", PROXY),  # fewer entries than proxies: a misconfiguration locks more, never less
        (1, "", PROXY),
    ],
)
def test_client_address_trusts_only_the_declared_proxies(count, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(IMR_TRUSTED_PROXY_COUNT=count):
        assert client_address(request) == expected


def _setting(name, **env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "SECRET_KEY": "x" * 50}
    script = f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='imrsite.settings'; django.setup(); from django.conf import settings; print(settings.{name})"  # noqa: E501
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**base, **env}, capture_output=True,
                            text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_forwarded_protocol_is_trusted_only_behind_a_declared_proxy():
    assert _setting("SECURE_PROXY_SSL_HEADER") == "None"
    assert _setting("SECURE_PROXY_SSL_HEADER", IMR_TRUSTED_PROXY_COUNT="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.parametrize(
    "path", ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/",
             "/accounts/reset/done/"],
)  # fmt: skip
def test_password_reset_is_off_without_email(client, db, path):
    assert settings.EMAIL_URL == ""
    assert client.get(path).status_code == 404


@override_settings(
    EMAIL_URL="smtp://mail.example.org:25", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
)
def test_password_reset_sends_a_mail_when_email_is_configured(client, users, mailoutbox):
    users[0].email = "dr.a@example.org"
    users[0].save()
    assert client.get("/accounts/password_reset/").status_code == 200
    response = client.post("/accounts/password_reset/", {"email": "dr.a@example.org"})
    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [["dr.a@example.org"]]


def test_email_url_configures_the_mail_backend():
    assert _setting("EMAIL_HOST", EMAIL_URL="smtp+tls://user:secret@mail.example.org:587") == "mail.example.org"
