"""One JSON error shape for every error the API returns, translated here and nowhere else.

Every error response has the body::

    {"error": {"status": 403, "code": "permission_denied", "message": "...", "fields": {}}}

``fields`` maps an input field to its messages (empty when the error is not about a field; ``__all__``
for errors about the input as a whole). The exceptions of the lower layers (the permission predicates'
``NotAllowed``, Django's ``ValidationError`` and ``IntegrityError``, ninja's schema validation) are mapped
to this shape by :func:`install`; :mod:`clusterworks.web.api.urls` does the same for what happens outside
an operation (unknown paths, methods an operation does not accept).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from clusterworks.web.core.permissions import NotAllowed

logger = logging.getLogger("clusterworks.api")

#: the ``code`` of an error when nothing more specific is known, per HTTP status
DEFAULT_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid_input",
    429: "throttled",
    500: "server_error",
}

#: model constraints whose default message ("Constraint “x” is violated.") says nothing to an API user:
#: constraint name -> (status, field, message)
CONSTRAINT_ERRORS: dict[str, tuple[int, str, str]] = {
    "unique_organisation_inn": (409, "inn", "An organisation with this INN is already registered."),
    "unique_organisation_ogrn": (409, "ogrn", "An organisation with this OGRN is already registered."),
    "organisation_has_a_name": (400, NON_FIELD_ERRORS, "Give a name in Russian or in English."),
    "cluster_has_a_name": (400, NON_FIELD_ERRORS, "Give a name in Russian or in English."),
    "one_coordinator": (409, "role", "This cluster already has a current coordinator."),
    "unique_membership": (409, "organisation", "This organisation is already a member of this cluster."),
    "membership_left_after_joined": (400, "left", "The membership cannot end before it started."),
    "unique_participation": (409, "participants", "An organisation takes part in a project only once."),
}

#: Django validation codes that mean "this clashes with a row that already exists"
CONFLICT_CODES = {"unique", "unique_together", "unique_for_date", "conflict"}


class ApiError(Exception):
    """An error with its place in the error shape; raised by endpoints and by authentication."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, list[str]] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = str(message)  # lazily translated reasons are rendered in the request's language
        self.fields = {str(name): [str(m) for m in messages] for name, messages in (fields or {}).items()}


def not_found(what: str, key: Any) -> ApiError:
    return ApiError(404, f"No {what} with the identifier {str(key)[:100]!r}.")


def error_body(status: int, code: str, message: str, fields: Mapping[str, list[str]] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "fields": dict(fields or {})}}


def error_response(
    status: int,
    code: str | None = None,
    message: str = "",
    fields: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The error shape as a Django response, for views that are not ninja operations."""
    body = error_body(status, code or DEFAULT_CODES.get(status, "error"), message, fields)
    response = JsonResponse(
        body,
        status=status,
        content_type="application/json; charset=utf-8",
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- Django validation errors ---------------------------------------------------------------------------


def _constraint_for(message: str) -> tuple[int, str, str] | None:
    """The friendly form of a model constraint's default violation message, if it is one we know."""
    for name, friendly in CONSTRAINT_ERRORS.items():
        if name in message:  # Django's default message names the constraint, in any language
            return friendly
    return None


def _validation_items(exc: DjangoValidationError) -> Iterable[tuple[str, DjangoValidationError]]:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                yield field, error
    else:
        for error in exc.error_list:
            yield NON_FIELD_ERRORS, error


def translate_validation_error(exc: DjangoValidationError) -> ApiError:
    """400 with the messages per field; 409 when every problem is a clash with an existing row."""
    fields: dict[str, list[str]] = {}
    statuses = []
    for field, error in _validation_items(exc):
        message = " ".join(str(m) for m in error.messages) if hasattr(error, "messages") else str(error)
        known = _constraint_for(message)
        if known is not None:
            status, field, message = known[0], known[1] if field == NON_FIELD_ERRORS else field, known[2]
        else:
            status = 409 if getattr(error, "code", None) in CONFLICT_CODES else 400
        statuses.append(status)
        fields.setdefault(field, [])
        if message not in fields[field]:
            fields[field].append(message)
    if statuses and all(s == 409 for s in statuses):
        return ApiError(
            409, "The request conflicts with data already registered.", code="conflict", fields=fields
        )
    return ApiError(
        400, "The data is not valid; see the messages per field.", code="validation_failed", fields=fields
    )


# --- ninja's schema validation -------------------------------------------------------------------------


def _field_name(location: Iterable[Any]) -> str:
    """``("body", "data", "regions", 0)`` -> ``regions.0``; ``("query", "page_size")`` -> ``page_size``."""
    parts = [str(p) for p in location]
    source = parts[0] if parts else ""
    parts = parts[1:]
    if source == "body" and parts:
        parts = parts[1:]  # the name of the operation's body argument, not a field of the request
    return ".".join(parts) or (source if source != "body" else NON_FIELD_ERRORS)


def translate_schema_error(exc: SchemaValidationError) -> ApiError:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg", "invalid")))
    return ApiError(
        422,
        "The request does not match the API schema; see the messages per field.",
        code="invalid_input",
        fields=fields,
    )


# --- the handlers --------------------------------------------------------------------------------------


def translate(exc: Exception) -> ApiError:
    """Map any exception raised while handling an API request to its place in the error shape."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, NotAllowed):
        return ApiError(403, exc.reason, code="permission_denied")
    if isinstance(exc, PermissionDenied):
        return ApiError(403, str(exc) or "You may not do this.", code="permission_denied")
    if isinstance(exc, SchemaValidationError):
        return translate_schema_error(exc)
    if isinstance(exc, AuthenticationError):
        return ApiError(
            401,
            "Authentication required: send 'Authorization: Bearer <token>' or sign in.",
            code="not_authenticated",
        )
    if isinstance(exc, HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return ApiError(400, "The request body is not valid JSON.", code="malformed_body")
        return ApiError(exc.status_code, str(exc))
    if isinstance(exc, DjangoValidationError):
        return translate_validation_error(exc)
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return ApiError(404, str(exc) or "Not found.")
    if isinstance(exc, ProtectedError | RestrictedError):
        return ApiError(
            409, "This is still referred to by other records and cannot be deleted.", code="conflict"
        )
    if isinstance(exc, IntegrityError):
        return ApiError(409, "The request conflicts with data already registered.", code="conflict")
    if isinstance(exc, ValueError) and not isinstance(exc, UnicodeError):  # the services' refusals
        return ApiError(400, str(exc), code="bad_request")
    return ApiError(
        500, "Internal server error. The administrators can find the details in the log.", code="server_error"
    )


def handle(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    error = translate(exc)
    if error.status >= 500:
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
    response = api.create_response(
        request, error_body(error.status, error.code, error.message, error.fields), status=error.status
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="clusterworks"'
    wait = getattr(exc, "wait", None)
    if error.status == 429 and wait:
        response["Retry-After"] = str(int(wait))
    return response


def install(api: NinjaAPI) -> None:
    """Route every exception of an operation through :func:`handle`."""

    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        return handle(request, exc, api)

    api.add_exception_handler(Exception, handler)
    # ninja registers handlers for its own exceptions and Http404; ours replace them
    for exc_class in (HttpError, SchemaValidationError, Http404):
        api.add_exception_handler(exc_class, handler)
