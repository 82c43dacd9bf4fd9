"""A call's workflow in the admin: its states and transitions, which make the workflow configurable per
call (drop the eligibility screening, add a step, change who takes one). Staff see it; only those who run
the call's programme (``call.manage``) change it. After each save the graph is checked
(``diagram.graph_problems``: every state reachable from the draft, no dead ends, known actors) and every
problem is shown; the call page draws the workflow as it now is. The steps the platform itself relies on
(``submit`` for the applicant's checks, the decisions ``fund`` / ``fund_partly`` / ``reject``, the states
``review`` and ``commission`` where experts and the commission work) keep their keys."""

from __future__ import annotations

from django.contrib import admin, messages

from clusterworks.web.core.permissions import check

from . import diagram, models


class _RunByOfficers:
    def _may(self, request, call) -> bool:
        return call is None or bool(check(request.user, "call.manage", call))

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


class StateInline(_RunByOfficers, admin.TabularInline):
    model = models.WorkflowState
    extra = 0
    ordering = ["position"]
    fields = ["position", "key", "name_en", "name_ru", "terminal"]


class TransitionInline(_RunByOfficers, admin.TabularInline):
    model = models.Transition
    extra = 0
    fields = ["key", "source", "target", "actor", "name_en", "name_ru", "notify_applicant"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # only the states of the call being edited
        if db_field.name in ("source", "target"):
            call_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
            kwargs["queryset"] = models.WorkflowState.objects.filter(call_id=call_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Call)
class CallWorkflowAdmin(_RunByOfficers, admin.ModelAdmin):
    """Only the workflow is edited here; the call's rules are edited on its own page."""

    list_display = ["key", "name_en", "programme", "year", "published"]
    search_fields = ["key", "name_en", "name_ru"]
    fields = ["key", "name_en", "name_ru"]
    readonly_fields = ["key", "name_en", "name_ru"]
    inlines = [StateInline, TransitionInline]

    def has_add_permission(self, request, obj=None):
        return False  # calls are created on the programme's page, with their rules

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problems = diagram.graph_problems(*diagram.call_graph(form.instance))
        for problem in problems:
            messages.warning(request, problem)
