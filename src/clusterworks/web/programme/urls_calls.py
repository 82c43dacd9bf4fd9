from django.urls import path

from . import views_calls

urlpatterns = [
    path("<slug:key>/", views_calls.programme_detail, name="programme-detail"),
    path("calls/<slug:key>/", views_calls.call_detail, name="programme-call"),
    path("applications/<str:number>/", views_calls.application_detail, name="programme-application"),
]
