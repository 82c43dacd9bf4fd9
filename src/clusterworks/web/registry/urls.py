from django.urls import path

from . import views

urlpatterns = [
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/<str:key>/", views.cluster_detail, name="cluster-detail"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<str:key>/", views.organisation_detail, name="organisation-detail"),
]
