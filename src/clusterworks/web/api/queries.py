"""Helpers the endpoints share: one page of a queryset, one object by its key, and the objects a request
body refers to by key (unknown keys are a validation error on that field)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from clusterworks.web.registry.models import Competence, Organisation, Region

from .errors import not_found
from .schemas import Query


def paginate(queryset: QuerySet, query: Query) -> dict[str, Any]:
    """``{count, page, page_size, results}``; a page past the end is empty."""
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    results = list(queryset[start : start + query.page_size]) if start < count else []
    return {"count": count, "page": query.page, "page_size": query.page_size, "results": results}


def get_or_404(queryset: QuerySet, what: str, **lookup: Any) -> Any:
    """The one object of ``queryset`` matching ``lookup``, or a 404 naming ``what`` was not found."""
    value = next(iter(lookup.values()))
    if isinstance(value, str) and "\x00" in value:  # never sent to the database (PostgreSQL refuses it)
        raise not_found(what, value)
    found = queryset.filter(**lookup).first()
    if found is None:
        raise not_found(what, value)
    return found


def _by_key(model: type[Model], field: str, keys: Iterable[str], input_field: str, what: str) -> list[Any]:
    keys = list(dict.fromkeys(keys))
    found = {getattr(o, field): o for o in model.objects.filter(**{f"{field}__in": keys})}
    missing = [k for k in keys if k not in found]
    if missing:
        raise ValidationError({input_field: [f"No {what} with the identifier {k!r}." for k in missing[:10]]})
    return [found[k] for k in keys]


def organisations(keys: Iterable[str], *, field: str = "organisation") -> list[Organisation]:
    return _by_key(Organisation, "key", keys, field, "organisation")


def organisation(key: str, *, field: str = "organisation") -> Organisation:
    return organisations([key], field=field)[0]


def regions(codes: Iterable[str], *, field: str = "regions") -> list[Region]:
    return _by_key(Region, "code", codes, field, "region")


def competences(codes: Iterable[str], *, field: str = "competences") -> list[Competence]:
    return _by_key(Competence, "code", codes, field, "competence")
