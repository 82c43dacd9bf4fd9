"""The OpenAPI schema as committed in ``docs/openapi.json``; a test regenerates it and compares, so that
no change of the API goes undocumented.

Regenerate after changing the API::

    uv run python -m clusterworks.web.api.openapi docs/openapi.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PATH_PREFIX = "/api/v1/"


def schema() -> dict[str, Any]:
    from .api import api

    return api.get_openapi_schema(path_prefix=PATH_PREFIX)


def schema_json() -> str:
    """The schema as committed: indented, in the order ninja builds it, with one trailing newline."""
    return json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    from clusterworks.cli.django_setup import setup_django

    setup_django()
    text = schema_json()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
