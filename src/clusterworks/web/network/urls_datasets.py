"""Network URLs: participation datasets under /network/datasets/ (see urls.py). The list
(/network/datasets.csv) and every table have a ``.csv`` and an ``.xlsx``; the interactive views read
the ``.json``."""

from django.urls import path, re_path

from . import views_datasets as views

urlpatterns = [
    path("datasets/", views.dataset_list, name="network-datasets"),
    re_path(
        r"^(?P<table>datasets)\.(?P<fmt>csv|xlsx)$",
        views.dataset_list_download,
        name="network-datasets-download",
    ),
    path("datasets/import/", views.dataset_import_view, name="network-dataset-import"),
    path("datasets/<str:key>/", views.dataset_detail, name="network-dataset"),
    path("datasets/<str:key>/graph.json", views.dataset_json, name="network-dataset-json"),
    path("datasets/<str:key>/delete/", views.dataset_delete_view, name="network-dataset-delete"),
    re_path(
        r"^datasets/(?P<key>[^/]+)/(?P<table>[a-z]+)\.(?P<fmt>csv|xlsx)$",
        views.dataset_download,
        name="network-dataset-download",
    ),
    re_path(
        r"^datasets/(?P<key>[^/]+)/organisations/(?P<code>[^/]+)/(?P<table>[a-z]+)\.(?P<fmt>csv|xlsx)$",
        views.dataset_organisation_download,
        name="network-dataset-organisation-download",
    ),
    path(
        "datasets/<str:key>/organisations/<path:code>/graph.json",
        views.dataset_organisation_json,
        name="network-dataset-organisation-json",
    ),
    path(
        "datasets/<str:key>/organisations/<path:code>/",
        views.dataset_organisation,
        name="network-dataset-organisation",
    ),
]
