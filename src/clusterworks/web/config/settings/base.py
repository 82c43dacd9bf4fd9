"""Settings shared by every environment.

Values that differ between deployments come from environment variables; ``ENV_SETTINGS`` lists them
with their help text, and a test checks that each one is documented in docs/admin-guide.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from clusterworks.paths import clusterworks_home, media_root, sqlite_path

WEB_DIR = Path(__file__).resolve().parents[2]
HOME = clusterworks_home()

ENV_SETTINGS: dict[str, str] = {
    "CLUSTERWORKS_HOME": "Data directory for the SQLite database, DuckDB store, uploads and secret key.",
    "DATABASE_URL": "Database URL, e.g. postgres://user:pass@host:5432/clusterworks; default SQLite in HOME.",
    "SECRET_KEY": "Django secret key; required in production, generated and kept in HOME otherwise.",
    "ALLOWED_HOSTS": "Comma-separated host names the site answers to.",
    "CSRF_TRUSTED_ORIGINS": "Comma-separated origins (scheme://host) trusted for unsafe requests.",
    "EMAIL_BACKEND": "smtp, console, file or locmem (default console; smtp in production).",
    "EMAIL_HOST": "SMTP host.",
    "EMAIL_PORT": "SMTP port (default 587).",
    "EMAIL_HOST_USER": "SMTP user.",
    "EMAIL_HOST_PASSWORD": "SMTP password.",
    "EMAIL_USE_TLS": "1 to use STARTTLS (default 1).",
    "DEFAULT_FROM_EMAIL": "Sender address of password resets and notifications.",
    "LOGIN_MAX_FAILURES": "Failed log-ins per account and address before a lock-out (default 5).",
    "LOGIN_LOCKOUT_SECONDS": "Lock-out window in seconds (default 900).",
    "SECURE_SSL_REDIRECT": "Production: 1 to redirect HTTP to HTTPS (default 1).",
    "SECURE_HSTS_SECONDS": "Production: HSTS max-age in seconds (default 31536000).",
    "CLUSTERWORKS_DEBUG": "Local only: 1 shows Django's debug pages (never in production).",
    "PAGE_CACHE_SECONDS": "How long cached public pages and fragments live (default 300; 0 = off).",
    "PATHWAYS_ANALYSIS_CACHE": "Pipeline analyses a process keeps until data change (default 16; 0 = none).",
    "PATHWAYS_CALENDAR": "CSV file (date, kind, source) extending the bundled Russian working-day calendar.",
    "NETWORK_CACHE": "Networks and recommender indexes kept until data change (default 8; 0 = none).",
    "OBSERVATORY_STORE": "DuckDB file of the observatory's statistics (default HOME/observatory.duckdb).",
}


def env(name: str, default: str | None = None) -> str | None:
    assert name in ENV_SETTINGS, f"undocumented setting {name}"
    return os.environ.get(name, default)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def _local_secret_key() -> str:
    """A per-installation key, generated once and kept in the data directory."""
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY") or _local_secret_key()
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "clusterworks.web.core",
    "clusterworks.web.registry",
    "clusterworks.web.foresight",
    "clusterworks.web.pathways",
    "clusterworks.web.programme",
    "clusterworks.web.network",
    "clusterworks.web.observatory",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clusterworks.web.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clusterworks.web.core.middleware.SecurityHeadersMiddleware",
    # innermost, so that cached responses still pass through every middleware above
    "clusterworks.web.core.page_cache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "clusterworks.web.config.urls"
WSGI_APPLICATION = "clusterworks.web.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clusterworks.web.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{sqlite_path()}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["clusterworks.web.core.throttling.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "dashboard"
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5") or 5)
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900") or 900)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Moscow"
LANGUAGE_COOKIE_NAME = "clusterworks_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = media_root()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

_email = (env("EMAIL_BACKEND", "console") or "console").lower()
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}.get(_email, _email)
EMAIL_FILE_PATH = HOME / "mail"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587") or 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "clusterworks@localhost")

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "public-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
PAGE_CACHE_ALIAS = "pages"
PAGE_CACHE_SECONDS = int(env("PAGE_CACHE_SECONDS", "300") or 0)
#: pages whose GET responses are cached for visitors who are not signed in
PAGE_CACHE_PATHS = [r"^/$", r"^/clusters/", r"^/organisations/"]
#: public API resources: the same answer for every caller, cached for all with valid credentials
PAGE_CACHE_SHARED_PATHS = [r"^/api/v1/(clusters|organisations|regions|competences)(/|$)"]
PAGE_CACHE_CREDENTIALS_CHECK = "clusterworks.web.api.auth.credentials_are_valid"
#: pathways: how many pipeline analyses (a cluster's, or the forecasts' history) a process keeps
PATHWAYS_ANALYSIS_CACHE = int(env("PATHWAYS_ANALYSIS_CACHE", "16") or 0)
#: pathways: a calendar file extending the bundled Russian working-day calendar ("" = none)
PATHWAYS_CALENDAR = env("PATHWAYS_CALENDAR", "") or ""
#: network: how many networks, measures and recommender indexes a process keeps until the data change
NETWORK_CACHE = int(env("NETWORK_CACHE", "8") or 0)
#: observatory: the DuckDB file holding the imported statistics (facts; metadata are in the database)
OBSERVATORY_STORE = Path(env("OBSERVATORY_STORE", "") or HOME / "observatory.duckdb")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"clusterworks": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
