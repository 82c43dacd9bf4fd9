"""Products: their registration and record (type, risk class, TRL, dates, the gate catalogue they keep)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import check, require
from clusterworks.web.registry.models import Cluster, Organisation, choice_label

from .. import selectors
from ..models import (
    DEVICE_TYPES,
    GateCatalogue,
    ParticipantRole,
    Product,
    ProductParticipant,
    ProductType,
    RiskClass,
)
from .common import _assign, _choice_error, _day, _invalid, _today

PRODUCT_FIELDS = (
    "key",
    "name_en",
    "name_ru",
    "type",
    "risk_class",
    "trl",
    "indication_en",
    "indication_ru",
    "description",
    "started_on",
    "withdrawn_on",
    "illustrative",
)
#: fields a product's record may change later (its key and type are fixed: the type decides its gates)
PRODUCT_UPDATE_FIELDS = tuple(f for f in PRODUCT_FIELDS if f not in ("key", "type"))


def _check_risk_class(product_type: str, risk_class: str) -> None:
    """Medical devices, in-vitro diagnostics and medical software (all medical devices under 323-FZ,
    art. 38) need a risk class; medicines and services have none."""
    if product_type in DEVICE_TYPES:
        if risk_class not in RiskClass.values:
            raise _invalid(
                "risk_class",
                _(
                    "A medical device (an in-vitro diagnostic and medical software too) needs a risk "
                    "class; “%(value)s” is not one of %(allowed)s."
                )
                % {"value": risk_class, "allowed": ", ".join(RiskClass.values)},
            )
    elif risk_class:
        raise _invalid(
            "risk_class",
            _(
                "Only medical devices, in-vitro diagnostics and medical software have a risk class; "
                "a product of type “%(type)s” has none, not “%(value)s”."
            )
            % {"type": choice_label(ProductType, product_type), "value": risk_class},
        )


def _catalogue_for(product_type: str, started_on: dt.date, catalogue: GateCatalogue | None) -> GateCatalogue:
    if catalogue is not None:
        if catalogue.product_type != product_type:
            raise _invalid(
                "catalogue",
                _("The gate catalogue “%(catalogue)s” is for products of type “%(its)s”, not “%(type)s”.")
                % {"catalogue": catalogue.key, "its": catalogue.product_type, "type": product_type},
            )
        return catalogue
    found = selectors.catalogue_in_force(product_type, started_on)
    if found is None:
        versions = GateCatalogue.objects.filter(product_type=product_type).order_by("effective_from")
        spans = "; ".join(
            f"{c.key}: {_day(c.effective_from)} – {_day(c.effective_to) if c.effective_to else '…'}"
            for c in versions
        )
        raise _invalid(
            "started_on",
            _("No gate catalogue of type “%(type)s” is in force on %(date)s; the versions: %(spans)s.")
            % {"type": product_type, "date": _day(started_on), "spans": spans or _("none")},
        )
    return found


def _check_dates(product: Product) -> None:
    if product.started_on and product.started_on > _today():
        raise _invalid(
            "started_on",
            _("%(date)s is in the future; allowed: today or earlier.") % {"date": _day(product.started_on)},
        )
    if product.withdrawn_on and product.started_on and product.withdrawn_on < product.started_on:
        raise _invalid(
            "withdrawn_on",
            _("%(date)s is before the product started (%(start)s); allowed: on or after the start.")
            % {"date": _day(product.withdrawn_on), "start": _day(product.started_on)},
        )


def _add_participant(product: Product, organisation: Organisation, role: str) -> ProductParticipant:
    if role not in ParticipantRole.values:
        raise _choice_error("role", role, ParticipantRole)
    if ProductParticipant.objects.filter(product=product, organisation=organisation, role=role).exists():
        raise _invalid(
            "organisation",
            _("%(organisation)s is already in the consortium as %(role)s.")
            % {"organisation": organisation, "role": ProductParticipant(role=role).get_role_display()},
        )
    participant = ProductParticipant(product=product, organisation=organisation, role=role)
    participant.full_clean()
    participant.save()
    return participant


def _keeps_right_to_change(actor: Any, product: Product, field_name: str) -> None:
    """A member's representative who registers or edits a product must stay able to change it."""
    if not check(actor, "product.change", Product.objects.get(pk=product.pk)):
        raise _invalid(
            field_name,
            _(
                "Your organisation must stay in the consortium as a developer, "
                "or you could not change the product."
            ),
        )


@transaction.atomic
def product_create(
    *,
    actor: Any,
    cluster: Cluster,
    data: dict[str, Any],
    participants: Iterable[tuple[Organisation, str]] = (),
    catalogue: GateCatalogue | None = None,
) -> Product:
    """Register a product of ``cluster`` with its consortium (``(organisation, role)`` pairs).

    The product keeps the gate catalogue in force on ``started_on`` for its type (or ``catalogue``, which
    must be of that type). A medical device, in-vitro diagnostic or medical software needs a risk
    class; other products have none.
    """
    require(actor, "product.create", cluster)
    product = Product(cluster=cluster)
    _assign(product, data, PRODUCT_FIELDS)
    if product.type not in ProductType.values:
        raise _choice_error("type", product.type, ProductType)
    product.risk_class = product.risk_class or ""
    _check_risk_class(product.type, product.risk_class)
    if not isinstance(product.started_on, dt.date):
        raise _invalid("started_on", _("The date the product started is required."))
    _check_dates(product)
    product.catalogue = _catalogue_for(product.type, product.started_on, catalogue)
    product.full_clean()
    product.save()
    for organisation, role in participants:
        _add_participant(product, organisation, role)
    _keeps_right_to_change(actor, product, "participants")
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, data: dict[str, Any]) -> Product:
    """Change a product's record. Its key and type are fixed; it keeps its catalogue unless it has no
    gate events yet and a new start date falls under another version. A new risk class must still
    admit every recorded event's gate."""
    require(actor, "product.change", product)
    if data.get("key", product.key) != product.key:
        raise _invalid("key", _("A product's key is its stable identifier and cannot change."))
    if data.get("type", product.type) != product.type:
        raise _invalid(
            "type", _("A product's type decides its gates and cannot change; register a new product.")
        )
    data = {k: v for k, v in data.items() if k not in ("key", "type")}
    started_before = product.started_on
    _assign(product, data, PRODUCT_UPDATE_FIELDS)
    product.risk_class = product.risk_class or ""
    _check_risk_class(product.type, product.risk_class)
    _check_dates(product)
    rows = selectors.product_event_rows(product)
    if not rows and product.started_on != started_before:
        product.catalogue = _catalogue_for(product.type, product.started_on, None)
    if rows:
        allowed = {g.key for g in selectors.product_gates(product)}
        stray = sorted({row.gate.key for row in rows if row.gate.key not in allowed})
        if stray:
            raise _invalid(
                "risk_class",
                _("Class %(value)s does not have the gates %(gates)s, where events are recorded.")
                % {"value": product.risk_class, "gates": ", ".join(stray)},
            )
    product.full_clean()
    product.save()
    return product
