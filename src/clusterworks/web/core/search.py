"""Case-insensitive search that works for Cyrillic on SQLite too.

SQLite's ``LIKE`` folds case for ASCII letters only, so Django's ``icontains`` finds "Moscow" for
"moscow" but not "Москва" for "москва". The ``ucontains`` lookup does what ``icontains`` does on every
other database, and on SQLite calls a Python function that compares case-folded text. It costs a
Python call per row, so :func:`text_contains` uses it only for words that are not plain ASCII.
"""

from __future__ import annotations

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q
from django.db.models.lookups import IContains, Lookup


def _casefold_contains(haystack: str | None, needle: str | None) -> bool | None:
    if haystack is None or needle is None:
        return None
    return needle.casefold() in haystack.casefold()


def _register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "cw_casefold_contains", 2, _casefold_contains, deterministic=True
        )


connection_created.connect(_register_sqlite_function, dispatch_uid="cw-casefold-contains")


@models.CharField.register_lookup
@models.TextField.register_lookup
class UnicodeIContains(IContains):
    """``field__ucontains=text``: case-insensitive containment for any alphabet, on every database."""

    lookup_name = "ucontains"

    def as_sql(self, compiler, connection):
        return IContains(self.lhs, self.rhs).as_sql(compiler, connection)  # Unicode-aware UPPER() elsewhere

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = Lookup.process_rhs(self, compiler, connection)  # the plain word, no LIKE pattern
        return f"cw_casefold_contains({lhs}, {rhs})", [*lhs_params, *rhs_params]


def text_contains(fields: tuple[str, ...], text: str) -> Q:
    """Rows where every word of ``text`` occurs, in any case, in at least one of ``fields``."""
    condition = Q()
    for word in text.split():
        lookup = "icontains" if word.isascii() else "ucontains"
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__{lookup}": word})
        condition &= any_field
    return condition
