"""Registry pages: clusters, organisations and memberships.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the selectors or services, and renders. No view tests a role itself.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.page_cache import cached_fragment
from clusterworks.web.core.permissions import check, require

from . import charts, selectors, services
from .forms import (
    ClusterFilterForm,
    ClusterForm,
    ExistingMemberForm,
    MembershipForm,
    NewMemberOrganisationForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from .models import Cluster, Membership, MembershipRole, Organisation, name_order

PAGE_SIZE = 50
TIES_SHOWN = 25  # agreements and projects on an organisation's profile, newest first


def _in_language(english: str | None, russian: str | None) -> str:
    first, second = (russian, english) if (get_language() or "en").startswith("ru") else (english, russian)
    return first or second or ""


def _by_name(queryset):
    """Order by the name in the active language, falling back to the other one."""
    return queryset.order_by(name_order(russian=(get_language() or "en").startswith("ru")), "pk")


def name_coordinators(clusters) -> None:
    """Set ``coordinator_name`` in the active language on clusters from ``selectors.cluster_list``."""
    for cluster in clusters:
        cluster.coordinator_name = _in_language(cluster.coordinator_name_en, cluster.coordinator_name_ru)


# --- clusters ----------------------------------------------------------------------------------------


def cluster_list(request):
    require(request.user, "cluster.view")

    def content() -> str:
        form = ClusterFilterForm(request.GET)
        page = Paginator(_by_name(selectors.cluster_list(**form.filters())), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        name_coordinators(page)
        return render_to_string("registry/cluster_list_content.html", {"form": form, "page": page}, request)

    html = cached_fragment("cluster-list", (request.get_full_path(),), content)
    return render(request, "registry/cluster_list.html", {"content": html})


def _cluster(key: str) -> Cluster:
    return get_object_or_404(Cluster.objects.prefetch_related("regions", "specialisations"), key=key)


def cluster_detail(request, key):
    cluster = _cluster(key)
    require(request.user, "cluster.view", cluster)
    can_manage = check(request.user, "membership.manage", cluster)
    can_change = check(request.user, "cluster.change", cluster)
    html = cached_fragment(
        "cluster-detail",
        (cluster.pk, bool(can_manage), bool(can_change)),
        lambda: _cluster_content(request, cluster, can_manage=can_manage, can_change=can_change),
    )
    return render(request, "registry/cluster_detail.html", {"cluster": cluster, "content": html})


def _cluster_content(request, cluster: Cluster, *, can_manage: bool, can_change: bool) -> str:
    memberships = list(selectors.cluster_members(cluster, current=False))
    current = [m for m in memberships if m.left is None]
    regions = list(cluster.regions.all())
    coordinator = next((m for m in current if m.role == MembershipRole.COORDINATOR), None)
    context = {
        "cluster": cluster,
        "regions": regions,
        "specialisations": list(cluster.specialisations.all()),
        "coordinator": coordinator,
        "groups": selectors.members_by_role(current),
        "member_count": len(current),
        "former": [m for m in memberships if m.left is not None],
        "helix_svg": charts.helix_chart(
            selectors.helix_composition(current), title=_("Members by triple-helix sector")
        ),
        "maps": charts.region_maps(
            regions, names=selectors.region_names(countries={r.country for r in regions})
        ),
        "can_manage": can_manage,
        "can_change": can_change,
    }
    return render_to_string("registry/cluster_detail_content.html", context, request)


def cluster_edit(request, key):
    cluster = _cluster(key)
    require(request.user, "cluster.change", cluster)
    form = ClusterForm(request.POST or None, instance=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            services.cluster_update(
                actor=request.user,
                cluster=cluster,
                data=form.service_data(),
                regions=form.cleaned_data["regions"],
                specialisations=form.cleaned_data["specialisations"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cluster's profile is saved."))
            return redirect(cluster)
    return render(request, "registry/cluster_form.html", {"cluster": cluster, "form": form})


# --- memberships -------------------------------------------------------------------------------------


def membership_add(request, key):
    """Add a member: an organisation found in the register, or a new one registered on the spot."""
    cluster = _cluster(key)
    require(request.user, "membership.manage", cluster)
    can_create = check(request.user, "organisation.create")
    search = request.GET.get("q", "").strip()
    action = request.POST.get("action") if request.method == "POST" else None
    existing_form = ExistingMemberForm(request.POST if action == "existing" else None, cluster=cluster)
    new_form = NewMemberOrganisationForm(request.POST if action == "new" else None, cluster=cluster)

    if action == "existing" and existing_form.is_valid():
        data = existing_form.cleaned_data
        try:
            membership = services.membership_add(
                actor=request.user, cluster=cluster, organisation=data["organisation"], role=data["role"],
                joined=data["joined"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(existing_form, error)
        else:
            return _added(request, membership)
    if action == "new":
        require(request.user, "organisation.create")
        if new_form.is_valid():
            try:
                with transaction.atomic():
                    organisation = services.organisation_create(
                        actor=request.user, data=new_form.service_data()
                    )
                    membership = services.membership_add(
                        actor=request.user, cluster=cluster, organisation=organisation,
                        role=new_form.cleaned_data["role"], joined=new_form.cleaned_data["joined"],
                    )  # fmt: skip
            except ValidationError as error:
                add_service_errors(new_form, error)
            else:
                return _added(request, membership)

    context = {
        "cluster": cluster,
        "search": search,
        "candidates": selectors.membership_candidates(cluster=cluster, search=search),
        "existing_form": existing_form,
        "new_form": new_form,
        "can_create": can_create,
        "chosen": request.POST.get("organisation", "") if action == "existing" else "",
    }
    return render(request, "registry/membership_add.html", context)


def _added(request, membership: Membership):
    messages.success(
        request,
        _("%(organisation)s is now a member of the cluster (%(role)s).")
        % {"organisation": membership.organisation, "role": membership.get_role_display()},
    )
    return redirect(membership.cluster)


def membership_edit(request, key, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("cluster", "organisation"), pk=pk, cluster__key=key
    )
    cluster = membership.cluster
    require(request.user, "membership.manage", cluster)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    if action == "delete":
        services.membership_delete(actor=request.user, membership=membership)
        messages.success(
            request,
            _("The membership of %(organisation)s is deleted.") % {"organisation": membership.organisation},
        )
        return redirect(cluster)
    data = request.POST.copy() if action else None
    if action == "end":
        data["left"] = timezone.localdate().isoformat()
    form = MembershipForm(data, membership=membership)
    if action and form.is_valid():
        try:
            services.membership_update(
                actor=request.user, membership=membership, role=form.cleaned_data["role"],
                joined=form.cleaned_data["joined"], left=form.cleaned_data["left"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if membership.left is not None:
                text = _("The membership of %(organisation)s ended on %(date)s.")
            else:
                text = _("The membership of %(organisation)s is saved.")
            params = {
                "organisation": membership.organisation,
                "date": date_format(membership.left or timezone.localdate()),
            }
            messages.success(request, text % params)
            return redirect(cluster)
    return render(
        request, "registry/membership_form.html", {"cluster": cluster, "membership": membership, "form": form}
    )


# --- organisations -----------------------------------------------------------------------------------


def organisation_list(request):
    require(request.user, "organisation.view")
    can_create = check(request.user, "organisation.create")

    def content() -> str:
        form = OrganisationFilterForm(request.GET)
        page = Paginator(_by_name(selectors.organisation_list(**form.filters())), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"form": form, "page": page, "can_create": can_create}
        return render_to_string("registry/organisation_list_content.html", context, request)

    html = cached_fragment("organisation-list", (request.get_full_path(), bool(can_create)), content)
    return render(request, "registry/organisation_list.html", {"content": html})


def _organisation(key: str) -> Organisation:
    return get_object_or_404(
        Organisation.objects.select_related("region").prefetch_related("competences"), key=key
    )


def organisation_detail(request, key):
    organisation = _organisation(key)
    require(request.user, "organisation.view", organisation)
    # the contacts the reader may see, in one query (the selector applies ``person.view``)
    visible = list(selectors.person_list_visible_to(user=request.user, organisation=organisation.key))
    hidden = selectors.people_of(organisation).exclude(pk__in=[p.pk for p in visible])
    first_hidden = hidden.first()
    refusal = check(request.user, "person.view", first_hidden) if first_hidden is not None else None
    context = {
        "organisation": organisation,
        "competences": list(organisation.competences.all()),
        "memberships": selectors.organisation_profile(organisation)["memberships"],
        "people": [
            {
                "person": p,
                "affiliations": [a for a in p.affiliations.all() if a.organisation_id == organisation.pk],
            }
            for p in visible
        ],
        "hidden_people": hidden.count() if first_hidden is not None else 0,
        "hidden_reason": refusal.reason if refusal is not None else "",
        "can_change": check(request.user, "organisation.change", organisation),
    }
    if request.user.is_authenticated:  # ties are never public; the selectors apply ``tie.view``
        context["agreements"] = list(
            selectors.agreement_list_visible_to(user=request.user, organisation=organisation.key)[:TIES_SHOWN]
        )
        context["projects"] = list(
            selectors.project_list_visible_to(user=request.user, organisation=organisation.key)[:TIES_SHOWN]
        )
    return render(request, "registry/organisation_detail.html", context)


def organisation_create(request):
    require(request.user, "organisation.create")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user, data=form.service_data(), competences=form.cleaned_data["competences"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(organisation)s is registered.") % {"organisation": organisation})
            return redirect(organisation)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": None})


def organisation_edit(request, key):
    organisation = _organisation(key)
    require(request.user, "organisation.change", organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,
                organisation=organisation,
                data=form.service_data(),
                competences=form.cleaned_data["competences"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's profile is saved."))
            return redirect(organisation)
    return render(request, "registry/organisation_form.html", {"form": form, "organisation": organisation})
