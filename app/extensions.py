"""Flask extensions, created unbound; `create_app` binds them to an app."""

import time

import flask_limiter
import flask_login
import flask_wtf
from flask import current_app, request, session
from flask_babel import Babel
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from limits import storage as limits_storage
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic migrations are stable on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MemoryStorage(limits_storage.MemoryStorage):
    """limits' in-memory counters, swept of expired ones in the request rather than by a thread
    (issue 14).

    limits' storage frees the counters that expired on a `threading.Timer` of 10 ms, which the
    first hit after it ran starts again: under a steady stream of API requests, a thread was
    started every few requests, ~0.25 ms of CPU per API request. A counter's expiry is checked
    whenever it is read (`get`, and a moving window compares its entries' times), so the sweep
    only frees the memory of counters no request reads any more: here it is done by a hit, at
    most once every `SWEEP_SECONDS`. No thread is started after the one limits' own
    constructor starts."""

    SWEEP_SECONDS = 1.0

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last_sweep = time.monotonic()

    def _MemoryStorage__schedule_expiry(self) -> None:
        # Replaces limits' private `__schedule_expiry` (name-mangled), which every hit calls.
        now = time.monotonic()
        if now - self._last_sweep >= self.SWEEP_SECONDS:
            self._last_sweep = now
            self._MemoryStorage__expire_events()


class CSRFProtect(flask_wtf.CSRFProtect):
    """Flask-WTF's, which looks at a request's method before its view's exemptions (issue 14).

    Its `before_request` asks whether the view or its blueprint is exempt (~5 µs: the view's
    qualified name built and looked up) before it asks whether the method is one it checks at
    all; for a GET, nearly every request, neither answer does anything. The method is asked
    first here; a POST (or any of WTF_CSRF_METHODS) takes the library's way unchanged."""

    def protect(self, apply_exemptions=False):
        if apply_exemptions and request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        super().protect(apply_exemptions)


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter's, which does not work out the limits of a request that none can apply to
    (issue 14).

    Its `before_request` resolves every request's limits — the view's, its blueprint's, the
    app's defaults, exemptions — and evaluates them: ~35 µs for a page that has none, which is
    nearly every page (the limits are the API's blueprints', the login's and the sign-up's).
    When the app has no application, default, meta or in-memory fallback limits, and neither the
    request's view (by its qualified name, as the library keys decorated limits and hints) nor
    its blueprints carry one, the library's own check would find no limit to evaluate; it is
    skipped. Anything else — a limited view or blueprint, limits configured app-wide, no
    endpoint (a 404) — takes the library's way, and so does the decorated views' own check
    (`in_middleware=False`). If the library's internals this reads are not there (another
    version), it takes the library's way too."""

    def init_app(self, app) -> None:
        """The library's, with its in-memory storages (`memory://`, and the fallback when Redis
        is down) replaced by `MemoryStorage`, which starts no thread per hit."""
        super().init_app(app)
        for storage, strategy in (
            ("_storage", "_limiter"),
            ("_fallback_storage", "_fallback_limiter"),
        ):
            theirs = getattr(self, storage, None)
            if type(theirs) is limits_storage.MemoryStorage:
                ours = MemoryStorage(wrap_exceptions=theirs.wrap_exceptions)
                setattr(self, storage, ours)
                setattr(self, strategy, type(getattr(self, strategy))(ours))

    def _check_request_limit(self, callable_name=None, in_middleware=True) -> None:
        if in_middleware and callable_name is None and self._no_limit_applies():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _no_limit_applies(self) -> bool:
        try:
            manager = self.limit_manager
            if (
                manager._application_limits
                or manager._default_limits
                or self._meta_limits
                or self._in_memory_fallback
            ):
                return False
            endpoint = request.endpoint
            if not endpoint or manager.has_hints(endpoint):
                return False
            view = current_app.view_functions.get(endpoint)
            name = get_qualified_name(view) if view else ""
            if name in self._marked_for_limiting or name in manager._decorated_limits:
                return False
            blueprint = request.blueprint
            if blueprint:
                names = set(blueprint.split("."))
                instance = current_app.blueprints.get(blueprint)
                if instance is not None:
                    names.add(instance.name)
                if not names.isdisjoint(manager._blueprint_limits):
                    return False
        except AttributeError:
            return False
        return True


class LoginManager(flask_login.LoginManager):
    """Flask-Login's, which does not fingerprint a visitor whose session is empty (issue 14).

    Session protection compares the session's `_id` with a SHA-512 of the visitor's address and
    browser, made on every request before the session is looked at; with an empty session (an
    anonymous visitor without a cookie, nearly every public page) the comparison is skipped and
    the check passes whatever the hash. Here the hash is not made for it; any other session
    takes Flask-Login's own check."""

    def _session_protection_failed(self) -> bool:
        if not session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
