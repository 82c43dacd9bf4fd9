"""The ``field=column`` mapping that says which column of an input file holds which field.

One parser for every place a user names columns: the ``--columns`` options of the command line
(``clusterworks match``, ``network``, ``map``) and the import forms of the pages, so that a mistake
reads the same everywhere. A mapping is written ``project=rcn,organisation=pic,year=start_year``;
parts are separated by commas or new lines (a form's text area), spaces around names are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["ColumnMappingError", "parse_column_mapping"]


class ColumnMappingError(ValueError):
    """A mapping that cannot be used; the message names the part and what is allowed."""


def parse_column_mapping(
    spec: str | Mapping[str, str], *, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, str]:
    """``"region=state, cluster=code"`` -> ``{"region": "state", "cluster": "code"}``.

    Raises :class:`ColumnMappingError` for a part that is not ``field=column``, a field that is neither
    required nor optional, a field given twice, or a required field left out."""
    fields = (*required, *optional)
    if isinstance(spec, Mapping):
        pairs = {str(k).strip(): str(v).strip() for k, v in spec.items()}
        for name, column in pairs.items():
            if not name or not column:
                raise ColumnMappingError(f"'{name}={column}' is not field=column (e.g. {fields[0]}=...)")
    else:
        pairs = {}
        for part in filter(None, (p.strip() for p in spec.replace("\n", ",").split(","))):
            name, sep, column = (s.strip() for s in part.partition("="))
            if not sep or not name or not column:
                raise ColumnMappingError(f"'{part}' is not field=column (e.g. {fields[0]}=...)")
            if name in pairs:
                raise ColumnMappingError(f"field '{name}' is given twice")
            pairs[name] = column
    for name in pairs:
        if name not in fields:
            raise ColumnMappingError(f"unknown field '{name}'; fields are {', '.join(fields)}")
    missing = [f for f in required if f not in pairs]
    if missing:
        also = f"; optional: {', '.join(optional)}" if optional else ""
        raise ColumnMappingError(f"'{missing[0]}' is required (required: {', '.join(required)}{also})")
    return pairs
