"""The awards of a call as open data: 360Giving JSON, CSV and XLSX.

**360Giving** (the 360Giving Data Standard 1.4, schema in ``../shared/data/360giving-schema/``): a
package ``{"grants": [...]}`` with one grant per award; each grant has the fields the schema requires
(``id``, ``title``, ``description``, ``currency``, ``amountAwarded``, ``awardDate``,
``recipientOrganization``, ``fundingOrganization``) and, where known, ``amountAppliedFor``,
``amountDisbursed`` (the paid instalments), ``plannedDates``, ``beneficiaryLocation`` (the region, by its
ISO 3166-2 code), ``grantProgramme`` (the call), ``classifications`` (the sector), ``fromOpenCall`` and
``dateModified``. Identifiers: a grant is ``360G-clusterworks-<call>-<application number>``; an
organisation with a taxpayer number is ``RU-INN-<INN>``, with only a state registration number
``RU-OGRN-<OGRN>``, else ``360G-clusterworks-org-<key>``; the funder is the programme,
``360G-clusterworks-programme-<key>``, named by its owner. Amounts are numbers in roubles (RUB).

**CSV and XLSX**: one row per award with the same facts; amounts are plain numbers (``1500000.00`` in
CSV, number cells in XLSX), and text is never written as a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, BinaryIO

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterworks.web.registry.io.tables import csv_chunks

from ..models import Award, BudgetItem, Call, Organisation
from .awards import call_awards

PREFIX = "360G-clusterworks"
FORMATS = ("json", "csv", "xlsx")


def organisation_id(organisation: Organisation) -> str:
    if organisation.inn:
        return f"RU-INN-{organisation.inn}"
    if organisation.ogrn:
        return f"RU-OGRN-{organisation.ogrn}"
    return f"{PREFIX}-org-{organisation.key}"


def grant_id(award: Award) -> str:
    return f"{PREFIX}-{award.application.call.key}-{award.application.number}"


def _number(amount: Decimal | None) -> float | int:
    amount = amount or Decimal(0)
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _cents(amount: Decimal | None) -> Decimal:
    """An amount with its two decimals (database sums may come without them)."""
    return (amount or Decimal(0)).quantize(Decimal("0.01"))


def _requests(awards: list[Award]) -> dict[int, Decimal]:
    rows = (
        BudgetItem.objects.filter(application__award__in=awards)
        .values_list("application_id")
        .annotate(s=Sum("federal"))
    )
    return {application_id: total or Decimal(0) for application_id, total in rows}


def _awards(call: Call, only_public: bool) -> list[Award]:
    return list(
        call_awards(call=call, only_public=only_public).select_related("application__call__programme")
    )


def grant(award: Award, *, requested: Decimal | None, modified: dt.datetime) -> dict[str, Any]:
    """One award as a 360Giving grant."""
    application = award.application
    call = application.call
    programme = call.programme
    recipient = application.applicant
    region = application.region
    record: dict[str, Any] = {
        "id": grant_id(award),
        "title": application.title,
        "description": application.summary or application.title,
        "currency": "RUB",
        "amountAwarded": _number(award.amount),
        "awardDate": award.awarded_on.isoformat(),
        "recipientOrganization": [
            {
                "id": organisation_id(recipient),
                "name": recipient.name_ru or recipient.name_en,
                "addressCountry": "RU",
                **({"alternateName": recipient.name_en} if recipient.name_en and recipient.name_ru else {}),
                **({"companyNumber": recipient.ogrn} if recipient.ogrn else {}),
                **({"addressLocality": recipient.city} if recipient.city else {}),
                **({"addressRegion": str(recipient.region)} if recipient.region_id else {}),
            }
        ],
        "fundingOrganization": [
            {"id": f"{PREFIX}-programme-{programme.key}", "name": programme.owner or str(programme)}
        ],
        "grantProgramme": [{"code": call.key, "title": call.name_en or call.name_ru}],
        "beneficiaryLocation": [
            {
                "name": region.name_en or region.name_ru,
                "countryCode": region.country or "RU",
                "geoCode": region.code,
                "geoCodeType": "ISO 3166-2",
            }
        ],
        "plannedDates": [{"startDate": str(call.year), "endDate": str(call.year)}],
        "fromOpenCall": "Yes",
        "dateModified": modified.isoformat(),
    }
    if requested:
        record["amountAppliedFor"] = _number(requested)
    paid = getattr(award, "paid", None)
    if paid:
        record["amountDisbursed"] = _number(paid)
    if application.sector_id:
        sector = application.sector
        record["classifications"] = [
            {"vocabulary": f"{PREFIX}-sector", "code": sector.key, "title": sector.name_en or sector.name_ru}
        ]
    return record


def grants_package(
    *, call: Call, only_public: bool = False, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The awards of ``call`` (only the published ones when ``only_public``) as a 360Giving package."""
    awards = _awards(call, only_public)
    requests = _requests(awards)
    modified = (now or timezone.now()).replace(microsecond=0)
    return {"grants": [grant(a, requested=requests.get(a.application_id), modified=modified) for a in awards]}


def header() -> list[str]:
    return [
        _("Grant identifier"),
        _("Application"),
        _("Title"),
        _("Cluster"),
        _("Region"),
        _("Applicant organisation"),
        _("Sector"),
        _("Requested, roubles"),
        _("Awarded, roubles"),
        _("Paid, roubles"),
        _("Award date"),
        _("Letter number"),
    ]


def rows(*, call: Call, only_public: bool = False) -> Iterator[list[Any]]:
    """The awards of ``call`` as rows under :func:`header`; amounts as Decimals."""
    awards = _awards(call, only_public)
    requests = _requests(awards)
    for award in awards:
        application = award.application
        yield [
            grant_id(award),
            application.number,
            application.title,
            str(application.cluster),
            str(application.region),
            str(application.applicant),
            str(application.sector) if application.sector_id else "",
            _cents(requests.get(application.pk)),
            _cents(award.amount),
            _cents(getattr(award, "paid", None)),
            award.awarded_on,
            award.letter_number,
        ]


def awards_csv(*, call: Call, only_public: bool = False) -> Iterator[bytes]:
    """CSV bytes (UTF-8 with BOM, amounts with a decimal point)."""
    return csv_chunks(header(), rows(call=call, only_public=only_public))


def awards_xlsx(*, call: Call, out: BinaryIO, only_public: bool = False) -> int:
    """An XLSX workbook of one sheet: amounts as number cells, dates as date cells, text as text."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Awards")[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value: Any, *, heading: bool = False) -> Any:
        if isinstance(value, Decimal):
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "#,##0.00"
        elif isinstance(value, dt.date):
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "yyyy-mm-dd"
        else:
            written = WriteOnlyCell(sheet, value=None if value in (None, "") else str(value))
            if written.value is not None:
                written.data_type = "s"  # a leading "=" stays text, never a formula
        if heading:
            written.font = bold
        return written

    sheet.append([cell(name, heading=True) for name in header()])
    count = 0
    for row in rows(call=call, only_public=only_public):
        sheet.append([cell(value) for value in row])
        count += 1
    workbook.save(out)
    return count


def file_name(call: Call, fmt: str, *, today: dt.date | None = None) -> str:
    day = (today or timezone.localdate()).isoformat()
    return f"awards-{call.key}-{day}.{fmt}"
