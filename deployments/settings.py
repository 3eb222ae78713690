"""Settings, read from the environment with production-safe defaults.

DEBUG is off unless DJANGO_DEBUG says otherwise; outside DEBUG a SECRET_KEY must be given.
SQLite is the default database; DATABASE_URL selects another (PostgreSQL).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "deployments.dashboard.apps.StaticFilesConfig",  # django.contrib.staticfiles
    "django.contrib.humanize",
    "django_countries",
    "django_htmx",
    "simple_history",
    "axes",
    "deployments.records",
    "deployments.ingest",
    "deployments.dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # counts failures, refuses locked-out logins
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "deployments.urls"
WSGI_APPLICATION = "deployments.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions so that concurrent editors do not hit "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Kept open across requests like any other database: a new SQLite connection reads the whole
    # schema again, which cost more than serving a cached page.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.js from the installed plotly package, so the JS and Python versions stay in step.
    ("plotly", Path(plotly.__file__).parent / "package_data"),
]
# Only the hashed names are kept and compressed: pages ask for nothing else.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Where `import_articles` and `make data` look for the seed articles.
SEEDS_DIR = Path(os.environ.get("SEEDS_DIR", BASE_DIR.parent / "shared" / "seeds"))

# Where the dashboard is served, for page links in charts exported by `export_charts` (the web
# endpoint uses the request's own host).
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Organisations that may contribute forces besides countries (code: name).
CONTRIBUTOR_ORGANISATIONS = {
    "NATO": "NATO",
    "EU": "European Union",
    "UN": "United Nations",
    "OSCE": "OSCE",
    "CSTO": "Collective Security Treaty Organization",
    "JEF": "Joint Expeditionary Force",
}

LOGIN_URL = "admin:login"

# Reader pages and chart images are cached by URL and data version
# (deployments/dashboard/caching.py); an edit changes the version, so this only bounds how long
# unused entries are kept. 0 turns it off.
PAGE_CACHE_SECONDS = envint("DJANGO_PAGE_CACHE_SECONDS", 24 * 3600)


def cache_settings(redis_url: str) -> dict:
    """Redis when given (shared by every app server, and outliving restarts), else each
    process's own memory. A Redis that stops answering makes every read a miss and every
    write a no-op (IGNORE_EXCEPTIONS): pages are then computed each time, never an error."""
    if redis_url:
        options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}
        return {
            name: {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": name,
                "OPTIONS": options,
            }
            for name in ("default", "pages", "exports")
        }
    return {
        # Small derived data (the filter menus' codes) and the rate limits' counts.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Whole reader responses, up to 2 MB each: a budget of their own. A text response
        # takes two entries, as it is and gzipped (caching.py).
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 400},
        },
        # Whole-data exports (CSV, JSON), up to 32 MB each: only ten, in twenty entries.
        "exports": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "exports",
            "OPTIONS": {"MAX_ENTRIES": 20},
        },
    }


CACHES = cache_settings(os.environ.get("REDIS_URL", ""))
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# Client addresses (deployments/clients.py): how many proxies in front of the app servers
# append to X-Forwarded-For. 0 trusts no header and uses the socket's address.
TRUSTED_PROXIES = envint("DJANGO_TRUSTED_PROXIES", 0)

# Chart images drawn per client address a minute (cached images are not counted); 0: no limit.
IMAGE_RENDERS_PER_MINUTE = envint("DJANGO_IMAGE_RENDERS_PER_MINUTE", 30)

# Failed admin logins (django-axes): after this many failures for one username from one
# address, that pair is locked out for the cool-off time; a success resets the count.
AXES_FAILURE_LIMIT = envint("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "deployments.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"

# HTTPS: redirect to it and tell browsers to stay on it (HSTS). `make run` turns both off for
# plain http on 127.0.0.1; behind a proxy that ends TLS set DJANGO_TLS_PROXY=true.
SECURE_SSL_REDIRECT = envbool("DJANGO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", not DEBUG)
if envbool("DJANGO_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: scripts only from this site (no inline script, no eval anywhere);
# styles from this site plus inline ones, because Plotly sets style attributes and adds style
# rules as it draws; no framing (chart images override this: they are made to be embedded).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
