"""Programmes, calls and applications under /programme/. The fixed paths come before the programme's
``<key>/``, which would take any single word (``services.calls.RESERVED_KEYS`` keeps programmes off them)."""

from django.urls import path

from . import views_applications as applications
from . import views_calls as calls

urlpatterns = [
    path("", calls.programme_list, name="programme-list"),
    path("new/", calls.programme_create, name="programme-create"),
    path("notifications/", calls.notifications, name="programme-notifications"),
    path("calls/<slug:key>/", calls.call_detail, name="programme-call"),
    path("calls/<slug:key>/edit/", calls.call_edit, name="programme-call-edit"),
    path("calls/<slug:key>/publish/", calls.call_publish, name="programme-call-publish"),
    path("calls/<slug:key>/applications/", calls.call_applications, name="programme-call-applications"),
    path("calls/<slug:key>/apply/", applications.application_apply, name="programme-apply"),
    path("applications/<str:number>/", applications.application_detail, name="programme-application"),
    path("applications/<str:number>/edit/", applications.application_edit, name="programme-application-edit"),
    path(
        "applications/<str:number>/budget/",
        applications.application_budget,
        name="programme-application-budget",
    ),
    path(
        "applications/<str:number>/co-applicants/",
        applications.application_partners,
        name="programme-application-partners",
    ),
    path(
        "applications/<str:number>/attachments/",
        applications.application_attachments,
        name="programme-application-attachments",
    ),
    path(
        "applications/<str:number>/attachments/<int:pk>/",
        applications.attachment_download,
        name="programme-attachment-download",
    ),
    path(
        "applications/<str:number>/history/",
        applications.application_history,
        name="programme-application-history",
    ),
    path(
        "applications/<str:number>/step/",
        applications.application_transition,
        name="programme-application-transition",
    ),
    path("<slug:key>/", calls.programme_detail, name="programme-detail"),
    path("<slug:key>/edit/", calls.programme_edit, name="programme-edit"),
    path("<slug:key>/calls/new/", calls.call_create, name="programme-call-create"),
]
