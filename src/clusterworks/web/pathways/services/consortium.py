"""A product's consortium: the organisations working on it, each in a role."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from clusterworks.web.core.permissions import require
from clusterworks.web.registry.models import Organisation

from ..models import (
    Product,
    ProductParticipant,
)
from .products import _add_participant, _keeps_right_to_change


@transaction.atomic
def participant_add(
    *, actor: Any, product: Product, organisation: Organisation, role: str
) -> ProductParticipant:
    require(actor, "product.change", product)
    return _add_participant(product, organisation, role)


@transaction.atomic
def participant_remove(*, actor: Any, participant: ProductParticipant) -> None:
    product = participant.product
    require(actor, "product.change", product)
    participant.delete()
    _keeps_right_to_change(actor, product, "organisation")
