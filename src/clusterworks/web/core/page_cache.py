"""A cache of public pages as anonymous visitors see them.

The registry's public pages (clusters, organisations, the dashboard) and the public API resources are
the same for every visitor who is not signed in, and they change only when registry data change. This
middleware keeps their rendered responses, per path, query and language, stamped with the *data
version*: a counter that every audited write (single saves, deletes, many-to-many changes, bulk
imports) and every reference-data load increases, so a change shows at once. Entries also expire after
``PAGE_CACHE_SECONDS``.

Nothing personal can leak: pages are served from or stored in the cache only for GET requests without
a session, an ``Authorization`` header or pending messages, and only 200 responses are kept. The public
API resources (``PAGE_CACHE_SHARED_PATHS``) answer every caller alike, so they are shared by everyone
whose credentials are valid (``PAGE_CACHE_CREDENTIALS_CHECK``); a bad token still gets its 401.
The CSRF token in a page (the language switch is a POST form) is replaced by a placeholder in the
stored copy and by the visitor's own token when served.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CSRF_PLACEHOLDER = "__clusterworks_csrf_token__"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def bump_data_version() -> None:
    """Mark every cached public page stale. Called inside the writing transaction."""
    from .models import DataVersion

    if not DataVersion.objects.filter(pk=1).update(version=models.F("version") + 1):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def data_version() -> int:
    from .models import DataVersion

    return DataVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def _cacheable_request(request: HttpRequest) -> bool:
    if request.method != "GET":
        return False
    path = request.path_info
    if any(re.match(pattern, path) for pattern in settings.PAGE_CACHE_SHARED_PATHS):
        # the same answer for every caller whose credentials are valid (or who sends none)
        return "HTTP_AUTHORIZATION" not in request.META or import_string(
            settings.PAGE_CACHE_CREDENTIALS_CHECK
        )(request)
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return any(re.match(pattern, path) for pattern in settings.PAGE_CACHE_PATHS)


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of ``PAGE_CACHE_PATHS`` from the cache (after LocaleMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.cache = caches[settings.PAGE_CACHE_ALIAS]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PAGE_CACHE_SECONDS or not _cacheable_request(request):
            return self.get_response(request)
        key = f"page:{data_version()}:{get_language()}:{request.get_full_path()}"
        stored = self.cache.get(key)
        if stored is not None:
            content_type, body = stored
            if CSRF_PLACEHOLDER.encode() in body:
                body = body.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
            response = HttpResponse(body, content_type=content_type)
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies.get(settings.SESSION_COOKIE_NAME)
        ):
            body = _CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER.encode() + rb"\2", response.content)
            self.cache.set(key, (response["Content-Type"], body), settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response


def cached_fragment(name: str, parts: tuple, render: Callable[[], str]) -> SafeString:
    """The HTML ``render()`` returns, cached per data version, language and ``parts``.

    For the expensive part of a page that signed-in users see too: ``parts`` must hold everything the
    fragment depends on besides the data and the language (the query string, the user's permissions).
    A fragment must not hold a CSRF token.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return mark_safe(render())  # noqa: S308  (rendered by a template, escaped there)
    key = f"fragment:{name}:{data_version()}:{get_language()}:" + ":".join(str(p) for p in parts)
    cache = caches[settings.PAGE_CACHE_ALIAS]
    html = cache.get(key)
    if html is None:
        html = render()
        if "csrfmiddlewaretoken" in html:
            raise ValueError(f"fragment {name!r} holds a CSRF token and cannot be shared")
        cache.set(key, html, settings.PAGE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308
