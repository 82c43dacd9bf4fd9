"""Dashboard, log-in, the audit log and the error pages."""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .audit import AuditedModel
from .forms import AuditFilterForm, ThrottledAuthenticationForm
from .models import AuditEvent, Task
from .permissions import require
from .tasks import is_stale


class LoginView(auth_views.LoginView):
    """Log-in with the throttled form; the user's preferred language becomes the page language."""

    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = getattr(form.get_user(), "preferred_language", "")
        if language in dict(settings.LANGUAGES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response


def dashboard(request):
    from clusterworks.web.registry.selectors import dashboard_summary
    from clusterworks.web.registry.views import name_coordinators

    require(request.user, "cluster.view")
    summary = dashboard_summary(user=request.user)
    name_coordinators([*summary["recent_clusters"], *summary["managed_clusters"]])
    return render(request, "core/dashboard.html", summary)


# --- audit log ---------------------------------------------------------------------------------------


@functools.cache
def _audited_models() -> dict[str, type]:
    return {model._meta.label: model for model in apps.get_models() if issubclass(model, AuditedModel)}


def _field_label(model: type | None, name: str) -> str:
    """The field's verbose name; for a foreign key without one, the related model's (e.g. "person")."""
    if model is None:
        return name
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == name or field.name == name:
            label = getattr(field, "verbose_name", name)
            related = getattr(field, "related_model", None)
            if related is not None and str(label) == field.name.replace("_", " "):
                label = related._meta.verbose_name
            return str(label)
    return name


def _value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _changes(event: AuditEvent) -> list[dict[str, str]]:
    """``changes`` as rows of (field label, old value, new value); many-to-many changes say what was
    added or removed."""
    model = _audited_models().get(event.model)
    rows = []
    for name, change in (event.changes or {}).items():
        if name == "id":
            continue  # the object's own id says nothing to a reader
        label = _field_label(model, name)
        if isinstance(change, dict):  # many-to-many: {"added": [...]} etc.
            verbs = {"added": _("added"), "removed": _("removed"), "cleared": _("cleared")}
            for verb, ids in change.items():
                rows.append(
                    {"field": label, "old": "", "new": f"{verbs.get(verb, verb)}: {', '.join(ids) or '—'}"}
                )
        elif isinstance(change, list | tuple) and len(change) == 2:
            rows.append({"field": label, "old": _value(change[0]), "new": _value(change[1])})
        else:
            rows.append({"field": label, "old": "", "new": _value(change)})
    return rows


def audit_log(request):
    require(request.user, "audit.view")
    form = AuditFilterForm(request.GET, models=_audited_models())
    model = form.cleaned_data.get("model", "") if form.is_valid() else ""
    events = AuditEvent.objects.select_related("actor")
    if model:
        events = events.filter(model=model)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    labels = {label: str(m._meta.verbose_name) for label, m in _audited_models().items()}
    for event in page:
        event.type_label = labels.get(event.model, event.model)
        event.rows = _changes(event)
    return render(request, "core/audit_log.html", {"page": page, "model": model, "form": form})


# --- error pages -------------------------------------------------------------------------------------


def permission_denied(request, exception=None):
    """403 page that tells the user why (the permission predicate's reason, translated)."""
    reason = getattr(exception, "reason", None) or (str(exception) if exception else "")
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# --- background tasks --------------------------------------------------------------------------------


def task_detail(request, pk):
    task = get_object_or_404(Task, pk=pk)
    require(request.user, "task.view", task)
    return render(request, "core/task.html", {"task": task, "stale": is_stale(task)})


def task_status(request, pk):
    """The task's progress as JSON (for pages that poll it)."""
    task = get_object_or_404(Task, pk=pk)
    require(request.user, "task.view", task)
    return JsonResponse(
        {
            "status": "interrupted" if is_stale(task) else task.status,
            "done": task.done,
            "total": task.total,
            "percent": task.percent,
            "step": task.step,
            "problems": task.problems,
            "result": task.result,
            "done_url": task.done_url,
        }
    )
