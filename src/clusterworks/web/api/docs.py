"""The interactive API documentation at ``/api/v1/docs``, served entirely by this site.

ninja renders Swagger UI from a CDN unless ``ninja`` is an installed app; Clusterworks serves no asset
from a third-party origin (many users sit on closed networks), so the page is rendered here and its
assets come from the copy of Swagger UI that ships inside the ninja package, through :func:`asset`.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from django.urls import reverse
from ninja.openapi.docs import DocsBase

from .errors import error_response

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png")

PAGE = Engine().from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ title }} API</title>
  <link rel="stylesheet" href="{{ assets }}swagger-ui.css">
  <link rel="icon" href="{{ assets }}favicon.png" type="image/png">
</head>
<body data-csrf-token="{{ csrf_token }}" data-api-csrf="true">
  <script type="application/json" id="swagger-settings">{{ settings|safe }}</script>
  <div id="swagger-ui"></div>
  <script src="{{ assets }}swagger-ui-bundle.js"></script>
  <script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""
)


class LocalSwagger(DocsBase):
    """Swagger UI with local assets; "Try it out" uses the browser's session and its CSRF token."""

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout", "deepLinking": True}
        context = {
            "title": api.title,
            "assets": reverse(f"{api.urls_namespace}:docs-asset", args=["x"])[:-1],
            "settings": json.dumps(settings).replace("<", "\\u003c"),
            "csrf_token": get_token(request),
        }
        return HttpResponse(PAGE.render(Context(context)))


def asset(request: HttpRequest, name: str) -> HttpResponse:
    if name not in ASSETS:
        return error_response(404, message=f"No documentation asset {name[:100]!r}.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
