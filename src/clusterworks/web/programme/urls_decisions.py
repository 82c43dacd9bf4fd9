"""URLs of the commission, the allocation, the awards, the dashboard and the public results (under
/programme/)."""

from django.urls import path

from . import views_decisions as views
from . import views_public

urlpatterns = [
    path("calls/<slug:key>/commission/", views.commission, name="programme-commission"),
    path("meetings/<int:pk>/", views.meeting_detail, name="programme-meeting"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="programme-meeting-minutes"),
    path("meetings/<int:pk>/ballot/", views.ballot, name="programme-ballot"),
    path("ballots/mine/", views.my_ballots, name="programme-my-ballots"),
    path("meetings/<int:pk>/decide/<str:number>/", views.meeting_decide, name="programme-meeting-decide"),
    path("calls/<slug:key>/allocation/", views.allocations, name="programme-allocations"),
    path("allocations/<int:pk>/", views.allocation_detail, name="programme-allocation"),
    path("allocations/<int:pk>/adopt/", views.allocation_adopt, name="programme-allocation-adopt"),
    path("calls/<slug:key>/awards/", views.awards, name="programme-awards"),
    path("calls/<slug:key>/awards/export.<str:fmt>", views.awards_export, name="programme-awards-export"),
    path("awards/<int:pk>/", views.award_detail, name="programme-award"),
    path("awards/<int:pk>/letter/", views.award_letter, name="programme-award-letter"),
    path("awards/<int:pk>/payments/", views.award_payments, name="programme-award-payments"),
    path("awards/<int:pk>/reports/<int:period>/", views.award_report, name="programme-award-report"),
    path("<slug:key>/dashboard/", views.dashboard, name="programme-dashboard"),
    path("calls/<slug:key>/results/", views_public.results, name="programme-results"),
    path(
        "calls/<slug:key>/results/grants.<str:fmt>",
        views_public.results_export,
        name="programme-results-export",
    ),
]
