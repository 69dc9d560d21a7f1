"""TechCareers settings, read from the environment.

With nothing set the portal runs on the embedded default: a SQLite file, Celery tasks run
in-process and e-mail is printed to the console. `DATABASE_URL` switches to PostgreSQL,
`CELERY_BROKER_URL` to a real broker (Redis) with a worker and beat. `TECHCAREERS_PRODUCTION=true`
turns on the production mode that passes `manage.py check --deploy`.
"""

import sys
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

PRODUCTION = env.bool("TECHCAREERS_PRODUCTION", default=False)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)

# Keys published in the repository (placeholders and examples): production refuses them even
# when the file they came from is not in the image.
PUBLISHED_SECRET_KEYS = {
    "change-me-to-50-or-more-random-characters-for-production-use-only",
    "insecure-development-key-do-not-use-in-production",
}
# Files of the repository where someone could find a key to copy.
_FILES_THAT_MAY_HOLD_A_KEY = (".env.example", "README.md", "Dockerfile", "docker-compose.yml", "Makefile")


def secret_key_is_published(key: str) -> bool:
    """Whether the key is a known placeholder or appears in a file of the repository."""
    if key in PUBLISHED_SECRET_KEYS:
        return True
    for name in _FILES_THAT_MAY_HOLD_A_KEY:
        try:
            if key in (BASE_DIR / name).read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            continue
    return False


if PRODUCTION:
    # No default: a production deployment without its own secret must not start.
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
    if secret_key_is_published(SECRET_KEY):
        raise ImproperlyConfigured(
            "SECRET_KEY is a value published in the repository (such as the .env.example placeholder): "
            "generate your own, e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))'."
        )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.saml",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "django_filters",
    "django_htmx",
    "csp",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "core",
    "people",
    "notifications",
    "guidance",
    "programmes",
    "exchange",
    "development",
    "surveys",
    "registration",
    "apprenticeships",
    "mentoring",
    "promotions",
    "recognition",
    "actionplan",
    "sso",
    "equality",
    "pathways",
    "reports",
    "rest_framework",
    "drf_spectacular",
    "api",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.limits.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.tenancy.InstitutionScopeMiddleware",
    "core.audit.AuditContextMiddleware",
    "people.middleware.SessionLifetimeMiddleware",
    "people.middleware.RequireMultiFactorMiddleware",
]

# The test suite fails on any N+1 query in a request (django-zeal, a development dependency: it
# patches every relation, so it is never installed in a running portal).
TESTING = "pytest" in sys.modules
if TESTING:
    INSTALLED_APPS.append("zeal")
    MIDDLEWARE.insert(0, "zeal.middleware.zeal_middleware")
    ZEAL_RAISE = True
    # The same look-up three times from one line is a loop; twice is often two fields of a form
    # or the two people of an exchange.
    ZEAL_NPLUSONE_THRESHOLD = 3
    # Django's session store reads its own row by key each time the session is loaded; allauth's
    # SAML sign-in loads it more than once in one request. Not a loop over rows.
    ZEAL_ALLOWLIST = [{"model": "sessions.Session", "field": "get()"}]

ROOT_URLCONF = "techcareers.urls"

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
                "people.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "techcareers.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection per request halved the pages served per
# second (issue 18). Health checks drop a connection the server closed before it is reused.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env.bool("POSTGRES_JIT_OFF", default=True):
    # PostgreSQL's JIT is for long analytical queries; the 1G report's estimate crosses its cost
    # threshold and spent 160-330 ms compiling a 300 ms query at national size (issue 18).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the sign-in rate limits. With CACHE_URL set (Redis), core.cache.FailoverCache
# serves from a database table while Redis does not answer, so sign-in never answers 500.
_CACHE_FALLBACK = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "core_cache_fallback"}
if env.str("CACHE_URL", default=""):
    _primary = env.cache("CACHE_URL")
    if "redis" in _primary["BACKEND"].lower():
        # A Redis that does not answer must cost a second, not a request's whole time.
        _primary.setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FailoverCache",
            "OPTIONS": {"PRIMARY": "primary", "FALLBACK": "fallback", "RETRY_AFTER": 15},
        },
        "primary": _primary,
        "fallback": _CACHE_FALLBACK,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "fallback": _CACHE_FALLBACK}

AUTH_USER_MODEL = "people.User"
# core.privacy: the staff record a person's subject access export and erasure start from (with the account),
# and how long a leaver's identity is kept after their leaving date before HR may erase it.
PRIVACY_PROFILE_MODEL = "people.StaffProfile"
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=6 * 365)
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # ModelBackend and allauth's, loading the viewer's record with their user (people/backends.py).
    "people.backends.PasswordBackend",
    "people.backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail is the login; the institution comes from the e-mail domain.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# sso.adapters.SSOAccountAdapter extends people.adapters.InstitutionAccountAdapter with institution sign-in.
ACCOUNT_ADAPTER = "sso.adapters.SSOAccountAdapter"
# Institutional single sign-on (sso/): each institution's SAML or OpenID Connect provider is an allauth
# SocialApp written from the admin's SignInMethod; the provider vouches for the e-mail address.
SOCIALACCOUNT_ADAPTER = "sso.adapters.InstitutionSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {"saml": {"provider_class": "sso.providers.InstitutionSAMLProvider"}}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # sso.adapters links accounts itself, inside one institution
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
ACCOUNT_FORMS = {"signup": "sso.forms.SignupForm"}  # people's, refused where the institution uses SSO only
# Failed sign-ins are limited per address and per account together (people.adapters): an
# address may fail 30 times a minute over all accounts, and 5 times in 5 minutes for one
# account (the "key" is the account and the address); an account may fail 50 times an hour
# over all addresses. A stranger's failures never lock the owner out at their own address,
# and a password reset clears the counts. People at one institution often share an address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "30/m/ip,5/5m/key",
    "login_failed_account": "50/h/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
}
# Export of personal data and role changes ask for the password (or second factor) again
# when the last one was longer ago than this.
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("ACCOUNT_REAUTHENTICATION_TIMEOUT", default=15 * 60)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[TechCareers] "
# Passkeys (WebAuthn, through the fido2 library allauth uses) beside an authenticator app;
# recovery codes are single-use (allauth marks each one used).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "TechCareers"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # http://localhost while developing only

# Sessions end after SESSION_IDLE_TIMEOUT without a request, and in any case
# SESSION_ABSOLUTE_LIFETIME after signing in (people.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 60 * 60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT

# Requests are bounded before they are read: a body over MAX_REQUEST_SIZE is refused from its
# Content-Length (core.limits), form fields over 2.5 MB are refused by Django, and uploads over
# 2.5 MB go to a temporary file rather than memory.
# The largest legitimate upload is a 10 MB attendance file (evidence is at most 5 MB).
MAX_REQUEST_SIZE = env.int("MAX_REQUEST_SIZE", default=12 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds a mail server may take to answer before sending fails (and is retried): a hanging
# server must not hold a worker until the task's time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="TechCareers <no-reply@techcareers.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery. Without a broker, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
# A task is acknowledged after it ran, so a worker that dies mid-task hands it to another;
# the outbox's claim and idempotency key make the second run harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Optional reminders a user may switch off are listed by key in notifications.kinds.

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp 4), enforced in every mode: scripts and styles come only
# from the portal's own static files. No template has an inline <script>, <style> or style=
# attribute; Chart.js reads its data from <script type="application/json"> (json_script), which
# is data, not script. A script that truly must stay in a template uses {{ request.csp_nonce }}.
# Bootstrap's CSS draws some icons as data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Used to build absolute links in e-mails and calendar feeds.
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[TechCareers] ")

# Recognition reads public ORCID records and Crossref metadata (recognition/clients.py). Switch it
# off where the network blocks them (people then upload their ORCID export); tests always do.
RECOGNITION_REMOTE_LOOKUPS = env.bool("RECOGNITION_REMOTE_LOOKUPS", default=True)

# The API (api/, /api/v1/): Django REST Framework, its OpenAPI schema by drf-spectacular and a
# portal page (/api/docs/); no Swagger UI, which fails WCAG 2.2 AA. Only service tokens authenticate
# there (api.authentication); every refusal is problem+json (api.problems).
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/min")  # calls per token, counted in the cache
API_CALL_LOG_DAYS = env.int("API_CALL_LOG_DAYS", default=365)  # each token's call log; writes stay in the audit log
API_MAX_BODY = env.int("API_MAX_BODY", default=2 * 1024 * 1024)  # bytes; 1,000 completions are about 300 KB
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ServiceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": API_RATE_LIMIT},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TechCareers API",
    "DESCRIPTION": (
        "For an institution's learning system, HR system and intranet. Every call carries a service "
        "token (`Authorization: Bearer tc_...`) made by an institution administrator on the portal's "
        "API tokens page; it sees and changes only that institution's data. Refusals are "
        "application/problem+json (RFC 9457)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The training report's index INCLUDEs hours for PostgreSQL's index-only scans (issue 18); SQLite,
# the embedded default, ignores the INCLUDE and would warn about it on every command.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
