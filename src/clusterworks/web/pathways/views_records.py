"""Pathway records: the pages that register products and their consortia, record gate events, keep
documents, import events and raise and handle barriers.

Each view parses its input, asks ``core.permissions`` (``require`` before acting, ``check`` to show or
hide a button), calls the selectors or services, and renders; after saving it redirects to the read pages
(``views_pages``). No view tests a role itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterworks.web.core.forms import add_service_errors
from clusterworks.web.core.permissions import check, require
from clusterworks.web.core.roles import Role
from clusterworks.web.registry.models import Cluster

from . import selectors, services
from .forms_records import (
    ACTION_FORMS,
    BarrierForm,
    DocumentForm,
    EventForm,
    EventsApplyForm,
    EventsImportForm,
    ParticipantForm,
    ProductForm,
    gate_label,
)
from .models import Barrier, GateEvent, Product, ProductDocument, ProductParticipant

#: problems of an import shown on the page at most
MAX_SHOWN = 500


def _product(key: str) -> Product:
    return get_object_or_404(Product.objects.select_related("cluster", "catalogue"), key=key)


def _product_url(product: Product) -> str:
    return reverse("pathways-product", args=[product.key])


def _barrier_url(barrier: Barrier) -> str:
    return reverse("pathways-barrier", args=[barrier.pk])


# --- products ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def product_create(request):
    clusters = selectors.clusters_where(request.user, "product.create")
    if not clusters.exists():
        require(request.user, "product.create", None)
    developers = selectors.organisations_acting_for(request.user, clusters)
    initial = {"cluster": request.GET.get("cluster"), "started_on": timezone.localdate()}
    form = ProductForm(request.POST or None, clusters=clusters, developers=developers, initial=initial)
    if request.method == "POST" and form.is_valid():
        cluster = form.cleaned_data["cluster"]
        require(request.user, "product.create", cluster)
        developer = form.cleaned_data.get("developer")
        try:
            product = services.product_create(
                actor=request.user,
                cluster=cluster,
                data=form.service_data(),
                participants=[(developer, "developer")] if developer else [],
            )
        except ValidationError as error:
            add_service_errors(form, error, aliases={"participants": "developer", "catalogue": "started_on"})
        else:
            messages.success(
                request,
                _("%(product)s is registered; it follows the gates of “%(catalogue)s”.")
                % {"product": product, "catalogue": product.catalogue},
            )
            return redirect(_product_url(product))
    return render(request, "pathways/records/product_form.html", {"form": form, "product": None})


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, key):
    product = _product(key)
    require(request.user, "product.change", product)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(actor=request.user, product=product, data=form.service_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The product's record is saved."))
            return redirect(_product_url(product))
    return render(request, "pathways/records/product_form.html", {"form": form, "product": product})


@login_required
@require_http_methods(["GET", "POST"])
def consortium(request, key):
    product = _product(key)
    require(request.user, "product.change", product)
    action = request.POST.get("action") if request.method == "POST" else None
    form = ParticipantForm(request.POST if action == "add" else None)
    if action == "add" and form.is_valid():
        try:
            participant = services.participant_add(
                actor=request.user,
                product=product,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(organisation)s joined the consortium as %(role)s.")
                % {"organisation": participant.organisation, "role": participant.get_role_display()},
            )
            return redirect("pathways-consortium", key=product.key)
    if action == "remove":
        participant = get_object_or_404(
            ProductParticipant, pk=request.POST.get("participant"), product=product
        )
        name = str(participant.organisation)
        try:
            services.participant_remove(actor=request.user, participant=participant)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(organisation)s left the consortium.") % {"organisation": name})
        return redirect("pathways-consortium", key=product.key)
    participants = product.participants.select_related("organisation").order_by(
        "role", "organisation__name_en"
    )
    context = {"product": product, "participants": participants, "form": form}
    return render(request, "pathways/records/consortium.html", context)


# --- gate events ---------------------------------------------------------------------------------------


def event_form_context(product: Product, form: EventForm | None = None, *, gate: str = "") -> dict[str, Any]:
    """What ``pathways/records/_event_form.html`` needs: a page may include the form (e.g. the product's
    timeline) with this context."""
    gates = selectors.product_gates(product)
    if form is None:
        chosen = next((g for g in gates if g.key == gate), None)
        form = EventForm(gates=gates, initial={"gate": chosen, "date": timezone.localdate()})
    return {"product": product, "event_form": form, "order_help": services.ORDER_HELP}


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request, key):
    product = _product(key)
    require(request.user, "product.change", product)
    gates = selectors.product_gates(product)
    form = EventForm(request.POST or None, gates=gates) if request.method == "POST" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.event_record(
                actor=request.user, product=product, gate=data["gate"], kind=data["kind"], date=data["date"],
                decision=data["decision"], reference=data["reference"], note=data["note"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Recorded at “%(gate)s”: %(event)s.")
                % {
                    "gate": event.gate,
                    "event": services.Recorded(
                        event.gate, event.kind, event.date, event.decision, 0
                    ).describe(),
                },
            )
            return redirect(_product_url(product))
    rows = selectors.product_event_rows(product)
    deletable = services.deletable_event_ids(rows)
    context = {
        **event_form_context(product, form, gate=request.GET.get("gate", "")),
        "events": [(row, gate_label(row.gate), row.pk in deletable) for row in rows],
        "gates": [(gate, gate_label(gate)) for gate in gates],
    }
    return render(request, "pathways/records/event_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_delete(request, key, pk):
    product = _product(key)
    require(request.user, "product.change", product)
    event = get_object_or_404(GateEvent.objects.select_related("gate", "product"), pk=pk, product=product)
    description = services.event_description(event)
    error = None
    if request.method == "POST":
        try:
            services.event_delete(actor=request.user, event=event)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                _("Deleted at “%(gate)s”: %(event)s.") % {"gate": event.gate, "event": description},
            )
            return redirect(_product_url(product))
    elif not services.event_is_last_of_gate(event):
        error = _("Only the latest event of a gate may be deleted; delete the later ones first.")
    context = {"product": product, "event": event, "description": description, "error": error}
    return render(
        request,
        "pathways/records/event_delete.html",
        context,
        status=400 if error and request.method == "POST" else 200,
    )


# --- documents ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def documents(request, key):
    product = _product(key)
    require(request.user, "product.view", product)
    can_change = check(request.user, "product.change", product)
    gates = selectors.product_gates(product)
    form = None
    if can_change:
        form = DocumentForm(request.POST or None, request.FILES or None, gates=gates)
    if request.method == "POST":
        require(request.user, "product.change", product)
        if form.is_valid():
            try:
                document = services.document_upload(
                    actor=request.user, product=product, gate=form.cleaned_data["gate"],
                    title=form.cleaned_data["title"], file=form.cleaned_data["file"],
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(title)s” is stored.") % {"title": document.title})
                return redirect("pathways-documents", key=product.key)
    rows = product.documents.select_related("gate", "uploaded_by").order_by("-uploaded_at")
    context = {
        "product": product,
        "documents": [(d, services.document_file_name(d)) for d in rows],
        "form": form,
        "can_change": can_change,
    }
    return render(request, "pathways/records/documents.html", context)


@login_required
@require_http_methods(["GET"])
def document_download(request, key, pk):
    product = _product(key)
    require(request.user, "product.view", product)
    document = get_object_or_404(ProductDocument, pk=pk, product=product)
    name = services.document_file_name(document)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("the file of this document is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=services.CONTENT_TYPES.get(Path(name).suffix.lower(), "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- import of gate events ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def events_import(request, cluster_key):
    cluster = get_object_or_404(Cluster, key=cluster_key)
    require(request.user, "product.create", cluster)
    report, apply_form = None, None
    form = EventsImportForm()
    if request.method == "POST" and "content" in request.POST:  # the preview's "record these events"
        carried = EventsApplyForm(request.POST)
        if carried.is_valid():
            upload = ContentFile(carried.cleaned_data["content"].encode("utf-8"), name="events.csv")
            report = _import(request, cluster, upload, form, dry_run=False)
            if report is not None and report.ok:
                messages.success(
                    request,
                    _("%(count)s gate events are recorded (%(unchanged)s were recorded already).")
                    % {"count": report.saved, "unchanged": report.unchanged},
                )
                return redirect(f"{reverse('pathways-board')}?{urlencode({'cluster': cluster.key})}")
    elif request.method == "POST":
        form = EventsImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            raw = upload.read()
            upload.seek(0)
            report = _import(request, cluster, upload, form, dry_run=dry_run)
            if report is not None and report.ok and dry_run:
                text = raw.decode("utf-8-sig", errors="replace")
                if "\ufffd" in text:
                    text = raw.decode("cp1251", errors="replace")
                apply_form = EventsApplyForm(initial={"content": text, "name": upload.name})
            elif report is not None and report.ok:
                messages.success(
                    request,
                    _("%(count)s gate events are recorded (%(unchanged)s were recorded already).")
                    % {"count": report.saved, "unchanged": report.unchanged},
                )
                return redirect(f"{reverse('pathways-board')}?{urlencode({'cluster': cluster.key})}")
    context = {
        "cluster": cluster,
        "form": form,
        "report": report,
        "issues": report.issues[:MAX_SHOWN] if report else [],
        "hidden_issues": max(0, len(report.issues) - MAX_SHOWN) if report else 0,
        "rows": report.rows[:MAX_SHOWN] if report and report.ok else [],
        "hidden_rows": max(0, len(report.rows) - MAX_SHOWN) if report and report.ok else 0,
        "apply_form": apply_form,
        "columns": services.IMPORT_COLUMNS,
    }
    return render(request, "pathways/records/events_import.html", context)


def _import(
    request, cluster: Cluster, upload: Any, form: Any, *, dry_run: bool
) -> services.ImportReport | None:
    try:
        return services.events_import(actor=request.user, cluster=cluster, file=upload, dry_run=dry_run)
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# --- barriers ----------------------------------------------------------------------------------------


def _barrier_form(request, *, clusters=None, barrier: Barrier | None = None) -> BarrierForm:
    scope = list(clusters) if clusters is not None else [barrier.cluster]
    products = selectors.products_visible_to(request.user).filter(cluster__in=scope).order_by("key")
    initial = (
        {"cluster": request.GET.get("cluster"), "raised_on": timezone.localdate()}
        if barrier is None
        else None
    )
    return BarrierForm(
        request.POST or None,
        instance=barrier,
        initial=initial,
        clusters=clusters,
        organisations=selectors.organisations_acting_for(request.user, scope),
        products=products,
    )


@login_required
@require_http_methods(["GET", "POST"])
def barrier_create(request):
    clusters = selectors.clusters_where(request.user, "barrier.create")
    if not clusters.exists():
        require(request.user, "barrier.create", None)
    form = _barrier_form(request, clusters=clusters)
    if request.method == "POST" and form.is_valid():
        cluster = form.cleaned_data["cluster"]
        require(request.user, "barrier.create", cluster)
        try:
            barrier = services.barrier_raise(
                actor=request.user, cluster=cluster, data=form.service_data(),
                products=form.cleaned_data["products"], gates=form.cleaned_data["gates"],
                agencies=form.cleaned_data["agencies"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The barrier is raised; the cluster's management will take it up."))
            return redirect(_barrier_url(barrier))
    return render(request, "pathways/records/barrier_form.html", {"form": form, "barrier": None})


def _barrier(pk: int) -> Barrier:
    return get_object_or_404(Barrier.objects.select_related("cluster", "owner", "raised_for"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def barrier_edit(request, pk):
    barrier = _barrier(pk)
    require(request.user, "barrier.manage", barrier)
    form = _barrier_form(request, barrier=barrier)
    if request.method == "POST" and form.is_valid():
        try:
            services.barrier_update(
                actor=request.user, barrier=barrier, data=form.service_data(),
                products=form.cleaned_data["products"], gates=form.cleaned_data["gates"],
                agencies=form.cleaned_data["agencies"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The barrier is saved."))
            return redirect(_barrier_url(barrier))
    return render(request, "pathways/records/barrier_form.html", {"form": form, "barrier": barrier})


def _owners(barrier: Barrier):
    """The users who may own the barrier: the cluster's managers and the platform's administrators."""
    return (
        get_user_model()
        .objects.filter(
            Q(role_assignments__role=Role.CLUSTER_MANAGER, role_assignments__cluster=barrier.cluster)
            | Q(role_assignments__role=Role.ADMIN)
            | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


ACTION_TITLES = {
    "assign": lambda: _("Assign the barrier"),
    "escalate": lambda: _("Escalate the barrier"),
    "resolve": lambda: _("Resolve the barrier"),
    "close": lambda: _("Close the barrier unresolved"),
    "reopen": lambda: _("Reopen the barrier"),
}


@login_required
@require_http_methods(["GET", "POST"])
def barrier_action(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404("no such action")
    barrier = _barrier(pk)
    require(request.user, "barrier.manage", barrier)
    form_class = ACTION_FORMS[action]
    kwargs: dict[str, Any] = {"owners": _owners(barrier)} if action == "assign" else {}
    initial: dict[str, Any] = {"on": timezone.localdate()}
    if action == "assign":
        initial = {"owner": barrier.owner_id}
    elif action == "escalate":
        initial["to"] = barrier.escalated_to
    form = form_class(request.POST if request.method == "POST" else None, initial=initial, **kwargs)
    allowed = action in services.barrier_actions(barrier)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "assign":
                services.barrier_assign(actor=request.user, barrier=barrier, owner=data["owner"])
            elif action == "escalate":
                services.barrier_escalate(actor=request.user, barrier=barrier, to=data["to"], on=data["on"])
            elif action == "resolve":
                services.barrier_resolve(
                    actor=request.user, barrier=barrier, on=data["on"], resolution=data["resolution"]
                )
            elif action == "close":
                services.barrier_close(
                    actor=request.user, barrier=barrier, on=data["on"], resolution=data["resolution"]
                )
            else:
                services.barrier_reopen(actor=request.user, barrier=barrier)
        except ValidationError as error:
            add_service_errors(form, error)
            barrier.refresh_from_db()
        else:
            messages.success(
                request,
                _("The barrier is now %(status)s.") % {"status": str(barrier.get_status_display()).lower()},
            )
            return redirect(_barrier_url(barrier))
    context = {
        "barrier": barrier,
        "action": action,
        "title": ACTION_TITLES[action](),
        "form": form,
        "allowed": allowed,
    }
    return render(request, "pathways/records/barrier_action.html", context)
