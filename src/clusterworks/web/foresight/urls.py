"""Foresight URLs under /foresight/: surveys (management and results), answering rounds, and plans
(priorities and roadmaps). Keys match ^[a-z0-9][a-z0-9._-]*$, so "_new" can never be a key."""

from django.urls import include, path

urlpatterns = [
    path("foresight/", include("clusterworks.web.foresight.urls_surveys")),
    path("foresight/", include("clusterworks.web.foresight.urls_answers")),
    path("foresight/", include("clusterworks.web.foresight.urls_plans")),
]
