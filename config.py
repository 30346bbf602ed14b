"""Configuration classes, read from environment variables (Development, Testing, Production)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("SMALLWORKS_INSTANCE", BASE_DIR / "instance"))


def _normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _public_base_url() -> str:
    """PUBLIC_BASE_URL, else the local development server: http://127.0.0.1 on PORT (what
    `make run PORT=…` serves on; FLASK_RUN_PORT as `flask run` reads it), 5000 by default."""
    port = os.environ.get("PORT") or os.environ.get("FLASK_RUN_PORT") or "5000"
    return os.environ.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}"


def _page_cache_on() -> bool:
    return os.environ.get("SMALLWORKS_PAGE_CACHE", "1") not in ("0", "false", "")


class ConfigError(RuntimeError):
    """The configuration is unusable; start-up stops with this message."""


#: Settings that may instead be read from a file named by `<NAME>_FILE` (a container's secret,
#: mounted at /run/secrets/…; systemd's LoadCredential=): the value never sits in the
#: environment file or in compose.yaml (docs/deploy.md, "Secrets and keys").
SECRET_SETTINGS = (
    "SECRET_KEY",
    "SECRET_KEY_FALLBACKS",
    "DATABASE_URL",
    "DRAW_SEED_KEY",
    "DRAW_SEED_OLD_KEYS",
    "RATELIMIT_STORAGE_URI",
    "CACHE_REDIS_URL",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
)


def read_secret_files(environ=os.environ) -> None:
    """Put each `<NAME>_FILE`'s content (trailing newlines dropped) into `NAME`, before any
    setting is read. Both set, or a file that cannot be read, stop start-up with the name."""
    for name in SECRET_SETTINGS:
        path = environ.get(f"{name}_FILE")
        if not path:
            continue
        if environ.get(name):
            raise ConfigError(f"Set {name} or {name}_FILE, not both.")
        try:
            environ[name] = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as e:
            raise ConfigError(f"{name}_FILE={path} cannot be read: {e.strerror}.") from None


read_secret_files()


def _key_list(value: str | None) -> list[str]:
    """A comma-separated list of keys (SECRET_KEY_FALLBACKS), blanks dropped."""
    return [k.strip() for k in (value or "").split(",") if k.strip()]


class Config:
    #: Secret for sessions and CSRF tokens. Without one, development makes a random key once and
    #: keeps it in instance/secret_key (never a key written in the code).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    #: Earlier SECRET_KEYs, comma-separated, during a rotation (Flask 3.1): sessions signed with
    #: one stay valid until it is removed — CSRF and once-only tokens and remember-me cookies too
    #: (app.keys); new ones are signed with SECRET_KEY (docs/deploy.md).
    SECRET_KEY_FALLBACKS = _key_list(os.environ.get("SECRET_KEY_FALLBACKS"))
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'smallworks.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    #: Names shown in the page header and the meta tags (《政府网站发展指引》).
    SITE_NAME = os.environ.get("SITE_NAME", "小型建设工程公开交易平台")
    OFFICE_NAME = os.environ.get("OFFICE_NAME", "区公共资源交易管理办公室")
    #: The same on the English site; empty: the Chinese name. A deployment that names itself
    #: (SITE_NAME, OFFICE_NAME) gets no default English name that would not match.
    SITE_NAME_EN = os.environ.get(
        "SITE_NAME_EN",
        "" if "SITE_NAME" in os.environ else "Small Construction Works Trading Platform",
    )
    OFFICE_NAME_EN = os.environ.get(
        "OFFICE_NAME_EN",
        "" if "OFFICE_NAME" in os.environ else "District Public Resource Trading Office",
    )

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")

    #: Uploads: stored outside static under generated names; the request size cap is the first guard.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    #: Where uploads are kept (app.storage): `local` (UPLOAD_FOLDER, the embedded default) or
    #: `s3` (an S3-compatible bucket: AWS, MinIO, Ceph…; docs/deploy.md).
    STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET")
    #: Unset for AWS itself; the store's address otherwise (https://minio.example:9000).
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    S3_REGION = os.environ.get("S3_REGION")
    S3_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY")
    #: Prepended to every object name (`smallworks/`): one bucket may hold other things too.
    S3_PREFIX = os.environ.get("S3_PREFIX", "")
    S3_CONNECT_TIMEOUT = float(os.environ.get("S3_CONNECT_TIMEOUT", 5))
    S3_READ_TIMEOUT = float(os.environ.get("S3_READ_TIMEOUT", 60))
    MAX_ATTACHMENT_BYTES = int(os.environ.get("MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))
    MAX_CONTENT_LENGTH = MAX_ATTACHMENT_BYTES + 1024 * 1024
    #: A stored file no row names (its upload's worker died before the commit) is removed once
    #: older than this, by a scheduler tick run every UPLOAD_SWEEP_SECONDS (app.storage).
    UPLOAD_ORPHAN_GRACE_SECONDS = float(os.environ.get("UPLOAD_ORPHAN_GRACE_SECONDS", 3600))
    UPLOAD_SWEEP_SECONDS = float(os.environ.get("UPLOAD_SWEEP_SECONDS", 900))
    #: Documents built once and served from disk (draw minutes, bulletin posters: app.built);
    #: anything in it may be deleted at any time and is built again on demand. Unset: the
    #: instance folder's built/ (beside the uploads).
    BUILT_FOLDER = os.environ.get("BUILT_FOLDER") or None

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = 4 * 3600

    #: Login throttling (README, "Login throttling"): per client address (Flask-Limiter; shared
    #: storage, Redis, in production) and growing delays per login name and address.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_FREE_FAILURES = 5
    LOGIN_DELAY_SECONDS = 10
    LOGIN_DELAY_CAP_SECONDS = 15 * 60
    LOGIN_FORGET_SECONDS = 3600
    #: Reverse proxies in front of the app that append X-Forwarded-For / -Proto (werkzeug
    #: ProxyFix): 0 trusts no header (development); 1 behind one nginx.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", 0))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", 0))
    #: Public sign-up (a company account): per client address, counted on every submitted form.
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "5 per hour")
    #: The public API v1, per client address (docs/api.md): a 429 with Retry-After beyond it.
    #: Answers from the page cache are not counted (they cost a dictionary read).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")

    #: Draw seeds are encrypted at rest (lottery/seeds.py) with a key that is not in the database
    #: and not SECRET_KEY: DRAW_SEED_KEY is 32 random bytes in urlsafe base64 (`flask draws
    #: new-seed-key`); DRAW_SEED_OLD_KEYS, comma-separated, still open seeds sealed before a
    #: rotation (`flask draws rotate-seed-key`). Without DRAW_SEED_KEY the embedded default makes
    #: one once in instance/draw_seed_key (DRAW_SEED_KEY_FILE); production refuses to start.
    DRAW_SEED_KEY = os.environ.get("DRAW_SEED_KEY")
    DRAW_SEED_OLD_KEYS = os.environ.get("DRAW_SEED_OLD_KEYS", "")
    DRAW_SEED_KEY_FILE = True

    #: The page cache (app.pagecache): anonymous public pages and API GETs kept as rendered, until
    #: a write or a time edge changes them, and at most PAGE_CACHE_MAX_AGE seconds.
    #: SMALLWORKS_PAGE_CACHE=0 turns it off (the benchmarks measure both).
    PAGE_CACHE = _page_cache_on()
    PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", 300))
    #: Flask-Caching's store: in this process in the embedded default (its SimpleCache, keeping
    #: objects unpickled); Redis in production.
    CACHE_TYPE = "app.pagecache.store.InProcessStore"
    CACHE_THRESHOLD = 2000
    CACHE_KEY_PREFIX = "smallworks:"
    #: After the shared store failed to answer, a process serves pages uncached for this many
    #: seconds before it tries the store again (app.pagecache: Redis down degrades, never 500s).
    PAGE_CACHE_RETRY_SECONDS = float(os.environ.get("PAGE_CACHE_RETRY_SECONDS", 5))
    #: Whether the serving processes (gunicorn workers, `flask scheduler`) refuse to start while
    #: a configured Redis does not answer (production; app.observability.require_redis).
    REDIS_REQUIRED_AT_START = False

    NOTICES_PER_PAGE = 20
    #: Public address used in printed documents (QR codes) and API links: PUBLIC_BASE_URL, else
    #: the local server `make run` starts (http://127.0.0.1:$PORT, PORT 5000 by default).
    PUBLIC_BASE_URL = _public_base_url()
    #: Whether a request's links are on the address it was asked on (development without
    #: PUBLIC_BASE_URL only: `make run PORT=5123` prints QR codes to port 5123). Never in
    #: production, where links never follow a client's Host header.
    BASE_URL_FROM_REQUEST = False

    #: OCDS (docs/ocds.md): the `ocid` prefix the Open Contracting Partnership registers for the
    #: installation (`ocds-` + 6 characters; ask data@open-contracting.org for one); the default
    #: is a placeholder, not registered. Every ocid is `<prefix>-<trading round code>`.
    OCDS_PREFIX = os.environ.get("OCDS_PREFIX", "ocds-xxxxxx")
    #: The publisher the release packages name.
    OCDS_PUBLISHER = os.environ.get("OCDS_PUBLISHER", "区公共资源交易管理办公室")

    #: SMS (DESIGN.md, SMS): `console` logs and marks sent (the embedded default); `twilio` sends
    #: through the real client and needs the credentials below.
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN")
    #: Either a Messaging Service SID (MG…) or a From number / sender id.
    TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID")
    TWILIO_FROM = os.environ.get("TWILIO_FROM")
    #: Where the client sends its requests: Twilio itself, or a staging / test server.
    TWILIO_API_BASE = os.environ.get("TWILIO_API_BASE", "https://api.twilio.com")
    #: Seconds before a provider call counts as timed out (then reconciled, never re-sent blind).
    TWILIO_TIMEOUT = float(os.environ.get("TWILIO_TIMEOUT", 10))
    #: Where Twilio posts delivery receipts; default PUBLIC_BASE_URL + /sms/status.
    SMS_STATUS_CALLBACK_URL = os.environ.get("SMS_STATUS_CALLBACK_URL")
    #: 【签名】 that opens every text (mainland rules: the registered signature first).
    SMS_SIGNATURE = os.environ.get("SMS_SIGNATURE", "【江北区公管办】")
    SMS_RATE_PER_SECOND = float(os.environ.get("SMS_RATE_PER_SECOND", 10))
    #: Calls to the provider per message; Twilio rejects the third identical text in 24 hours.
    SMS_MAX_ATTEMPTS = int(os.environ.get("SMS_MAX_ATTEMPTS", 5))
    SMS_BACKOFF_BASE_SECONDS = float(os.environ.get("SMS_BACKOFF_BASE_SECONDS", 30))
    SMS_BACKOFF_CAP_SECONDS = float(os.environ.get("SMS_BACKOFF_CAP_SECONDS", 3600))
    #: How long one provider call may take: longer than TWILIO_TIMEOUT (checked at start-up),
    #: so that no lease expires while its call may still be in flight.
    SMS_SENDING_LEASE_SECONDS = float(os.environ.get("SMS_SENDING_LEASE_SECONDS", 120))
    #: How long after a call ended (or its sender died) the provider may still accept it — its
    #: worst case, with room to spare. A message whose call timed out is looked up at the
    #: provider, and sent again if not found, only after lease + this: a look-up before a late
    #: acceptance finds nothing, and the text would be sent twice.
    SMS_LATE_ACCEPT_GRACE_SECONDS = float(os.environ.get("SMS_LATE_ACCEPT_GRACE_SECONDS", 600))
    SMS_TICK_SECONDS = float(os.environ.get("SMS_TICK_SECONDS", 10))
    SMS_TICK_BUDGET_SECONDS = float(os.environ.get("SMS_TICK_BUDGET_SECONDS", 8))
    #: Run the scheduler inside the web process (embedded default only; DESIGN.md, Scheduler).
    SCHEDULER_IN_PROCESS = os.environ.get("SCHEDULER_IN_PROCESS", "1") not in ("0", "false", "")

    #: Scope of per-project trading (DESIGN.md B.1), yuan: a single contract's estimate must be at
    #: least TENDER_MINIMUM and below its kind's statutory tendering threshold. Thresholds from
    #: 《必须招标的工程项目规定》（国家发展改革委令第16号）第五条: 施工单项合同估算价400万元人民币以上、
    #: 监理等服务单项合同估算价100万元人民币以上的必须招标 — so ours are strictly below them.
    TENDER_THRESHOLDS = {"construction": "4000000.00", "supervision": "1000000.00"}
    TENDER_MINIMUM = "100000.00"
    #: 流标: fewer respondents than this at the award meeting fail the trading (DESIGN.md B.6).
    TRADING_MIN_RESPONDENTS = int(os.environ.get("TRADING_MIN_RESPONDENTS", 3))
    #: The owner signs within this many days of the result letter (《招标投标法》第四十六条:
    #: 自中标通知书发出之日起三十日内); a contract recorded later is still recorded, shown as late.
    CONTRACT_SIGNING_DAYS = int(os.environ.get("CONTRACT_SIGNING_DAYS", 30))
    #: 公开时限: overrides of notices.timeliness.rules.DEFAULT_LIMITS per notice type (a mapping,
    #: or JSON in the environment): `{"trading_result": 2}`, `{"roster": null}` (no limit), or
    #: `{"sanction": {"days": 15, "unit": "working_days", "basis": "…", "basis_en": "…"}}`.
    #: Checked when the app starts (a wrong one stops it, naming the type).
    NOTICE_PUBLISH_LIMITS = os.environ.get("NOTICE_PUBLISH_LIMITS") or None

    #: Logs of the `smallworks` loggers on stderr (app.observability): "text", or "json" — one
    #: object a line with the request id (production's default).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    #: One log line per request (method, path without its query, endpoint, status, ms).
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "0") not in ("0", "false", "")
    #: Who may read /metrics (anyone else gets a 404): comma-separated addresses or networks.
    METRICS_ALLOW_FROM = [
        n.strip()
        for n in os.environ.get("METRICS_ALLOW_FROM", "127.0.0.1/32,::1/128").split(",")
        if n.strip()
    ]

    @classmethod
    def check(cls) -> None:
        """Refuse to start with an unusable configuration."""


class DevelopmentConfig(Config):
    DEBUG = False
    BASE_URL_FROM_REQUEST = not os.environ.get("PUBLIC_BASE_URL")

    @classmethod
    def check(cls) -> None:
        # Read when the app starts: PUBLIC_BASE_URL set is used everywhere; unset, a request's
        # links follow its own address and what is made outside a request (a job's PDF) falls
        # back to the local server on PORT.
        cls.PUBLIC_BASE_URL = _public_base_url()
        cls.BASE_URL_FROM_REQUEST = not os.environ.get("PUBLIC_BASE_URL")


class TestingConfig(Config):
    TESTING = True
    SCHEDULER_IN_PROCESS = False
    SMS_BACKEND = "console"
    SECRET_KEY = "testing-only"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    LOGIN_RATE_LIMIT = "1000 per minute"
    SIGNUP_RATE_LIMIT = "1000 per hour"
    API_RATE_LIMIT = "100000 per minute"
    PUBLIC_BASE_URL = "http://testserver"
    #: Off in the tests, so that each reads what it wrote with nothing in between (the whole of
    #: tests/web passes with it on too); tests/web/test_page_cache.py turns it on for itself.
    PAGE_CACHE = False
    #: A fixed key for the tests (never used elsewhere): every test app opens what another sealed.
    DRAW_SEED_KEY = "dGVzdGluZy1vbmx5LWRyYXctc2VlZC1rZXktMzJieXQ="
    DRAW_SEED_OLD_KEYS = ""


class ProductionConfig(Config):
    #: Never in web workers: production runs one `flask scheduler` process.
    SCHEDULER_IN_PROCESS = False
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "1") not in ("0", "false", "")
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    #: Never a key made on the fly: it would be lost with the machine, and every seed with it.
    DRAW_SEED_KEY_FILE = False
    #: Pages and their generation shared by every worker and the scheduler (CACHE_REDIS_URL).
    CACHE_TYPE = "RedisCache"
    #: A Redis that stops answering costs a request at most this long (seconds), not a hang.
    CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    #: Redis down at run time: the limits are counted in each process's memory (a logged
    #: warning), and Redis is tried again now and then; never a 500 (docs/deploy.md, "When
    #: Redis is down").
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    #: …but a process does not start without it (compose starts Redis first).
    REDIS_REQUIRED_AT_START = True

    @classmethod
    def check(cls) -> None:
        required = ("SECRET_KEY", "DATABASE_URL", "DRAW_SEED_KEY")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "Production refuses to start without "
                + ", ".join(missing)
                + " in the environment."
                + (
                    " DRAW_SEED_KEY encrypts the draw seeds at rest (32 random bytes, urlsafe "
                    'base64). Make one with `python3 -c "import secrets,base64;'
                    'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"` '
                    "(`flask draws new-seed-key` cannot start here without one); see "
                    "docs/deploy.md."
                    if "DRAW_SEED_KEY" in missing
                    else ""
                )
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        limiter_store = os.environ.get("RATELIMIT_STORAGE_URI", "")
        if not limiter_store or limiter_store.startswith("memory://"):
            # Each gunicorn worker would count on its own: 4 workers, 4 times the limit.
            raise ConfigError(
                "Production refuses to start without a shared RATELIMIT_STORAGE_URI "
                "(e.g. redis://127.0.0.1:6379/0); memory:// counts per worker."
            )
        cache_store = os.environ.get("CACHE_REDIS_URL", "")
        cls.PAGE_CACHE = _page_cache_on()
        if cls.PAGE_CACHE and not cache_store.startswith(("redis://", "rediss://", "unix://")):
            # Each gunicorn worker would keep its own pages, and a commit in one (or in the
            # scheduler) would not reach the others: stale pages until their time ran out.
            raise ConfigError(
                "Production refuses to start without a shared CACHE_REDIS_URL for the page cache "
                "(e.g. redis://127.0.0.1:6379/1), or with SMALLWORKS_PAGE_CACHE=0."
            )
        cls.CACHE_REDIS_URL = cache_store
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SECRET_KEY_FALLBACKS = _key_list(os.environ.get("SECRET_KEY_FALLBACKS"))
        if any(len(k) < 32 for k in cls.SECRET_KEY_FALLBACKS):
            raise ConfigError("Every SECRET_KEY_FALLBACKS key must be at least 32 characters.")
        cls.SQLALCHEMY_DATABASE_URI = _normalise_db_url(os.environ["DATABASE_URL"])
        if not cls.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            # The services' row locks (FOR UPDATE) and advisory locks keep a form posted twenty
            # times at once by four workers to one effect; SQLite ignores both.
            raise ConfigError(
                "Production runs on PostgreSQL: DATABASE_URL must be a postgresql:// URL. "
                "SQLite is the embedded default for trying the platform (make run), one process; "
                "it ignores the row and advisory locks that serialise concurrent requests."
            )
        cls.RATELIMIT_STORAGE_URI = limiter_store
        cls.DRAW_SEED_KEY = os.environ["DRAW_SEED_KEY"]
        cls.DRAW_SEED_OLD_KEYS = os.environ.get("DRAW_SEED_OLD_KEYS", "")


def check_sms(settings) -> None:
    """`SMS_BACKEND=twilio` without its credentials stops start-up with a clear message (called
    by create_app on the final settings, overrides included)."""
    backend = settings.get("SMS_BACKEND", "console")
    if backend not in ("console", "twilio"):
        raise ConfigError(f"SMS_BACKEND must be 'console' or 'twilio', not {backend!r}.")
    if backend != "twilio":
        return
    missing = [n for n in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not settings.get(n)]
    if not (settings.get("TWILIO_MESSAGING_SERVICE_SID") or settings.get("TWILIO_FROM")):
        missing.append("TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM")
    if missing:
        raise ConfigError(
            "SMS_BACKEND=twilio needs " + ", ".join(missing) + " in the environment; "
            "set them, or use SMS_BACKEND=console."
        )
    if float(settings.get("SMS_RATE_PER_SECOND") or 0) <= 0:
        raise ConfigError("SMS_RATE_PER_SECOND must be positive.")
    lease = float(settings.get("SMS_SENDING_LEASE_SECONDS") or 0)
    timeout = float(settings.get("TWILIO_TIMEOUT") or 10)
    if lease <= timeout:
        raise ConfigError(
            f"SMS_SENDING_LEASE_SECONDS ({lease:g}) must be longer than TWILIO_TIMEOUT "
            f"({timeout:g}): a lease may never end while its call can still be in flight."
        )
    if float(settings.get("SMS_LATE_ACCEPT_GRACE_SECONDS") or 0) < 0:
        raise ConfigError("SMS_LATE_ACCEPT_GRACE_SECONDS must not be negative.")


#: What `STORAGE_BACKEND=s3` needs (S3_ENDPOINT_URL only off AWS, so not among them).
S3_REQUIRED = ("S3_BUCKET", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")


def check_storage(settings) -> None:
    """`STORAGE_BACKEND=s3` without its bucket or credentials stops start-up with a clear message
    (called by create_app on the final settings, overrides included)."""
    backend = settings.get("STORAGE_BACKEND", "local")
    if backend not in ("local", "s3"):
        raise ConfigError(f"STORAGE_BACKEND must be 'local' or 's3', not {backend!r}.")
    if backend != "s3":
        return
    missing = [name for name in S3_REQUIRED if not settings.get(name)]
    if missing:
        raise ConfigError(
            "STORAGE_BACKEND=s3 needs " + ", ".join(missing) + " in the environment (and "
            "S3_ENDPOINT_URL for a store other than AWS); set them, or use STORAGE_BACKEND=local."
        )
    prefix = settings.get("S3_PREFIX") or ""
    if prefix and not prefix.endswith("/"):
        raise ConfigError(f"S3_PREFIX must end with '/' (e.g. 'smallworks/'), not {prefix!r}.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def get_config(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("SMALLWORKS_ENV", "development")
    try:
        config = CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"Unknown SMALLWORKS_ENV {name!r}; use one of {sorted(CONFIGS)}"
        ) from None
    config.check()
    return config
