"""Pathway URLs under /pathways/: records (products, consortia, gate events, barriers: the forms) and
pages (the pipeline board, product timelines, bottlenecks, the barrier register, the report)."""

from django.urls import include, path

urlpatterns = [
    path("pathways/", include("clusterworks.web.pathways.urls_records")),
    path("pathways/", include("clusterworks.web.pathways.urls_pages")),
]
