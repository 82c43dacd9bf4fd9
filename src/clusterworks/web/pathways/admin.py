"""The gate catalogues in the admin: agencies, catalogue versions with their gates inline. Only platform
administrators change them (``catalogue.change``); every change is in the audit log (the models are
audited) and in the admin's own history. A new version of the rules is made with the action "Make a new
version" (``services.catalogue_new_version``): products keep the version they started under."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models as db_models
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import check

from . import models, services


class CatalogueRulesAdmin(admin.ModelAdmin):
    """Seen by staff; changed only by those ``catalogue.change`` allows."""

    def has_add_permission(self, request, *args):
        return bool(check(request.user, "catalogue.change"))

    def has_change_permission(self, request, obj=None):
        return bool(check(request.user, "catalogue.change", obj))

    def has_delete_permission(self, request, obj=None):
        return bool(check(request.user, "catalogue.change", obj))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(models.Agency)
class AgencyAdmin(CatalogueRulesAdmin):
    formfield_overrides = {db_models.URLField: {"assume_scheme": "https"}}
    list_display = ["key", "short_en", "short_ru", "name_en", "website"]
    search_fields = ["key", "name_en", "name_ru", "short_en", "short_ru"]


class GateInline(admin.StackedInline):
    model = models.Gate
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["agency"]
    fields = [
        ("position", "key", "stage", "agency"),
        ("name_en", "name_ru"),
        ("clock_kind", "clock_days", "typical_days_low", "typical_days_high", "device_classes"),
        "legal_basis",
        ("documents_en", "documents_ru"),
    ]

    def has_add_permission(self, request, obj=None):
        return bool(check(request.user, "catalogue.change", obj))

    def has_change_permission(self, request, obj=None):
        return bool(check(request.user, "catalogue.change", obj))

    def has_delete_permission(self, request, obj=None):
        return bool(check(request.user, "catalogue.change", obj))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class NewVersionForm(forms.Form):
    key = forms.SlugField(label=_("Key of the new version"), max_length=80)
    effective_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=300, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=300, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


@admin.register(models.GateCatalogue)
class GateCatalogueAdmin(CatalogueRulesAdmin):
    list_display = ["key", "product_type", "name_en", "effective_from", "effective_to", "supersedes"]
    list_filter = ["product_type"]
    search_fields = ["key", "name_en", "name_ru", "legal_basis"]
    inlines = [GateInline]
    actions = ["make_new_version"]

    @admin.action(description=_("Make a new version (copy the gates, end this one the day before)"))
    def make_new_version(self, request, queryset):
        if not check(request.user, "catalogue.change"):
            self.message_user(
                request, _("Only platform administrators change the catalogues."), messages.ERROR
            )
            return None
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one catalogue."), messages.WARNING)
            return None
        catalogue = queryset.get()
        if "apply" in request.POST:
            form = NewVersionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    new = services.catalogue_new_version(
                        actor=request.user, catalogue=catalogue, key=data["key"],
                        effective_from=data["effective_from"], name_en=data["name_en"] or None,
                        name_ru=data["name_ru"] or None, legal_basis=data["legal_basis"] or None,
                    )  # fmt: skip
                except ValidationError as error:
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    self.message_user(
                        request,
                        _("“%(new)s” is in force from %(date)s; “%(old)s” ends the day before.")
                        % {"new": new.key, "date": new.effective_from, "old": catalogue.key},
                        messages.SUCCESS,
                    )
                    return redirect("admin:pathways_gatecatalogue_change", new.pk)
        else:
            form = NewVersionForm(
                initial={
                    "key": f"{catalogue.key}-new",
                    "effective_from": dt.date.today(),
                    "name_en": catalogue.name_en,
                    "name_ru": catalogue.name_ru,
                    "legal_basis": catalogue.legal_basis,
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("New version of %(catalogue)s") % {"catalogue": catalogue.key},
            "catalogue": catalogue,
            "form": form,
            "opts": self.model._meta,
            "action_name": "make_new_version",
        }
        return render(request, "pathways/records/admin_new_version.html", context)
