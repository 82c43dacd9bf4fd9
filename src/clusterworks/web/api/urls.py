"""URLs under ``/api/v1/``: the ninja API, its documentation assets, and JSON answers for what ninja
answers in plain text (a method an endpoint does not accept) or not at all (an unknown path)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt

from .api import api
from .docs import asset
from .errors import error_response

app_name = api.urls_namespace


def _json_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give the 404 and 405 that ninja's URL views produce outside an operation the error shape."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _not_found(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip()))
            return error_response(
                405,
                message=f"{request.method} is not allowed here; allowed: {allowed}.",
                headers={"Allow": allowed},
            )
        return response

    return wrapper


def _read_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema, the docs page and their assets answer GET (and HEAD) only, with JSON errors."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return error_response(
                405,
                message=f"{request.method} is not allowed here; allowed: GET, HEAD.",
                headers={"Allow": "GET, HEAD"},
            )
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


@_read_only
def index(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": reverse(f"{app_name}:openapi-json"),
            "docs": reverse(f"{app_name}:openapi-view"),
        }
    )


@csrf_exempt
def _not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(404, message=f"No API endpoint at {request.path[:200]}.")


def _patterns() -> list[Any]:
    patterns, _, _ = api.urls
    result = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            if pattern.name == "api-root":
                view = index
            elif pattern.name in {"openapi-json", "openapi-view"}:
                view = _read_only(pattern.callback)
            else:
                view = _json_errors(pattern.callback)
            pattern = URLPattern(pattern.pattern, view, pattern.default_args, pattern.name)
        result.append(pattern)
    return result


urlpatterns = [
    *_patterns(),
    path("docs/assets/<str:name>", _read_only(asset), name="docs-asset"),
    re_path(r"^.*$", _not_found, name="not-found"),
]
