"""Placeholder views (the lead's skeleton): replaced by the calls and applications pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from clusterworks.web.core.permissions import require

from .models import Application, Call, Programme


def programme_detail(request, key):
    programme = get_object_or_404(Programme, key=key)
    require(request.user, "programme.view", programme)
    return HttpResponse(str(programme))


def call_detail(request, key):
    call = get_object_or_404(Call, key=key)
    require(request.user, "call.view", call)
    return HttpResponse(str(call))


@login_required
def application_detail(request, number):
    application = get_object_or_404(Application, number=number)
    require(request.user, "application.view", application)
    return HttpResponse(str(application))
