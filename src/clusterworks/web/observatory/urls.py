"""Observatory URLs under /observatory/: the datasets, the map, region and activity profiles, the
complexity views, the downloads, the import and the deletion."""

from django.urls import path, re_path

from . import views_datasets, views_maps, views_profiles

urlpatterns = [
    path("observatory/", views_datasets.index, name="observatory-index"),
    path("observatory/import/", views_datasets.import_view, name="observatory-import"),
    path("observatory/<str:key>/", views_datasets.detail, name="observatory-dataset"),
    path("observatory/<str:key>/delete/", views_datasets.delete_view, name="observatory-delete"),
    path("observatory/<str:key>/map/", views_maps.map_view, name="observatory-map"),
    re_path(
        r"^observatory/(?P<key>[^/]+)/map\.(?P<fmt>csv|xlsx|geojson)$",
        views_maps.map_download,
        name="observatory-map-download",
    ),
    path("observatory/<str:key>/regions/<str:code>/", views_profiles.region_view, name="observatory-region"),
    path(
        "observatory/<str:key>/activities/<str:code>/",
        views_profiles.activity_view,
        name="observatory-activity",
    ),
    path("observatory/<str:key>/complexity/", views_profiles.complexity_view, name="observatory-complexity"),
    re_path(
        r"^observatory/(?P<key>[^/]+)/complexity/(?P<table>locations|activities)\.(?P<fmt>csv|xlsx)$",
        views_profiles.complexity_download,
        name="observatory-complexity-download",
    ),
]
