"""Pausing Python's cyclic garbage collector while a function builds many small objects.

Reading 100,000 events or measuring their clocks allocates hundreds of thousands of tuples, lists and
dataclasses, none of them in reference cycles; every 700 allocations the collector would walk the
young objects, and now and then every object alive (the caller's events included), which took about
40 % of :func:`~.analysis.pathway_report`'s time. Reference counting still frees everything at once;
the collector is switched back on afterwards if it was on before, so nested calls leave it alone.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def paused_gc(function: F) -> F:
    """Run ``function`` with the cyclic garbage collector paused."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return wrapper  # type: ignore[return-value]
