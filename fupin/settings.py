"""The one settings module. Every value that differs between sites comes from the environment."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from fupin.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("FUPIN_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# The fallback key is only good for the demo on one's own machine; production sets SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "fupin-demo-only-not-secret-set-SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "fupin.core",
    "fupin.accounts",
    "fupin.parameters",
    "fupin.registry",
    "fupin.assistance",
    "fupin.monitoring",
    "fupin.datahub",
    "fupin.screening",
    "fupin.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fupin.accounts.passwords.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fupin.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an import writes; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:household_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
NODE_MODULES = PROJECT_DIR / "frontend" / "node_modules"
# Front-end packages come from the npm registry (frontend/package-lock.json); they are
# served from node_modules as they are, never copied into the repository.
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Uploaded documents and photos (case attachments). Never served as public files: a view
# checks the reader's scope and streams them (fupin.monitoring.views.attachment_download).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # not routed: no URL serves MEDIA_ROOT directly
FILE_UPLOAD_PERMISSIONS = 0o640
# The largest document or photo a case accepts, in MB (fupin.monitoring.uploads).
MONITORING_ATTACHMENT_MAX_MB = env_int("FUPIN_ATTACHMENT_MAX_MB", 10)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 50

# Background work (ADR 18): tasks are rows in the database, run by `fupin worker` or by the
# worker thread `fupin serve` starts. Tests run them at once (ImmediateBackend).
TASKS = {"default": {"BACKEND": env_str("FUPIN_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Department files (fupin.datahub): uploads, staged rows and error workbooks live here.
DATAHUB_DIR = Path(env_str("FUPIN_DATAHUB_DIR", str(VAR_DIR / "datahub")))
# A batch whose worker has not reported for this long is taken as dead and marked failed.
DATAHUB_LEASE_SECONDS = env_int("FUPIN_DATAHUB_LEASE_SECONDS", 1800)

# Screening (fupin.screening): each run's Parquet snapshot is kept under SCREENING_DIR (it
# records exactly what the run saw); only the newest SCREENING_SNAPSHOTS_KEPT are kept.
SCREENING_DIR = Path(env_str("FUPIN_SCREENING_DIR", str(VAR_DIR / "screening")))
SCREENING_SNAPSHOTS_KEPT = env_int("FUPIN_SCREENING_SNAPSHOTS_KEPT", 20)
# PostgreSQL for `--engine postgres` when the Django database is SQLite (libpq URL).
SCREENING_PG_URL = env_str("FUPIN_SCREENING_PG_URL", "")
# A run that has been running this long is taken as abandoned by a killed process.
SCREENING_LEASE_SECONDS = env_int("FUPIN_SCREENING_LEASE_SECONDS", 6 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request bodies and query strings can hold ID numbers: never log them.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint (the 公示 PDF) reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
