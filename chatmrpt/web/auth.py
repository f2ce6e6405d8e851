"""Who may use a session: its token, as a bearer header or through the session cookie.

A session is created with a random id and a secret token; the store keeps only the
token's sha256. A request for ``/api/sessions/{id}/...`` proves it may use the session in
one of two ways:

* ``Authorization: Bearer <token>`` — scripts and API clients. No CSRF token needed: a
  browser never adds this header by itself.
* the session cookie set when the session was created — browsers. The cookie is Flask's
  signed session cookie (signed with the one secret key every worker and machine shares;
  HttpOnly, SameSite=Lax, Secure when the request came over HTTPS). It holds the session
  id and a *proof*: an HMAC, under the secret key, of the stored token hash. The server
  checks the proof against the store without ever keeping the token, and the cookie never
  contains the token itself. State-changing requests (POST, PUT, PATCH, DELETE) made with
  the cookie must also send ``X-CSRF-Token``: an HMAC of the session id under the secret
  key, returned when the session is created and by ``GET /api/sessions/{id}``.

A missing or wrong credential is answered exactly like a session that does not exist
(404, same body), so the API does not tell which sessions exist.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from flask import session as cookie_session
from flask.sessions import SecureCookieSessionInterface

from chatmrpt.errors import InputError
from chatmrpt.store.model import valid_id
from chatmrpt.web.state import get_runtime

F = TypeVar("F", bound=Callable[..., Any])

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_HEADER = "X-CSRF-Token"
NOT_FOUND_MESSAGE = "This session does not exist or has expired; start a new one."
BEARER = "bearer"
COOKIE = "cookie"


class SessionCookieInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure exactly when the request came over HTTPS
    (as seen through ProxyFix when ``CHATMRPT_TRUST_PROXY`` is set)."""

    salt = "chatmrpt-session-cookie"

    def get_cookie_secure(self, app: Any) -> bool:
        return bool(request.is_secure)


def _mac(purpose: bytes, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, purpose + b"\x00" + value.encode("utf-8"), hashlib.sha256).hexdigest()


def cookie_proof(token_hash: str) -> str:
    return _mac(b"chatmrpt-cookie-proof", token_hash)


def csrf_token(session_id: str) -> str:
    return _mac(b"chatmrpt-csrf", session_id)


def session_not_found() -> InputError:
    return InputError("not_found", NOT_FOUND_MESSAGE)


def sign_in(session_id: str, token_hash: str) -> None:
    """Point the browser's cookie at this session (replacing any earlier one)."""
    cookie_session.clear()
    cookie_session["sid"] = session_id
    cookie_session["proof"] = cookie_proof(token_hash)
    cookie_session.permanent = True


def sign_out(session_id: str) -> None:
    if cookie_session.get("sid") == session_id:
        cookie_session.clear()


def authenticate_request(session_id: str) -> tuple[dict[str, Any] | None, str]:
    """The session the request may use, and how it proved it (bearer or cookie)."""
    from chatmrpt.service.sessions import authenticate, open_session

    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != BEARER or not token.strip():
            return None, BEARER
        return authenticate(get_runtime(), session_id, token.strip()), BEARER
    proof = cookie_session.get("proof")
    if not valid_id(session_id) or cookie_session.get("sid") != session_id:
        return None, COOKIE
    if not isinstance(proof, str):
        return None, COOKIE
    session = open_session(
        get_runtime(), session_id, lambda stored: hmac.compare_digest(cookie_proof(stored), proof)
    )
    return session, COOKIE


def check_csrf(session_id: str) -> None:
    given = request.headers.get(CSRF_HEADER, "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), csrf_token(session_id).encode()):
        raise InputError(
            "csrf_failed",
            f"This request changes the session and was sent with the session cookie, so it "
            f"needs the {CSRF_HEADER} header (the csrf_token given when the session was "
            "created). Scripts can send 'Authorization: Bearer <token>' instead.",
            details={"header": CSRF_HEADER},
        )


def session_required(view: F) -> F:
    """Protect a view whose URL has ``<session_id>``.

    On success ``g.session_id``, ``g.session`` (the record, without the token hash) and
    ``g.auth_method`` (``"bearer"`` or ``"cookie"``) are set; otherwise the request is
    answered 404 ``not_found``, or 400 for a cookie request without its CSRF token.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        session_id = kwargs.get("session_id")
        if not isinstance(session_id, str) or not valid_id(session_id):
            raise session_not_found()
        session, method = authenticate_request(session_id)
        if session is None:
            raise session_not_found()
        if method == COOKIE and request.method in UNSAFE_METHODS:
            check_csrf(session_id)
        g.session_id = session_id
        g.session = session
        g.auth_method = method
        limit = current_app.extensions.get("chatmrpt.session_limit")  # web.ratelimit
        if limit is not None:
            limit(session_id)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
