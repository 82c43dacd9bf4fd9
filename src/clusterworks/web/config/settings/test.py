"""Settings for the test suite: fast hashing, in-memory e-mail, the database from DATABASE_URL and a
fresh data directory per run (never the user's own)."""

import os
import tempfile

os.environ.setdefault("CLUSTERWORKS_HOME", tempfile.mkdtemp(prefix="clusterworks-test-"))

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (WhiteNoise expects it to exist)
PAGE_CACHE_SECONDS = 0  # the database rolls back between tests but a cache would not; tests turn it on
PATHWAYS_ANALYSIS_CACHE = 0  # the same reason
NETWORK_CACHE = 0  # the same reason
TASKS_SYNCHRONOUS = True  # background work runs in the test, inside its transaction
