"""Log-in throttling: after ``LOGIN_MAX_FAILURES`` failures for one user name within
``LOGIN_LOCKOUT_SECONDS``, further attempts are refused, whatever the password, until the window passes.
Failures are stored in the database so that every server process sees them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.utils import timezone

from .models import LoginFailure


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def is_locked_out(username: str) -> bool:
    recent = LoginFailure.objects.filter(username__iexact=username or "", at__gte=_window_start())
    return recent.count() >= settings.LOGIN_MAX_FAILURES


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


class LockedOut(PermissionDenied):
    """Too many failed log-ins for this user name."""


class ThrottledModelBackend(ModelBackend):
    """The model backend, refusing locked-out user names before checking the password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and is_locked_out(username):
            raise LockedOut(username)
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed, dispatch_uid="record-login-failure")
def _record_failure(sender, credentials, request=None, **kwargs) -> None:
    LoginFailure.objects.create(
        username=credentials.get("username", "")[:150], ip_address=_client_ip(request)
    )


@receiver(user_logged_in, dispatch_uid="clear-login-failures")
def _clear_failures(sender, request, user, **kwargs) -> None:
    LoginFailure.objects.filter(username__iexact=user.get_username()).delete()
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
