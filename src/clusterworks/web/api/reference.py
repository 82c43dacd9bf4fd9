"""``/regions`` and ``/competences``: the reference lists the register refers to. Public, read-only."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from clusterworks.web.registry import selectors

from . import queries
from .auth import PUBLIC_OPENAPI, PUBLIC_READ
from .schemas import (
    COMMON_ERRORS,
    Competence,
    CompetenceCode,
    CompetencePage,
    CompetenceQuery,
    Region,
    RegionCode,
    RegionPage,
    RegionQuery,
    errors,
)

regions = Router(tags=["reference"], auth=PUBLIC_READ)
competences = Router(tags=["reference"], auth=PUBLIC_READ)


@regions.get(
    "",
    response={200: RegionPage, **errors(*COMMON_ERRORS)},
    openapi_extra=PUBLIC_OPENAPI,
    summary="List regions",
)
def list_regions(request: HttpRequest, filters: Query[RegionQuery]):
    """First-level regions (Russian federal subjects, US states), by ISO 3166-2 code."""
    found = selectors.region_list(search=filters.search, country=filters.country.upper())
    return queries.paginate(found, filters)


@regions.get(
    "/{code}",
    response={200: Region, **errors(*COMMON_ERRORS, 404)},
    openapi_extra=PUBLIC_OPENAPI,
    summary="Get a region",
)
def get_region(request: HttpRequest, code: str = RegionCode):
    return queries.get_or_404(selectors.region_list(), "region", code=code.upper())


@competences.get(
    "",
    response={200: CompetencePage, **errors(*COMMON_ERRORS)},
    openapi_extra=PUBLIC_OPENAPI,
    summary="List competences",
)
def list_competences(request: HttpRequest, filters: Query[CompetenceQuery]):
    """The controlled vocabulary of competences (a tree: ``parent`` is the broader term), by code."""
    found = selectors.competence_list(search=filters.search, parent=filters.parent)
    return queries.paginate(found, filters)


@competences.get(
    "/{code}",
    response={200: Competence, **errors(*COMMON_ERRORS, 404)},
    openapi_extra=PUBLIC_OPENAPI,
    summary="Get a competence",
)
def get_competence(request: HttpRequest, code: str = CompetenceCode):
    return queries.get_or_404(selectors.competence_list(), "competence", code=code)
