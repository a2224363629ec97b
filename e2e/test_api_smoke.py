"""The HTTP API's fixed points (API.md) over a real socket."""

from __future__ import annotations

import uuid

import pytest
import requests

from conftest import ADMIN_EMAIL, CJK

TIMEOUT = 30


def assert_error_envelope(response: requests.Response) -> dict:
    assert response.headers.get("content-type", "").startswith("application/json"), \
        response.headers.get("content-type")
    body = response.json()
    assert isinstance(body.get("error"), dict), body
    error = body["error"]
    assert isinstance(error.get("code"), str) and error["code"], body
    assert isinstance(error.get("message"), str) and error["message"], body
    return error


def start_session(server, email: str, password: str, **headers) -> requests.Response:
    return requests.post(server.url("/api/v1/session"), json={"email": email, "password": password},
                         headers=headers, timeout=TIMEOUT)


@pytest.fixture(scope="module")
def admin_token(keel_server) -> str:
    r = start_session(keel_server, ADMIN_EMAIL, keel_server.password)
    assert r.status_code == 200, r.text
    return r.json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_healthz(keel_server):
    r = requests.get(keel_server.url("/healthz"), timeout=TIMEOUT)
    assert r.status_code == 200, r.text


def test_readyz(keel_server):
    r = requests.get(keel_server.url("/readyz"), timeout=TIMEOUT)
    assert r.status_code == 200, r.text


def test_metrics_count_http_requests(keel_server):
    requests.get(keel_server.url("/healthz"), timeout=TIMEOUT)
    r = requests.get(keel_server.url("/metrics"), timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    assert "keel_http_requests_total" in r.text, r.text[:2000]


def test_openapi_document(keel_server):
    r = requests.get(keel_server.url("/api/v1/openapi.json"), timeout=TIMEOUT)
    assert r.status_code == 200, r.text[:500]
    doc = r.json()
    assert str(doc.get("openapi", "")).startswith("3."), doc.get("openapi")
    assert doc.get("paths"), "the document should list paths"


def test_session_gives_a_token_that_works_for_me(keel_server):
    r = start_session(keel_server, ADMIN_EMAIL, keel_server.password)
    assert r.status_code == 200, r.text
    body = r.json()
    assert isinstance(body.get("token"), str) and body["token"], body
    assert isinstance(body.get("user"), dict), body
    assert body["user"].get("email") == ADMIN_EMAIL, body

    me = requests.get(keel_server.url("/api/v1/me"), headers=bearer(body["token"]),
                      timeout=TIMEOUT)
    assert me.status_code == 200, me.text
    assert me.json().get("email") == ADMIN_EMAIL, me.text


def test_me_without_credentials_is_401(keel_server):
    r = requests.get(keel_server.url("/api/v1/me"), timeout=TIMEOUT)
    assert r.status_code == 401, r.text
    assert_error_envelope(r)


def test_wrong_password_is_401_with_an_error_envelope(keel_server):
    r = start_session(keel_server, ADMIN_EMAIL, "wrong-password-123", **{"Accept-Language": "en"})
    assert r.status_code == 401, r.text
    error = assert_error_envelope(r)
    assert not CJK.search(error["message"]), error


def test_wrong_password_message_follows_accept_language(keel_server):
    r = start_session(keel_server, ADMIN_EMAIL, "wrong-password-123",
                      **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert r.status_code == 401, r.text
    error = assert_error_envelope(r)
    assert CJK.search(error["message"]), f"expected a Chinese message, got {error['message']!r}"


def test_repeated_wrong_passwords_are_rate_limited(keel_server, admin_token):
    orgs = requests.get(keel_server.url("/api/v1/organizations"), headers=bearer(admin_token),
                        timeout=TIMEOUT)
    assert orgs.status_code == 200, orgs.text
    body = orgs.json()
    assert "items" in body and "nextCursor" in body, body
    assert body["items"], "the demo data should have at least one organisation"
    org_id = body["items"][0]["id"]

    email = f"ratelimit.{uuid.uuid4().hex[:8]}@keel.test"
    created = requests.post(keel_server.url("/api/v1/users"), headers=bearer(admin_token),
                            json={"name": "Rate Limit Target", "email": email,
                                  "role": "client_user", "organizationId": org_id,
                                  "password": "a perfectly fine passphrase 7",
                                  "language": "en"},
                            timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    assert created.json().get("email") == email, created.text

    statuses = [start_session(keel_server, email, f"wrong-password-{i:02d}").status_code
                for i in range(11)]
    assert statuses[0] == 401, statuses
    assert set(statuses) <= {401, 429}, statuses
    assert statuses[-1] == 429, f"the 11th wrong password in a row should be refused: {statuses}"
