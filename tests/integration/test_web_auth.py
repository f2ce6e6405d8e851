"""Who may use a session: bearer tokens, the session cookie, CSRF, and no oracle."""

from __future__ import annotations

import pytest

from chatmrpt.config import load_settings
from chatmrpt.web.app import close_runtime, create_app
from tests._cluster import SessionClient, ilorin_upload


@pytest.fixture
def settings(tmp_path):
    return load_settings({"CHATMRPT_HOME": str(tmp_path / "home")})


def _not_found_body(client, path, **kw):
    r = client.get(path, **kw)
    assert r.status_code == 404
    return r.json


def test_missing_wrong_or_foreign_tokens_look_like_no_session(app):
    owner = SessionClient.create(app.test_client())
    other = SessionClient.create(app.test_client())
    anonymous = app.test_client()  # no cookie
    base = f"/api/sessions/{owner.id}"
    nothing = _not_found_body(anonymous, "/api/sessions/" + "f" * 32)
    assert nothing["error"]["code"] == "not_found"
    assert nothing["error"]["details"] == {}
    cases = [
        {},  # no credential at all
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Bearer {other.token}"},  # another session's token
        {"Authorization": f"Basic {owner.token}"},
        {"Authorization": "Bearer"},
        {"Authorization": f"Bearer {owner.token}x"},
    ]
    for headers in cases:
        for path in ("", "/artifacts", "/events", "/analyses/" + "a" * 64):
            body = _not_found_body(anonymous, base + path, headers=headers)
            assert body == nothing, (headers, path)
        r = anonymous.post(base + "/analyses", json={}, headers=headers)
        assert r.status_code == 404 and r.json == nothing
    assert owner.get().status_code == 200
    # the other session's cookie does not open this one either
    assert other.client.get(base).status_code == 404


def test_cookie_authentication_needs_csrf_for_changes(app):
    browser = app.test_client()
    r = browser.post("/api/sessions")
    sid, csrf = r.json["id"], r.json["csrf_token"]
    base = f"/api/sessions/{sid}"

    state = browser.get(base)
    assert state.status_code == 200
    assert state.json["csrf_token"] == csrf  # given to cookie clients only
    before = state.json

    refused = browser.post(base + "/analyses", json={})
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "csrf_failed"
    assert refused.json["error"]["details"] == {"header": "X-CSRF-Token"}
    forged = browser.post(base + "/analyses", json={}, headers={"X-CSRF-Token": "0" * 64})
    assert forged.status_code == 403
    assert browser.delete(base).status_code == 403
    after = browser.get(base).json
    after.pop("csrf_token")
    before.pop("csrf_token")
    assert after == before  # nothing changed

    upload = {k: (__import__("io").BytesIO(v), n) for k, (n, v) in ilorin_upload().items()}
    ok = browser.post(
        base + "/datasets",
        data=upload,
        content_type="multipart/form-data",
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 201, ok.json
    r = browser.post(base + "/analyses", json={}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 202

    gone = browser.delete(base, headers={"X-CSRF-Token": csrf})
    assert gone.status_code == 409  # its analysis is queued
    assert browser.get(base).status_code == 200


def test_bearer_requests_need_no_csrf_token_and_get_none(app):
    s = SessionClient.create(app.test_client())
    api = app.test_client()  # no cookie: bearer only
    headers = {"Authorization": f"Bearer {s.token}"}
    r = api.get(f"/api/sessions/{s.id}", headers=headers)
    assert r.status_code == 200 and "csrf_token" not in r.json
    r = api.post(f"/api/sessions/{s.id}/itn-plans", json={"total_nets": 5, "household_size": 5},
                 headers=headers)  # fmt: skip
    assert r.status_code == 409  # past authentication: no analysis yet
    assert api.delete(f"/api/sessions/{s.id}", headers=headers).status_code == 200


def test_a_tampered_cookie_opens_nothing(app):
    browser = app.test_client()
    sid = browser.post("/api/sessions").json["id"]
    cookie = browser.get_cookie("chatmrpt_session")
    value = cookie.value
    for bad in (value[:-2] + ("AA" if not value.endswith("AA") else "BB"), "x", ""):
        browser.set_cookie("chatmrpt_session", bad)
        assert browser.get(f"/api/sessions/{sid}").status_code == 404
    browser.set_cookie("chatmrpt_session", value)
    assert browser.get(f"/api/sessions/{sid}").status_code == 200


def test_the_cookie_holds_only_the_session_id_and_a_proof(app):
    from flask.sessions import SecureCookieSessionInterface  # noqa: F401

    browser = app.test_client()
    r = browser.post("/api/sessions")
    token = r.json["token"]
    serializer = app.session_interface.get_signing_serializer(app)
    content = serializer.loads(browser.get_cookie("chatmrpt_session").value)
    assert set(content) == {"sid", "proof", "_permanent"} or set(content) == {"sid", "proof"}
    assert content["sid"] == r.json["id"]
    assert token not in str(content)


def test_one_key_for_every_worker_and_machine(tmp_path):
    """A cookie made by one app (worker) is accepted by another with the same key and
    store, and refused by one with a different key."""
    shared = {"CHATMRPT_STORE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
              "CHATMRPT_ARTIFACTS_URL": f"file://{tmp_path / 'artifacts'}"}  # fmt: skip
    one = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "a"), **shared,
                                     "CHATMRPT_SECRET_KEY": "k" * 40}))  # fmt: skip
    two = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "b"), **shared,
                                     "CHATMRPT_SECRET_KEY": "k" * 40}))  # fmt: skip
    three = create_app(load_settings({"CHATMRPT_HOME": str(tmp_path / "c"), **shared,
                                       "CHATMRPT_SECRET_KEY": "z" * 40}))  # fmt: skip
    browser = one.test_client()
    created = browser.post("/api/sessions").json
    cookie = browser.get_cookie("chatmrpt_session").value
    for app, expected in ((two, 200), (three, 404)):
        c = app.test_client()
        c.set_cookie("chatmrpt_session", cookie)
        assert c.get(f"/api/sessions/{created['id']}").status_code == expected
    # the CSRF token made by one worker is valid on the other
    c = two.test_client()
    c.set_cookie("chatmrpt_session", cookie)
    r = c.post(
        f"/api/sessions/{created['id']}/reprioritizations",
        json={},
        headers={"X-CSRF-Token": created["csrf_token"]},
    )
    assert r.status_code == 409  # past CSRF: there is no analysis yet
    for app in (one, two, three):
        close_runtime(app)


def test_generated_secret_key_is_shared_through_the_home(tmp_path):
    settings = load_settings({"CHATMRPT_HOME": str(tmp_path)})
    a, b = create_app(settings), create_app(load_settings({"CHATMRPT_HOME": str(tmp_path)}))
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").read_text().strip() == a.config["SECRET_KEY"]
    close_runtime(a)
    close_runtime(b)


@pytest.mark.parametrize("trust_proxy", [False, True])
def test_secure_cookie_only_behind_trusted_https(tmp_path, trust_proxy):
    env = {"CHATMRPT_HOME": str(tmp_path), "CHATMRPT_TRUST_PROXY": "1" if trust_proxy else ""}
    app = create_app(load_settings(env))
    client = app.test_client()
    proxied = client.post("/api/sessions", headers={"X-Forwarded-Proto": "https"})
    assert ("Secure" in proxied.headers["Set-Cookie"]) is trust_proxy
    assert ("Strict-Transport-Security" in proxied.headers) is trust_proxy
    direct_https = client.post("/api/sessions", base_url="https://localhost")
    assert "Secure" in direct_https.headers["Set-Cookie"]
    plain = client.post("/api/sessions")
    assert "Secure" not in plain.headers["Set-Cookie"]
    close_runtime(app)


def test_deleting_the_session_clears_its_cookie(app):
    browser = app.test_client()
    r = browser.post("/api/sessions").json
    gone = browser.delete(f"/api/sessions/{r['id']}", headers={"X-CSRF-Token": r["csrf_token"]})
    assert gone.status_code == 200
    assert browser.get_cookie("chatmrpt_session") is None
    assert browser.get(f"/api/sessions/{r['id']}").status_code == 404
