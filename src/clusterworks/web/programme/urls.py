"""Programme URLs under /programme/: programmes, calls and applications (``urls_calls``), conflicts,
assignment and review (``urls_review``), the commission, allocation and awards (``urls_decisions``)."""

from django.urls import include, path

urlpatterns = [
    path("programme/", include("clusterworks.web.programme.urls_calls")),
    path("programme/", include("clusterworks.web.programme.urls_review")),
    path("programme/", include("clusterworks.web.programme.urls_decisions")),
]
