"""Kindred's settings: safe development defaults, every deployment choice read
from the environment (see .env.example). ``KINDRED_PRODUCTION=1`` switches on
the hardening a public deployment needs."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("KINDRED_PRODUCTION")
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when KINDRED_PRODUCTION is on.")
    SECRET_KEY = "dev-only-not-secret-kindred-key-change-me-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The name and public address emails give (docs/operations.md).
SITE_URL = os.environ.get("KINDRED_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("KINDRED_SITE_NAME", "Kindred").strip() or "Kindred"

INSTALLED_APPS = [
    # Before the admin, so that translated fields get their tabs there.
    "modeltranslation",
    "config.apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.usersessions",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django_htmx",
    "csp",
    "profiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mentorships",
    "matching",
    "dashboard",
    "privacy",
    "sso",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "profiles.languages.AccountLanguageMiddleware",
    "profiles.zones.PersonalTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.ActionAddressMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # After django-csp's, so it runs before it on the way out: the sign-in pages'
    # forms may go on to an organisation's identity provider (sso/csp.py).
    "sso.csp.IdpFormActionMiddleware",
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
            ],
        },
    },
    {
        # Emails' subjects and plain-text bodies: text, not HTML, so nothing is
        # escaped (profiles/outbox.py escapes the body once, for its HTML part).
        "NAME": "plain_text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Checkboxes render before their label; everything else as Django does.
FORM_RENDERER = "config.forms.Renderer"

# --- Database -------------------------------------------------------------
# PostgreSQL when DATABASE_URL is set; otherwise an embedded SQLite file so
# that `make run` works with nothing installed.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL
        or f"sqlite:///{os.environ.get('KINDRED_SQLITE_PATH', BASE_DIR / 'db.sqlite3')}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if os.environ.get("KINDRED_TEST_DATABASE"):
    # Lets two test runs share one PostgreSQL server without sharing a database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["KINDRED_TEST_DATABASE"]}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the no-setup default) keeps the covering index's key columns and
# drops its INCLUDE column; only PostgreSQL needs it to read the index alone.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache, broker and tasks ---------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kindred",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without a broker, tasks run in-process right after the transaction commits.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("KINDRED_CELERY_QUEUE", "kindred")
# The dashboard's figures have a queue of their own, which a worker consumes
# too unless -Q says otherwise: a refresh is taken between two tasks of the
# main queue rather than behind, say, the emails of 8,000 new mentorships.
KINDRED_FIGURES_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-figures"
# Each queue bound by its own name, so that no routing key names both (left
# to default, both were bound by "kindred").
CELERY_TASK_QUEUES = [
    Queue(name, routing_key=name) for name in (CELERY_TASK_DEFAULT_QUEUE, KINDRED_FIGURES_QUEUE)
]
CELERY_TASK_ROUTES = {"dashboard.tasks.refresh_figures": {"queue": KINDRED_FIGURES_QUEUE}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# docs/matching.md and docs/mentorships.md explain each entry.
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-scoring-chunks": {
        "task": "matching.tasks.requeue_stalled_chunks",
        "schedule": 60.0,
    },
    "mentorship-clock": {"task": "mentorships.tasks.run_clock", "schedule": 3600.0},
    "cycle-clock": {"task": "profiles.tasks.advance_cycles", "schedule": 3600.0},
    "rescore-forgotten-profiles": {"task": "matching.tasks.rescore_forgotten", "schedule": 3600.0},
    "refresh-rested-pairs": {"task": "matching.tasks.refresh_rested_pairs", "schedule": 3600.0},
    "weekly-admin-digest": {"task": "dashboard.tasks.queue_weekly_digests", "schedule": 3600.0},
    "forget-stale-imports": {"task": "dashboard.tasks.forget_stale_imports", "schedule": 3600.0},
    "forget-old-data-exports": {"task": "privacy.tasks.forget_old_exports", "schedule": 86400.0},
    # docs/security.md: people a directory deactivated, once their organisation's time is up.
    "delete-expired-members": {"task": "sso.tasks.delete_expired_members", "schedule": 3600.0},
}

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "matching:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Account emails name the site in their own words (templates/account/email/).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_ADAPTER = "profiles.accounts.AccountAdapter"
# Required single sign-on refuses the password ways in for an organisation's
# domains (sso/required.py), in each of allauth's forms that offers one.
ACCOUNT_FORMS = {
    "login": "sso.forms.LoginForm",
    "signup": "sso.forms.SignupForm",
    "reset_password": "sso.forms.ResetPasswordForm",
    "request_login_code": "sso.forms.RequestLoginCodeForm",
    "set_password": "sso.forms.SetPasswordForm",
    "change_password": "sso.forms.ChangePasswordForm",
}
# An emailed code signs a person in whatever their password's failures; see
# profiles/accounts.py for how failures are counted.
# Single sign-on (sso/, docs/sso.md): the organisations' connections are
# allauth's apps; the first sign-in makes the account from the IdP's verified
# email, and an account with that verified email is linked, never duplicated.
SOCIALACCOUNT_ADAPTER = "sso.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# An address the IdP vouches for counts as verified only when its domain is the
# organisation's (sso/adapter.py); any other is confirmed by email, as at sign-up.
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_RATE_LIMITS = {
    # Per address, and per account from one address (profiles/accounts.py).
    "login_failed": "10/m/ip,5/5m/key",
    # Per account across every address: high enough that no stranger reaches it
    # by accident, and a code by email still gets the owner in.
    "login_failed_account": "50/h/key",
    # Passwords typed on the delete-account form (privacy/forms.py).
    "delete_account": "5/15m/user",
}
# Behind a reverse proxy every request comes from the proxy's address: say how
# many proxies to trust in X-Forwarded-For, or which header carries the
# client's address, or rate limits would count every visitor as one.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("KINDRED_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("KINDRED_CLIENT_IP_HEADER") or None

# --- JSON API (api/) -----------------------------------------------------------
# docs/api.md explains tokens, throttling, errors and pagination.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a call without credentials is a 401 with a Bearer challenge.
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.CallerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "caller": os.environ.get("KINDRED_API_RATE", "300/minute"),
        "runs": os.environ.get("KINDRED_API_RUN_RATE", "30/hour"),
    },
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.handle",
    "DEFAULT_SCHEMA_CLASS": "api.schema.Schema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kindred API",
    "DESCRIPTION": "Suggestions, requests and mentorships for programs that integrate Kindred. "
    "Guide with examples: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # In the order of api/urls.py: a participant's endpoints first, then staff's.
    "SORT_OPERATIONS": False,
    "TAGS": [
        {"name": "profiles", "description": "Your own profiles and answers."},
        {"name": "suggestions", "description": "Mentors suggested to your mentee profiles."},
        {"name": "mentorships", "description": "Requests and mentorships you are part of."},
        {
            "name": "workspace",
            "description": "Notes, action items and messages: for the pair only.",
        },
        {"name": "vocabulary", "description": "The answers a profile can choose from."},
        {
            "name": "admin: programs",
            "description": "For each program's admins and coordinators (superusers: every "
            "program); anyone else gets a 404.",
        },
        {
            "name": "admin: runs",
            "description": "Re-scores and auto-assignments: coordinators read them, admins "
            "start, commit and discard them.",
        },
    ],
    # drf-spectacular's own (named enums, NullEnum) first; then nullability and
    # required fields as strict OpenAPI 3.0.3 tools read them (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.strict_openapi_30",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "profiles.taxonomy.Role",
        "FacetEnum": "profiles.taxonomy.Facet",
        "ImportanceEnum": "profiles.taxonomy.Importance",
        "MentorshipStatusEnum": "mentorships.models.Mentorship.Status",
        "SuggestionStatusEnum": "matching.models.Suggestion.Status",
        "RunStatusEnum": "matching.models.MatchingRun.Status",
        # An assignment's policy: as a body sends it, and as a run's settings say it.
        "PolicyEnum": "dashboard.forms.POLICY_CHOICES",
        # Two answers are called "visibility": who sees a background, who sees a note.
        "VisibilityEnum": "profiles.taxonomy.Visibility",
        "NoteVisibilityEnum": ["shared", "private"],
        # A sponsorship's kind: as stored (with labels), and as a body sends it.
        "SponsorshipKindEnum": "mentorships.outcome_models.SponsorshipAction.Kind",
        "SponsorshipKindInputEnum": ["introduced", "recommended", "nominated", "advocated"],
    },
    # No third-party validator badge (the CSP would block it, and it would send the
    # schema's address elsewhere); a token typed into "Authorize" is not kept.
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": False},
}

# --- Email ------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <no-reply@kindred.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
# The languages Kindred ships, each named in itself (docs/translating.md says how to
# add one: a line here, ``makemessages -l <code>`` and the translated ``.po`` file).
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("ko", "한국어"),
    ("vi", "Tiếng Việt"),
    ("tl", "Tagalog"),
    ("hi", "हिंदी"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates by name in templates (|date:"DATE_FORMAT"), so each language writes them its own
# way; English's and Tagalog's formats are ours (config/formats/), the rest Django's.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_NAME = "kindred_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Translated database texts (tags, a program's name and description, guide notes):
# django-modeltranslation, falling back to the program's default language, English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A text written in any language also fills the English column when that is empty,
# so nobody ever sees a blank name.
MODELTRANSLATION_AUTO_POPULATE = "default"
# Django knows no Tagalog; its name and direction for ``{% get_language_info %}``.
LANG_INFO.setdefault(
    "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
)
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest needs collectstatic, which only production runs.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security -----------------------------------------------------------------
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
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KINDRED_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
