"""Settings for 镇党建, read from the environment (see README: 配置 / Configuration)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# Without DJANGO_SECRET_KEY outside debug the key stays empty, and Django refuses anything that signs
# (sessions, CSRF) with "The SECRET_KEY setting must not be empty", while commands such as
# `makemigrations --check` still run.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or (
    "insecure-development-key-only-for-make-run" if DEBUG else ""
)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "records",
    "communities",
    "branches",
    "members",
    "establishment",
    "duty_roster",
    "meetings",
    "ledger",
    "assessments",
    "jobs",
    "reports",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AccountPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.AuditMiddleware",
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
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# SQLite out of the box; PostgreSQL by setting DATABASE_URL=postgres://user@host/db.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers work while a writer writes; IMMEDIATE + a timeout makes concurrent
    # writers wait instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    # Every request reads its session: from Redis, not the database; written through to both, so the
    # database still holds every session (ending one deletes it in both: accounts.sessions.end_session).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.NotUsernameValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", 12 * 3600))
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from npm (package-lock.json pins them) and are served by the app
# itself: township intranets often have no internet, so no CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("ZDJ_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "records/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
SIMPLE_HISTORY_REVERT_DISABLED = True

MESSAGE_TAGS = {40: "danger"}

PRODUCT_NAME = _("Township Party Building")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Member archives: a mobile member nobody has contacted for this many days is flagged.
MOBILE_CONTACT_DAYS = int(os.environ.get("ZDJ_MOBILE_CONTACT_DAYS", 90))

# Every filter dropdown's empty choice reads "All" (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("All")

# The home page's figures are worked out at most this often per user (its 刷新 link does it at once).
DASHBOARD_CACHE_SECONDS = int(os.environ.get("ZDJ_DASHBOARD_CACHE_SECONDS", "300"))

# Background jobs' files (workbooks, checked rosters) are deleted this many days after the job.
JOB_FILE_DAYS = int(os.environ.get("ZDJ_JOB_FILE_DAYS", "7"))

# A roster with at least this many rows is checked and saved by the background worker (`run_jobs`).
IMPORT_BACKGROUND_ROWS = int(os.environ.get("ZDJ_IMPORT_BACKGROUND_ROWS", "500"))

# --- Security: identity and sessions (accounts.middleware, accounts.backends, README: 安全 / Security)
# django-axes locks a username, and separately an address, after this many failed logins, for this long.
AXES_FAILURE_LIMIT = int(os.environ.get("ZDJ_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("ZDJ_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Behind a reverse proxy every client would be 127.0.0.1 (and five failures would lock everyone out):
# name the header the proxy sets, e.g. ZDJ_CLIENT_IP_HEADER=X-Real-IP with nginx's
# `proxy_set_header X-Real-IP $remote_addr;`. Unset, forwarded headers are ignored (clients forge them).
CLIENT_IP_HEADER = (
    "HTTP_" + os.environ["ZDJ_CLIENT_IP_HEADER"].upper().replace("-", "_")
    if os.environ.get("ZDJ_CLIENT_IP_HEADER")
    else ""
)
AXES_CLIENT_IP_CALLABLE = "accounts.sessions.client_address"
# Failures are not forgiven by a success: else one known account would reset an address's count.
AXES_RESET_ON_SUCCESS = False
# A locked-out login shows the login page with the reason in Chinese, not axes' bare 429 page.
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
# Behind gunicorn's workers the attempts must be shared: through Redis when there is one.
AXES_HANDLER = (
    "axes.handlers.cache.AxesCacheHandler" if REDIS_URL else "axes.handlers.database.AxesDatabaseHandler"
)
AXES_CACHE = "default"
AXES_VERBOSE = False
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Passwords older than this many days must be changed (0: they never expire).
ZDJ_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("ZDJ_PASSWORD_MAX_AGE_DAYS", "0"))
# A session ends after this many idle minutes, and SESSION_COOKIE_AGE after login whatever happens.
ZDJ_SESSION_IDLE_MINUTES = int(os.environ.get("ZDJ_SESSION_IDLE_MINUTES", "30"))
# Township staff and administrators must enrol an authenticator app (TOTP) before they work.
ZDJ_REQUIRE_TOTP_FOR_STAFF = env_bool("ZDJ_REQUIRE_TOTP_FOR_STAFF", False)
OTP_TOTP_ISSUER = "镇党建"

# --- Security: hardening (config.middleware, config.views.server_error, README: 安全 / Security)
# Only the app's own files run or style a page: no inline <script>, <style> or on* handlers anywhere.
# Style *attributes* stay allowed: they cannot run code, and Bootstrap and ECharts set them.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
# HTTPS in production: redirect plain HTTP, and tell browsers to use HTTPS only for a year. An intranet
# served over plain HTTP turns these off explicitly (DJANGO_SSL_REDIRECT=0, DJANGO_HSTS_SECONDS=0,
# DJANGO_SECURE_COOKIES=0); `check --deploy` then says so, as it should.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", not DEBUG)
# A load balancer probes over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Behind a proxy that ends TLS (nginx): DJANGO_PROXY_SSL_HEADER=X-Forwarded-Proto, and the proxy must
# set that header itself, overwriting whatever the client sent.
if os.environ.get("DJANGO_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + os.environ["DJANGO_PROXY_SSL_HEADER"].upper().replace("-", "_"),
        "https",
    )
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Security: audit log and personal data (audit app, README: 安全 / Security)
# Audit entries older than this many days are deleted by `manage.py purge_audit`; below 184 days (six
# months, 等级保护 2.0) the app refuses to start (audit.checks).
AUDIT_RETENTION_DAYS = int(os.environ.get("ZDJ_AUDIT_RETENTION_DAYS", "365"))

# --- Nothing lost: uploads (records.imports.open_workbook; README: 安全 / Security)
# An Excel import larger than this is refused before it is read; so is one whose zip would unpack to more
# than IMPORT_MAX_UNPACKED_BYTES, or a part of it packed more than IMPORT_MAX_COMPRESSION_RATIO times (a zip
# bomb). The web server's body limit (nginx client_max_body_size) should not be far above the first.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("ZDJ_IMPORT_MAX_MB", "10")) * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("ZDJ_IMPORT_MAX_UNPACKED_MB", "100")) * 1024 * 1024
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("ZDJ_IMPORT_MAX_COMPRESSION_RATIO", "100"))
