"""The Clusterworks REST API: one NinjaAPI, one router per entity, mounted at ``/api/v1/``.

Endpoints parse their input, call a registry service or selector, and render; permissions and validation
live in the services and the permission predicates, and every error becomes the one JSON shape of
:mod:`.errors`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import clusters, errors, memberships, organisations, people, plans, reference, surveys, ties
from .auth import audited
from .docs import LocalSwagger

DESCRIPTION = """\
The register of Clusterworks: clusters, organisations, memberships, contact persons, agreements and
joint projects, and the regions and competences they refer to; and, read-only, the foresight workbench:
Delphi surveys with their results and pseudonymised answers, priority exercises and technology roadmaps.

Authenticate with `Authorization: Bearer <token>` (create one with `clusterworks token create`) or with the
browser session (unsafe methods then need the `X-CSRFToken` header). Clusters, organisations, memberships,
regions and competences can be read without authentication.

Lists are paginated (`page`, `page_size` up to 200) and answer `{count, page, page_size, results}`.
Every error answers `{"error": {"status", "code", "message", "fields"}}`. See docs/api.md.
"""


class UnicodeJSONRenderer(JSONRenderer):
    """JSON with Cyrillic written as text (UTF-8), not as ``\\u`` escapes: half the bytes, readable."""

    json_dumps_params = {"ensure_ascii": False}


class ClusterworksAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Short, stable operation ids: the endpoint function's name (unique across the API)."""
        return operation.view_func.__name__


api = ClusterworksAPI(
    title="Clusterworks",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs=LocalSwagger(),
    docs_url="/docs",
    renderer=UnicodeJSONRenderer(),
)
errors.install(api)
api.add_decorator(audited, mode="operation")

api.add_router("/clusters", clusters.router)
api.add_router("/clusters", memberships.router)
api.add_router("/organisations", organisations.router)
api.add_router("/people", people.router)
api.add_router("/agreements", ties.agreements)
api.add_router("/projects", ties.projects)
api.add_router("/regions", reference.regions)
api.add_router("/competences", reference.competences)
api.add_router("/surveys", surveys.router)
api.add_router("/priorities", plans.priorities)
api.add_router("/roadmaps", plans.roadmaps)
