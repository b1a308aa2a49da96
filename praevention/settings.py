"""Settings for Präventionsnetz, read from the environment (django-environ).

Without any environment the app runs as a local demo on SQLite (`db.sqlite3`);
production and CI set DATABASE_URL (or DATABASE_HOST, DATABASE_NAME, DATABASE_USER,
DATABASE_PASSWORD) to PostgreSQL, and SECRET_KEY / DEBUG / ALLOWED_HOSTS. Every variable read
here is listed in `.env.example` (a test checks it); a blank value counts as unset
(praevention/core/environment.py).
"""

from pathlib import Path

import django
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from praevention.core.environment import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The fallback key only ever serves a local DEBUG run; production must set SECRET_KEY.
SECRET_KEY = env(
    "SECRET_KEY", default="insecure-dev-key-only-for-local-debug-runs" if DEBUG else None
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "praevention.core",
    "praevention.accounts",
    "praevention.network",
    "praevention.catalog",
    "praevention.measures",
    "praevention.outcomes",
    "praevention.overview",
    "praevention.exchange",
    "praevention.editions",
    "praevention.meetings",
    "praevention.api",
    # The composition root (demo data for every app): imports all, imported by none.
    "praevention.demo",
    # The database backend of the tasks framework and its worker, `manage.py db_worker`.
    "django_tasks_db",
]
if django.VERSION < (6, 0):  # Django 5.2: the framework is the django-tasks backport
    INSTALLED_APPS.append("django_tasks")

MIDDLEWARE = [
    # /healthz for the container's health check, which asks for host "localhost".
    "praevention.core.middleware.HealthzMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "praevention.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages and exports of a logged-in user are never kept by browsers or proxies.
    "praevention.core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A write that waited too long for a locked row: German 409 (core/locks.py).
    "praevention.core.locks.LockWaitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Anonymous users see only views marked login_not_required (login, reset, healthz).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns lockouts into the German lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "praevention.urls"
WSGI_APPLICATION = "praevention.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "praevention.catalog.context_processors.site",
                "praevention.accounts.context_processors.abilities",
            ],
        },
    },
]

# A write waiting for a row lock (an import holds its rows until it commits) gives up after
# this long with a German "please try again" instead of running into the statement timeout.
DB_LOCK_TIMEOUT_MS = env.int("DB_LOCK_TIMEOUT_MS", default=3_000)
if env("DATABASE_URL", default="") or not env("DATABASE_HOST", default=""):
    DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
else:
    # Separate variables (docker-compose.yml): a password is used exactly as written,
    # whereas in DATABASE_URL every "/", "@", ":" or "%" in it would have to be percent-encoded.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": env("DATABASE_HOST"),
            "PORT": env.int("DATABASE_PORT", default=5432),
            "NAME": env("DATABASE_NAME", default="praevention"),
            "USER": env("DATABASE_USER", default="praevention"),
            "PASSWORD": env("DATABASE_PASSWORD", default=""),
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _DB_OPTIONS = DATABASES["default"].setdefault("OPTIONS", {})
    # A runaway query is cancelled instead of holding a worker (and its locks) forever, and
    # no statement waits longer than DB_LOCK_TIMEOUT_MS for a lock (core/locks.py answers the
    # request with a German 409; issue #28 fault 4: every write path, none can forget it).
    _DB_OPTIONS["options"] = (
        f"-c statement_timeout={env.int('DB_STATEMENT_TIMEOUT_MS', default=30_000)} "
        f"-c lock_timeout={DB_LOCK_TIMEOUT_MS}"
    )
    # A database that does not answer (stopped, network partition) fails a new connection
    # within seconds (libpq's connect_timeout covers the whole start-up), and an open one
    # once sent data stays unacknowledged (tcp_user_timeout) or keepalives go unanswered.
    _DB_OPTIONS["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT_S", default=3)
    _DB_OPTIONS["keepalives"] = 1
    _DB_OPTIONS["keepalives_idle"] = 30
    _DB_OPTIONS["keepalives_interval"] = 5
    _DB_OPTIONS["keepalives_count"] = 3
    _DB_OPTIONS["tcp_user_timeout"] = env.int("DB_TCP_USER_TIMEOUT_MS", default=10_000)
# /healthz answers 503 when the database has not answered within this many seconds.
HEALTHZ_TIMEOUT_S = env.float("HEALTHZ_TIMEOUT_S", default=3.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The overview's figures are cached per data version (praevention/core/dataversion.py):
# the default per-process memory cache is correct with several workers, a shared one saves work.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://praevention-figures")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "overview:start"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (praevention/accounts/lockout.py, README "Sicherheit"): 5 failures lock
# the pair of account (any letter case) and client machine for 15 minutes. Per pair, so
# nobody behind the district's shared proxy can lock a colleague out; the client machine is
# read from X-Forwarded-For only for requests from TRUSTED_PROXIES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "praevention.accounts.lockout.username"
AXES_CLIENT_IP_CALLABLE = "praevention.accounts.lockout.client_ip"
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Login records (axes) are deleted after this many days by `manage.py apply_retention`
# (accounts/retention.py, issue #28 fault 8).
LOGIN_RECORD_RETENTION_DAYS = env.int("LOGIN_RECORD_RETENTION_DAYS", default=90)

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "praevention" / "locale"]
FORMAT_MODULE_PATH = ["praevention.formats"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Request size limits: form posts up to 2.5 MB, uploads streamed to disk above 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mails go to the console only in a DEBUG run; production sends through SMTP.
_MAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends."
    + ("console.EmailBackend" if DEBUG else "smtp.EmailBackend"),
)
_MAIL_OPTIONS = {
    "host": env("EMAIL_HOST", default="localhost"),
    "port": env.int("EMAIL_PORT", default=25),
    "username": env("EMAIL_HOST_USER", default=""),
    "password": env("EMAIL_HOST_PASSWORD", default=""),
    "use_tls": env.bool("EMAIL_USE_TLS", default=False),
}
if django.VERSION >= (6, 1):
    # Django 6.1 replaced the EMAIL_* settings with MAILERS.
    MAILERS = {
        "default": {
            "BACKEND": _MAIL_BACKEND,
            "OPTIONS": _MAIL_OPTIONS if _MAIL_BACKEND.endswith("smtp.EmailBackend") else {},
        }
    }
else:
    EMAIL_BACKEND = _MAIL_BACKEND
    EMAIL_HOST = _MAIL_OPTIONS["host"]
    EMAIL_PORT = _MAIL_OPTIONS["port"]
    EMAIL_HOST_USER = _MAIL_OPTIONS["username"]
    EMAIL_HOST_PASSWORD = _MAIL_OPTIONS["password"]
    EMAIL_USE_TLS = _MAIL_OPTIONS["use_tls"]
# Password reset requests handled per address and per client machine in the window
# (accounts/reset.py); more get a German 429.
RESET_LIMIT_PER_ADDRESS = env.int("RESET_LIMIT_PER_ADDRESS", default=3)
RESET_LIMIT_PER_IP = env.int("RESET_LIMIT_PER_IP", default=20)
RESET_LIMIT_WINDOW_S = env.int("RESET_LIMIT_WINDOW_S", default=3600)
# The reset mail is written after the answer has left (accounts/reset.py): seconds to wait.
RESET_MAIL_DELAY_S = env.float("RESET_MAIL_DELAY_S", default=0.2)

# Whether a mail server was named at all: `check --deploy` warns otherwise (core/checks.py).
EMAIL_HOST_CONFIGURED = bool(env("EMAIL_HOST", default=""))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="praeventionsnetz@localhost")
# The app's public address, for links in e-mails sent outside a request (weekly digest).
# Outside DEBUG `check --deploy` reports an error while it is unset (core/checks.py).
SITE_URL_CONFIGURED = bool(env("SITE_URL", default=""))
SITE_URL = env("SITE_URL", default="http://localhost:8000")

# Optional override of the district's name; the name comes from the database
# (`manage.py setup_district`, catalog.districts.current_name).
DISTRICT_NAME = env("DISTRICT_NAME", default="")

IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)  # upload cap of imports

# Heavy downloads (the list's exports, the report's XLSX) one account may run at once
# (core/downloads.py); one more gets a German 429. A slot whose worker died is freed after
# DOWNLOAD_SLOT_SECONDS.
DOWNLOADS_PER_USER = env.int("DOWNLOADS_PER_USER", default=2)
DOWNLOAD_SLOT_SECONDS = env.int("DOWNLOAD_SLOT_SECONDS", default=600)
# A list XLSX of more measures than this is made in the background (core/jobs.py) with a
# progress page; smaller ones are downloaded at once.
EXPORT_XLSX_DIRECT_MAX = env.int("EXPORT_XLSX_DIRECT_MAX", default=2_000)
# Background work: Django's tasks framework (django.tasks; on Django 5.2 the django-tasks
# backport) with the database backend; `python manage.py db_worker` runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The public HSDS 3.0 API under /api/hsds/ (issue #25). Only measures a coordinator marked
# "öffentlich" appear; the budget only when the network opts in.
HSDS_PUBLISH_BUDGET = env.bool("HSDS_PUBLISH_BUDGET", default=False)
# Requests per client address and window (seconds) before 429 + Retry-After.
HSDS_RATE_LIMIT = env.int("HSDS_RATE_LIMIT", default=60)
HSDS_RATE_WINDOW_S = env.int("HSDS_RATE_WINDOW_S", default=60)
# The licence the district publishes the data under (Berlin's open data: dl-de/by-2-0).
HSDS_DATA_LICENSE_NAME = env(
    "HSDS_DATA_LICENSE_NAME", default="Datenlizenz Deutschland – Namensnennung – Version 2.0"
)
HSDS_DATA_LICENSE_URL = env("HSDS_DATA_LICENSE_URL", default="https://www.govdata.de/dl-de/by-2-0")

# The accessibility statement (/barrierefreiheit/, BIKTG Bln / BITV 2.0) and the privacy
# notice for staff (/datenschutz/): each district fills in its own bodies and addresses.
STATEMENTS = {
    # Who runs the app and answers for it.
    "operator": env("STATEMENT_OPERATOR", default=""),
    # "full", "partial" or "none": how far the app meets BITV 2.0 / EN 301 549 (WCAG 2.1 AA).
    "accessibility_status": env("ACCESSIBILITY_STATUS", default="partial"),
    # ISO date of the last check.
    "accessibility_checked_on": env("ACCESSIBILITY_CHECKED_ON", default="2026-12-06"),
    "accessibility_method": env(
        "ACCESSIBILITY_METHOD",
        default="Selbstbewertung: automatische Prüfung mit axe-core und Tastaturtests",
    ),
    # Extra known limitations, one per line (added to the ones the page lists).
    "accessibility_limitations": env("ACCESSIBILITY_LIMITATIONS", default=""),
    "feedback_email": env("ACCESSIBILITY_FEEDBACK_EMAIL", default=DEFAULT_FROM_EMAIL),
    "feedback_phone": env("ACCESSIBILITY_FEEDBACK_PHONE", default=""),
    "enforcement_body": env(
        "ACCESSIBILITY_ENFORCEMENT_BODY",
        default="Landesbeauftragte für digitale Barrierefreiheit, "
        "Senatsverwaltung für Inneres und Sport Berlin",
    ),
    "enforcement_url": env(
        "ACCESSIBILITY_ENFORCEMENT_URL",
        default="https://www.berlin.de/moderne-verwaltung/barrierefreie-it/",
    ),
    "arbitration_body": env(
        "ACCESSIBILITY_ARBITRATION_BODY",
        default="Schlichtungsstelle nach § 33 LGBG beim Landesbeauftragten für Menschen mit "
        "Behinderung Berlin",
    ),
    "arbitration_url": env(
        "ACCESSIBILITY_ARBITRATION_URL", default="https://www.berlin.de/lb/behi/"
    ),
    "privacy_contact": env("PRIVACY_CONTACT", default=DEFAULT_FROM_EMAIL),
    "data_protection_officer": env(
        "DATA_PROTECTION_OFFICER",
        default="",
    ),
    "privacy_retention": env(
        "PRIVACY_RETENTION",
        default="Ihr Konto und Ihr Profil bleiben gespeichert, solange Sie im Netzwerk "
        "mitarbeiten; beim Ausscheiden deaktiviert oder löscht die Koordination das Konto. "
        "Der Änderungsverlauf einer Maßnahme nennt Sie, solange die Maßnahme gespeichert ist. "
        "Fehlgeschlagene Anmeldeversuche werden nach Ablauf der Sperrfrist nicht mehr "
        "berücksichtigt. Sitzungs-Cookies enden mit der Abmeldung oder nach zwei Wochen.",
    ),
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Secure by default outside DEBUG; a deployment without TLS must switch these off explicitly.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the container health check speaks plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Everything is served by the app itself: no inline scripts or styles, no external origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of the app uses are switched off for it and anything it embeds
# (issue #28, fault 9; django-permissions-policy sends the header).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors": {"()": "praevention.core.logging.ClientErrorWithoutTraceback"}},
    # On the handler, not a logger: Django logs refused requests to django.request and to
    # the django.security.* loggers (DisallowedHost, RequestDataTooBig, …).
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
