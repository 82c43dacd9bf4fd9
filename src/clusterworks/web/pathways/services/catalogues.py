"""New versions of the gate catalogues (a product keeps the version it started under)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clusterworks.web.core.permissions import require

from ..models import (
    Gate,
    GateCatalogue,
)
from .common import _day, _invalid


@transaction.atomic
def catalogue_new_version(
    *,
    actor: Any,
    catalogue: GateCatalogue,
    key: str,
    effective_from: dt.date,
    name_en: str | None = None,
    name_ru: str | None = None,
    legal_basis: str | None = None,
) -> GateCatalogue:
    """Copy ``catalogue`` with its gates into a new version in force from ``effective_from``; the old one
    ends the day before. Products keep the version they started under."""
    require(actor, "catalogue.change", catalogue)
    if catalogue.superseded_by.exists():
        newer = catalogue.superseded_by.first()
        raise _invalid(
            "catalogue",
            _("“%(catalogue)s” was already replaced by “%(newer)s”; make the new version from that one.")
            % {"catalogue": catalogue.key, "newer": newer.key},
        )
    if effective_from <= catalogue.effective_from:
        raise _invalid(
            "effective_from",
            _("%(date)s is not after %(start)s, when “%(catalogue)s” took effect; allowed: a later date.")
            % {
                "date": _day(effective_from),
                "start": _day(catalogue.effective_from),
                "catalogue": catalogue.key,
            },
        )
    if GateCatalogue.objects.filter(key=key).exists():
        raise _invalid("key", _("The key “%(key)s” is taken; choose another.") % {"key": key})
    new = GateCatalogue(
        key=key,
        product_type=catalogue.product_type,
        name_en=catalogue.name_en if name_en is None else name_en,
        name_ru=catalogue.name_ru if name_ru is None else name_ru,
        legal_basis=catalogue.legal_basis if legal_basis is None else legal_basis,
        effective_from=effective_from,
        effective_to=None,
        supersedes=catalogue,
    )
    new.full_clean()
    new.save()
    for gate in catalogue.gates.order_by("position"):
        copy = Gate(
            catalogue=new,
            **{
                f.attname: getattr(gate, f.attname)
                for f in Gate._meta.concrete_fields
                if f.attname not in ("id", "catalogue_id")
            },
        )
        copy.save()
    catalogue.effective_to = effective_from - dt.timedelta(days=1)
    catalogue.full_clean()
    catalogue.save()
    return new
