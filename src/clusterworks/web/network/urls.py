"""Network URLs under /network/: the network, ego networks, brokers and recommendations
(``urls_graph``), participation datasets (``urls_datasets``), the partner-search board
(``urls_board``) and matchmaking events (``urls_events``)."""

from django.urls import include, path

urlpatterns = [
    path("network/", include("clusterworks.web.network.urls_graph")),
    path("network/", include("clusterworks.web.network.urls_datasets")),
    path("network/", include("clusterworks.web.network.urls_board")),
    path("network/", include("clusterworks.web.network.urls_events")),
]
