from django.urls import path

from . import views

# Keys match ^[a-z0-9][a-z0-9._-]*$, so "_new" can never be an organisation's key.
urlpatterns = [
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/<str:key>/", views.cluster_detail, name="cluster-detail"),
    path("clusters/<str:key>/edit/", views.cluster_edit, name="cluster-edit"),
    path("clusters/<str:key>/members/add/", views.membership_add, name="membership-add"),
    path("clusters/<str:key>/members/<int:pk>/", views.membership_edit, name="membership-edit"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/_new/", views.organisation_create, name="organisation-create"),
    path("organisations/<str:key>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<str:key>/edit/", views.organisation_edit, name="organisation-edit"),
]
