"""Settings for Purpose Roadmap.

Everything that differs between a laptop and production comes from the
environment. With nothing set, the project runs on embedded defaults: SQLite
and media under ``var/`` and a Celery broker on the filesystem that needs no
server. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
"""

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ROADMAP_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "auditlog",
    "organisations",
    "communities",
    "purposes",
    "reports",
    "roadmap",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses the pages the views below answer (a 200-milestone roadmap is
    # mostly repeated markup); static files come compressed from WhiteNoise
    # above. Why this is safe against BREACH: docs/security.md.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Times in the viewer's own zone (the browser names it in a cookie).
    "common.viewer_time.ViewerTimeZoneMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses oversized bodies before anything reads them (none of the above
    # reads one; the CSRF check does so only in process_view, after this), and
    # can send a person back to their form with a message. Its answers still
    # pass back through the security headers above.
    "organisations.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "organisations.middleware.SessionLimitsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "organisations.middleware.AdminScopesDisabledMiddleware",
    # django-axes wants to be last: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.organisation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: WAL lets readers
    # run beside a writer, IMMEDIATE takes the write lock up front so two
    # writers wait for each other instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out user and address before any
# password is checked (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Media is never served as public files: organisation logos and briefs go
# through views that check membership first.
MEDIA_URL = "/media/"
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

# Email: the console by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Purpose Roadmap <noreply@localhost>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Cache: Redis when there is one (shared by every web process), else local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The release this process runs: the cache keys of rendered fragments (the
# roadmap page) start with it, so after a deploy no process serves HTML drawn
# by the old code and templates from the shared cache. A build sets it once
# (the Dockerfile's ROADMAP_RELEASE build argument) so that every process of a
# release shares the cached fragments. Unset, each process makes its own at
# start: a restarted dev server never serves fragments drawn by old code.
RELEASE = os.environ.get("ROADMAP_RELEASE", "").strip() or f"process-{secrets.token_hex(8)}"

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport, which
# needs no server but is shared by processes on one machine only.
CELERY_QUEUE_DIR = Path(os.environ.get("CELERY_QUEUE_DIR", VAR_DIR / "celery"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # An unacknowledged task (its worker died) is handed out again after
    # ``visibility_timeout`` seconds; tests shorten it to see that happen.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600")),
        "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
        "unacked_restore_throttle": 1,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for folder in ("queue", "control", "processed"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A worker process is replaced after this many tasks or once it holds this
# much memory (in KiB): PDF rendering leaves caches behind that only a fresh
# process gives back.
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(os.environ.get("CELERY_MAX_TASKS_PER_CHILD", "50"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_MAX_MEMORY_PER_CHILD", "400000"))

# Board briefs (reports/, docs/briefs.md). A render past the soft limit fails
# with a reason; past the hard limit its process is killed. The reaper runs
# every REPORTS_REAPER_SECONDS: a brief still "rendering" REPORTS_REAPER_GRACE
# seconds after the hard limit had a dead worker and is queued again (up to
# REPORTS_MAX_ATTEMPTS) or failed; a brief "queued" for REPORTS_QUEUED_STALE
# seconds lost its message (the filesystem broker is not crash-safe) and is
# sent again. REPORTS_STAGE_DELAY slows every stage down, for tests only.
REPORTS_SOFT_TIME_LIMIT = int(os.environ.get("REPORTS_SOFT_TIME_LIMIT", "120"))
REPORTS_HARD_TIME_LIMIT = int(os.environ.get("REPORTS_HARD_TIME_LIMIT", "150"))
REPORTS_REAPER_SECONDS = float(os.environ.get("REPORTS_REAPER_SECONDS", "60"))
REPORTS_REAPER_GRACE = float(os.environ.get("REPORTS_REAPER_GRACE", "30"))
REPORTS_QUEUED_STALE = float(os.environ.get("REPORTS_QUEUED_STALE", "120"))
REPORTS_MAX_ATTEMPTS = int(os.environ.get("REPORTS_MAX_ATTEMPTS", "3"))
REPORTS_STAGE_DELAY = float(os.environ.get("REPORTS_STAGE_DELAY", "0"))
# The PDF speed-ups that rely on WeasyPrint's private names (reports/pdf_speedups.py):
# on by default, used only on the WeasyPrint and pydyf versions in requirements.lock.
# ROADMAP_PDF_SPEEDUPS=0 draws briefs with WeasyPrint's public API alone.
BRIEF_PDF_SPEEDUPS = env_bool("ROADMAP_PDF_SPEEDUPS", True)
CELERY_BEAT_SCHEDULE = {
    "reap-stuck-briefs": {
        "task": "reports.tasks.reap_reports",
        "schedule": REPORTS_REAPER_SECONDS,
        # Never let reaper runs pile up behind a busy or absent worker.
        "options": {"expires": REPORTS_REAPER_SECONDS},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = os.environ.get(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(VAR_DIR / "celerybeat-schedule")
)

INVITATION_VALID_DAYS = 7
LOGO_MAX_BYTES = 1024 * 1024
# Who may create an organisation (and become its admin): "anyone" signed in,
# or only platform "staff", where organisations are set up for their users.
ROADMAP_ORG_CREATION = os.environ.get("ROADMAP_ORG_CREATION", "anyone").strip().lower()
if ROADMAP_ORG_CREATION not in {"anyone", "staff"}:
    raise ImproperlyConfigured('ROADMAP_ORG_CREATION must be "anyone" or "staff".')

# ---- Security (docs/security.md says what is enforced where) ----------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# htmx sends the token from hx-headers on <body>; no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Health checks come over plain HTTP from inside the container network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sessions end after 30 minutes without a request (every request pushes the
# expiry on) and 12 hours after sign-in however busy the user is
# (organisations.middleware.SessionLimitsMiddleware).
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_IDLE_SECONDS", str(30 * 60)))
# Activity pushes the idle expiry on, written at most once a minute
# (organisations.middleware.SessionLimitsMiddleware), not on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60
SESSION_ABSOLUTE_AGE = int(os.environ.get("DJANGO_SESSION_MAX_SECONDS", str(12 * 60 * 60)))

# Request size: bodies over 2.5 MB (files included) and forms with more than
# 1000 fields get 400.
REQUEST_MAX_BYTES = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Content-Security-Policy (django-csp 4): our own scripts, styles, fonts and
# images only; no inline script or style, no eval, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Sign-in throttling (django-axes): 5 failures for one email address from one
# address lock that pair out for 15 minutes, right password or not (429).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
# Emails are case-insensitive at sign-in: so is the lockout.
AXES_USERNAME_CALLABLE = "organisations.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "organisations.auth.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Rate limits (organisations.ratelimit, django-ratelimit's counters in the
# default cache: Redis when REDIS_URL is set). "N/Ps": N requests per P
# seconds per user and organisation; a benchmark may raise them.
ROADMAP_RATE_SCORE_SAVE = os.environ.get("ROADMAP_RATE_SCORE_SAVE", "30/10s")
ROADMAP_RATE_BRIEF_REQUEST = os.environ.get("ROADMAP_RATE_BRIEF_REQUEST", "10/m")
ROADMAP_RATE_ORG_CREATE = os.environ.get("ROADMAP_RATE_ORG_CREATE", "10/h")
for _name in ("ROADMAP_RATE_SCORE_SAVE", "ROADMAP_RATE_BRIEF_REQUEST", "ROADMAP_RATE_ORG_CREATE"):
    if not re.fullmatch(r"\d+/\d*[smhd]", globals()[_name]):
        raise ImproperlyConfigured(f"{_name} must look like 30/10s or 10/m.")
RATELIMIT_USE_CACHE = "default"

# Audit log (django-auditlog) in organisations.AuditEntry, which carries the
# organisation so each admin reads only their own (docs/security.md).
AUDITLOG_LOGENTRY_MODEL = "organisations.AuditEntry"
# auditlog's own migrations only create the table of the entry model swapped
# out above; left in place, that table's foreign keys stop PostgreSQL from
# truncating content types and users (test flushes). auditlog has no other model.
MIGRATION_MODULES = {"auditlog": None}
# Tenant models' default managers are scoped; auditlog reads old rows plainly.
AUDITLOG_USE_BASE_MANAGER = True
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# X-Forwarded-For is whatever the client says unless a proxy rewrites it.
AUDITLOG_DISABLE_REMOTE_ADDR = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

FORM_RENDERER = "common.forms.FormRenderer"
