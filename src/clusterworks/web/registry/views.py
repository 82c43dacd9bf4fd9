"""Registry pages (placeholder until the UI lands)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from .models import Cluster, Organisation


def cluster_list(request):
    return HttpResponse("clusters")


def cluster_detail(request, key):
    return HttpResponse(str(get_object_or_404(Cluster, key=key)))


def organisation_list(request):
    return HttpResponse("organisations")


def organisation_detail(request, key):
    return HttpResponse(str(get_object_or_404(Organisation, key=key)))
