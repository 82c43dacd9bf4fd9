"""The services are a package of modules named for what they hold; every public name of each module is
also a name of the package, so that ``services.product_create(...)`` and the older imports keep working."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

from clusterworks.web.pathways import services

MODULES = ["barriers", "catalogues", "common", "consortium", "documents", "events", "imports", "products"]


@pytest.mark.parametrize("name", MODULES)
def test_every_public_name_of_a_module_is_the_packages(name):
    module = importlib.import_module(f"clusterworks.web.pathways.services.{name}")
    source = inspect.getsource(module)
    own = {
        key
        for key, value in vars(module).items()
        if not key.startswith("_")
        and (
            (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__
            or key.isupper()
            and re.search(rf"^{key}\b[^=\n]*=", source, re.M)
        )
    }
    missing = {key for key in own if getattr(services, key, None) is not getattr(module, key)}
    assert not missing
    assert own <= set(services.__all__)


def test_the_modules_stay_small():
    folder = Path(services.__file__).parent
    sizes = {path.name: len(path.read_text().splitlines()) for path in folder.glob("*.py")}
    assert set(sizes) == {f"{name}.py" for name in MODULES} | {"__init__.py"}
    assert max(sizes.values()) < 600, sizes  # ../shared/ARCHITECTURE.md: modules of 200-600 lines


def test_the_older_imports_still_work():
    from clusterworks.web.pathways.services import DOCUMENT_TYPES, MAX_DOCUMENT_BYTES, barrier_actions

    assert ".pdf" in DOCUMENT_TYPES and MAX_DOCUMENT_BYTES == 20 * 1024 * 1024
    assert callable(barrier_actions) and callable(services.product_create)
