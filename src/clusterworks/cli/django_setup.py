"""Start Django for a CLI command, with the local settings unless DJANGO_SETTINGS_MODULE says otherwise."""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterworks.web.config.settings.local")
    import django

    django.setup()


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
