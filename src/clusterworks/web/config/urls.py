from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("clusterworks.web.api.urls")),
    path("", include("clusterworks.web.core.urls")),
    path("", include("clusterworks.web.registry.urls")),
    path("", include("clusterworks.web.registry.urls_io")),
    path("", include("clusterworks.web.foresight.urls")),
    path("", include("clusterworks.web.pathways.urls")),
    path("", include("clusterworks.web.programme.urls")),
    path("", include("clusterworks.web.network.urls")),
    path("", include("clusterworks.web.observatory.urls")),
]
# Uploaded files are private: they are served only by permission-checked views, never as /media/.

handler403 = "clusterworks.web.core.views.permission_denied"
handler404 = "clusterworks.web.core.views.page_not_found"
