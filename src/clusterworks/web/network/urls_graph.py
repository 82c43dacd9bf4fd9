"""Network URLs: the landing page, a cluster's network and brokers, ego networks and recommendations
(see urls.py). Every table has a ``.csv`` and an ``.xlsx``; the interactive view reads the ``.json``."""

from django.urls import path, re_path

from . import views_graph as views

TABLE = r"(?P<table>[a-z]+)\.(?P<fmt>csv|xlsx)"

urlpatterns = [
    path("", views.network_index, name="network-index"),
    path("clusters/<str:key>/", views.cluster_network, name="network-cluster"),
    path("clusters/<str:key>/graph.json", views.cluster_network_json, name="network-cluster-json"),
    path("clusters/<str:key>/brokers/", views.cluster_brokers, name="network-brokers"),
    re_path(rf"^clusters/(?P<key>[^/]+)/{TABLE}$", views.cluster_download, name="network-cluster-download"),
    path("organisations/<str:key>/", views.ego_network, name="network-ego"),
    path("organisations/<str:key>/graph.json", views.ego_network_json, name="network-ego-json"),
    re_path(rf"^organisations/(?P<key>[^/]+)/{TABLE}$", views.ego_download, name="network-ego-download"),
    path("recommend/", views.recommend_for_idea, name="network-recommend"),
]
