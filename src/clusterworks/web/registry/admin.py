from django.contrib import admin

from . import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "country", "kind"]
    list_filter = ["country", "kind"]
    search_fields = ["code", "name_en", "name_ru"]


@admin.register(models.Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ru", "parent"]
    search_fields = ["code", "name_en", "name_ru"]


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "name_ru", "type", "region", "inn", "illustrative"]
    list_filter = ["type", "illustrative", "region__country"]
    search_fields = ["key", "name_en", "name_ru", "short_name", "inn", "ogrn"]
    autocomplete_fields = ["region", "competences"]


@admin.register(models.Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["key", "name_en", "name_ru", "status", "founded", "illustrative"]
    list_filter = ["status", "illustrative"]
    search_fields = ["key", "name_en", "name_ru"]
    autocomplete_fields = ["regions", "specialisations"]
    inlines = [MembershipInline]


class AffiliationInline(admin.TabularInline):
    model = models.Affiliation
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "full_name_en", "email", "phone"]
    search_fields = ["full_name", "full_name_en", "email"]
    inlines = [AffiliationInline]


@admin.register(models.Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "signed_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["title"]
    autocomplete_fields = ["parties"]


class ParticipationInline(admin.TabularInline):
    model = models.ProjectParticipation
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(models.JointProject)
class JointProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "acronym", "start", "end", "budget"]
    search_fields = ["title", "acronym"]
    inlines = [ParticipationInline]
