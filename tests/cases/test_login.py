"""Logging in to the workspace, and the django-axes lockout after repeated failures."""

from django.conf import settings

PASSWORD = "imr-test-pass"  # tests.factories.UserFactory


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password, "next": ""})


def test_a_reviewer_logs_in_and_reaches_the_queue(client, review_case, reviewer_a):
    response = login(client, "dr.a", PASSWORD)
    assert response.status_code == 302
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/cases/"
    assert review_case.case_number in response.content.decode()


def test_a_wrong_password_is_refused(client, reviewer_a):
    response = login(client, "dr.a", "wrong")
    assert response.status_code == 200
    assert "Your username and password didn't match." in response.content.decode()


def test_repeated_failures_lock_the_account(client, reviewer_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "dr.a", "wrong")
    response = login(client, "dr.a", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/cases/").status_code == 302  # still not logged in
