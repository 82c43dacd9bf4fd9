"""Dashboard, log-in and the audit log."""

from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render

from .forms import ThrottledAuthenticationForm
from .models import AuditEvent
from .permissions import require


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


def dashboard(request):
    from clusterworks.web.registry.selectors import dashboard_summary

    return render(request, "core/dashboard.html", dashboard_summary(user=request.user))


def audit_log(request):
    require(request.user, "audit.view")
    events = AuditEvent.objects.select_related("actor")
    model = request.GET.get("model", "")
    if model:
        events = events.filter(model=model)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "model": model})


def permission_denied(request, exception=None):
    """403 page that tells the user why (the permission predicate's reason)."""
    reason = getattr(exception, "reason", None) or (str(exception) if exception else "")
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
