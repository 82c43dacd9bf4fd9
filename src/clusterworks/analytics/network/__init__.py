"""The stakeholder network: participations, the collaboration graph, its measures, and partner
recommendation (no Django). See docs/methods/network.md and docs/methods/recommendation.md."""

from .participations import (
    CORDIS_KINDS,
    FIELDS,
    InvalidParticipations,
    Participations,
    identifier_scheme,
    parse_columns,
    read_participations,
)

__all__ = [
    "CORDIS_KINDS",
    "FIELDS",
    "InvalidParticipations",
    "Participations",
    "identifier_scheme",
    "parse_columns",
    "read_participations",
]
