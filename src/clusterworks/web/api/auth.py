"""Who is calling: a bearer token, the browser session, or nobody.

* ``Authorization: Bearer cw_...``: the token is looked up by the SHA-256 hash of the secret
  (:meth:`ApiToken.hash_key`); unknown, expired and deactivated-user tokens are refused with 401 even on
  public resources, so that a client never mistakes a broken token for anonymous access. ``last_used_at``
  is written at most once a minute per token.
* The Django session cookie, as for the web pages. Unsafe methods (POST, PATCH, DELETE) need the CSRF
  token in the ``X-CSRFToken`` header, exactly as a form would.
* Nobody: allowed only on the public resources (clusters, organisations, memberships, regions,
  competences), and only for reading.

Each operation lists the schemes it accepts: :data:`PUBLIC_READ` or :data:`SIGNED_IN`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from clusterworks.web.core.audit import acting_as
from clusterworks.web.core.models import ApiToken

from .errors import ApiError

#: ``last_used_at`` is refreshed when it is older than this
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
TOKEN_PREFIX = "cw_"


def user_for_token(secret: str, *, now: dt.datetime | None = None) -> Any:
    """The active user a token secret belongs to; :class:`ApiError` 401 if there is none."""
    now = now or timezone.now()
    if not secret.startswith(TOKEN_PREFIX) or "\x00" in secret:
        raise ApiError(401, "The API token is not valid.", code="invalid_token")
    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(secret)).first()
    if token is None:
        raise ApiError(401, "The API token is not valid.", code="invalid_token")
    if token.expires_at is not None and token.expires_at <= now:
        raise ApiError(401, "The API token has expired; ask for a new one.", code="token_expired")
    if not token.user.is_active:
        raise ApiError(401, "The API token's user is deactivated.", code="invalid_token")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def credentials_are_valid(request: HttpRequest) -> bool:
    """Whether the request's ``Authorization`` header holds a valid bearer token (for the page cache,
    which may then answer a public read without running the operation)."""
    scheme, _, secret = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return False
    try:
        user_for_token(secret.strip())
    except ApiError:
        return False
    return True


class BearerToken(HttpBearer):
    """``Authorization: Bearer cw_...``; see ``clusterworks token create``."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        scheme, _, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(
                401,
                "Unsupported Authorization header: send 'Authorization: Bearer <token>'.",
                code="invalid_token",
            )
        user = self.authenticate(request, secret.strip())
        request.user = user
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return user_for_token(token)


class SessionCookie(APIKeyCookie):
    """The signed-in browser session; unsafe methods need the CSRF token (``X-CSRFToken`` header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(
                403,
                "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header, "
                "or authenticate with a bearer token.",
                code="csrf_failed",
            )
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - see __call__
        return None


class Anonymous:
    """Anyone, for the public resources. Not a security scheme: shown as ``{}`` (optional) in OpenAPI."""

    def __call__(self, request: HttpRequest) -> Any:
        return AnonymousUser()


bearer_token = BearerToken()
session_cookie = SessionCookie()

#: public resources: anyone may read; a token or session that is sent must be valid
PUBLIC_READ = [bearer_token, session_cookie, Anonymous()]
#: everything else
SIGNED_IN = [bearer_token, session_cookie]
#: marks the public operations as such in the OpenAPI schema (security requirement ``{}``)
PUBLIC_OPENAPI = {"security": [{}]}


def actor(request: HttpRequest) -> Any:
    """The user an operation acts for (``AnonymousUser`` on public reads)."""
    return getattr(request, "auth", None) or AnonymousUser()


def audited(view_func: Callable) -> Callable:
    """Attribute the audited changes an operation makes to its authenticated user, with source ``api``.

    The audit middleware already does this for session users; token users are only known once the
    operation's authentication has run, hence this decorator (installed on every operation).
    """

    @functools.wraps(view_func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = actor(request)
        with acting_as(user if user.is_authenticated else None, "api"):
            return view_func(request, *args, **kwargs)

    return wrapper
