"""The observatory's datasets: regional statistics (region x activity x year) and trade/exports data.

Only the metadata live here; the facts (one row per region, activity, year and measure) live in the
DuckDB store at ``settings.OBSERVATORY_STORE`` (``services.store``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterworks.web.registry.models import key_validator


class DatasetKind(models.TextChoices):
    REGIONAL = "regional", _("Regional statistics")
    TRADE = "trade", _("Trade / exports")


class MapCountry(models.TextChoices):
    NONE = "", _("No map")
    US = "US", _("United States (states)")
    RU = "RU", _("Russia (federal subjects)")


class StatisticsDataset(models.Model):
    """An imported statistics file, stored all or nothing in the observatory store."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    title = models.CharField(_("title"), max_length=300)
    attribution = models.TextField(
        _("source and licence"), blank=True, help_text=_("Where the data come from and under which licence.")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DatasetKind.choices, default=DatasetKind.REGIONAL
    )
    country = models.CharField(_("country of the map"), max_length=2, choices=MapCountry.choices, blank=True)
    region_scheme = models.CharField(_("region scheme"), max_length=100, blank=True)
    activity_scheme = models.CharField(_("activity scheme"), max_length=100, blank=True)
    measures = models.JSONField(_("measures"), default=list)
    columns = models.JSONField(_("columns"), default=dict)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    regions = models.PositiveIntegerField(_("regions"), default=0)
    activities = models.PositiveIntegerField(_("activities"), default=0)
    years = models.JSONField(_("years"), default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("statistics dataset")
        verbose_name_plural = _("statistics datasets")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_trade(self) -> bool:
        return self.kind == DatasetKind.TRADE

    @property
    def last_year(self) -> int | None:
        return max(self.years) if self.years else None
