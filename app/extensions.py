"""Flask extensions, created unbound; `create_app` binds them to an app."""

import time
import weakref
from collections import defaultdict

import flask_limiter
import flask_login
import flask_wtf
from flask import current_app, request, session
from flask.globals import _cv_request
from flask_babel import Babel
from flask_limiter._extension import LimiterContext
from flask_limiter._manager import LimitManager
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


class KeptLimitManager(LimitManager):
    """Flask-Limiter's manager of the declared limits, which keeps what it resolved for an
    endpoint rather than working it out again on every request (issue 14).

    The library resolves a limited request's limits anew each time — its blueprint's limit
    groups, each group's limit string read and parsed into new limit objects, the route's and
    blueprints' exemptions, twice — ~200 Python calls of an API request's ~400 in the limiter.
    Here `resolve_limits` and `exemption_scope` are kept per app and arguments, and dropped
    whenever a limit or an exemption is declared (every method the library changes the
    manager through). A kept resolution is used only while every limit group it read gives the
    same limit string (a group's limit may be a callable: the API's reads API_RATE_LIMIT from
    the app's configuration, read again on every request); a group with meta limits is never
    kept. What a request evaluates — the key, the scope, exemptions and costs given as callables,
    the counters in the storage — is done for each request by the library as before: the same
    limits, storage keys, 429s and headers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Per app (weakly: an app per test), (what, arguments) → what was resolved.
        self._kept: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        #: The last app's (a weak reference to it, `_kept` then, its dict).
        self._last: tuple | None = None

    def _declared(self) -> None:
        self._kept = weakref.WeakKeyDictionary()

    def set_application_limits(self, limits) -> None:
        super().set_application_limits(limits)
        self._declared()

    def set_default_limits(self, limits) -> None:
        super().set_default_limits(limits)
        self._declared()

    def add_decorated_limit(self, route, limit, override=False) -> None:
        super().add_decorated_limit(route, limit, override)
        self._declared()

    def add_blueprint_limit(self, blueprint, limit) -> None:
        super().add_blueprint_limit(blueprint, limit)
        self._declared()

    def add_route_exemption(self, route, scope) -> None:
        super().add_route_exemption(route, scope)
        self._declared()

    def add_blueprint_exemption(self, blueprint, scope) -> None:
        super().add_blueprint_exemption(blueprint, scope)
        self._declared()

    def add_endpoint_hint(self, endpoint, callable) -> None:
        known = callable in self._endpoint_hints.get(endpoint, ())
        super().add_endpoint_hint(endpoint, callable)
        if not known:
            self._declared()

    def _kept_for(self, app) -> dict:
        # The library passes flask.current_app, a proxy: kept by the app itself.
        app = getattr(app, "_get_current_object", lambda: app)()
        last = self._last
        if last is not None and last[0]() is app and last[1] is self._kept:
            return last[2]
        kept = self._kept.get(app)
        if kept is None:
            kept = self._kept[app] = {}
        self._last = (weakref.ref(app), self._kept, kept)
        return kept

    def resolve_limits(
        self,
        app,
        endpoint=None,
        blueprint=None,
        callable_name=None,
        in_middleware=False,
        marked_for_limiting=False,
    ):
        kept = self._kept_for(app)
        key = ("limits", endpoint, blueprint, callable_name, in_middleware, marked_for_limiting)
        found = kept.get(key)
        if found is not None:
            texts, defaults, decorated = found
            if all(_limit_text(group) == text for group, text in texts):
                return list(defaults), list(decorated)
        groups = self._groups_read(app, endpoint, blueprint, callable_name)
        texts = tuple((group, _limit_text(group)) for group in groups)
        defaults, decorated = super().resolve_limits(
            app, endpoint, blueprint, callable_name, in_middleware, marked_for_limiting
        )
        if not any(group.meta_limits for group in groups):
            kept[key] = (texts, tuple(defaults), tuple(decorated))
        return defaults, decorated

    def _groups_read(self, app, endpoint, blueprint, callable_name) -> list:
        """Every limit group `resolve_limits` may read for these arguments (a few more at worst):
        the application's and the defaults, the view's or callable's decorated ones, its
        endpoint's hints', and those of the blueprint and its ancestors."""
        groups = [*self._application_limits, *self._default_limits]
        names = set(self._endpoint_hints.get(endpoint or "", ()))
        if callable_name:
            names.add(callable_name)
        view = app.view_functions.get(endpoint or "")
        if view is not None:
            names.add(get_qualified_name(view))
        for name in names:
            groups.extend(self._decorated_limits.get(name, ()))
        if blueprint:
            members = set(blueprint.split("."))
            instance = app.blueprints.get(blueprint)
            if instance is not None:
                members.add(instance.name)
            for member in members:
                groups.extend(self._blueprint_limits.get(member, ()))
        return groups

    def exemption_scope(self, app, endpoint, blueprint):
        kept = self._kept_for(app)
        key = ("exemption", endpoint, blueprint)
        found = kept.get(key)
        if found is None:
            found = kept[key] = super().exemption_scope(app, endpoint, blueprint)
        return found


def _limit_text(group) -> str:
    """A limit group's limit string as it reads now (its provider called, when a callable)."""
    provider = group.limit_provider
    return provider() if callable(provider) else provider


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

    def __init__(self, *args, **kwargs) -> None:
        """The library's, its manager of the declared limits a `KeptLimitManager`."""
        super().__init__(*args, **kwargs)
        theirs = self.limit_manager
        ours = KeptLimitManager(
            application_limits=theirs._application_limits,
            default_limits=theirs._default_limits,
            decorated_limits=theirs._decorated_limits,
            blueprint_limits=theirs._blueprint_limits,
            route_exemptions=theirs._route_exemptions,
            blueprint_exemptions=theirs._blueprint_exemptions,
        )
        ours._endpoint_hints = theirs._endpoint_hints
        self.limit_manager = ours

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

    @property
    def context(self):
        """The library's per-request state (its `LimiterContext`), found on the request context
        itself rather than through the `request_ctx` proxy, twice per look-up (~8 calls, a
        dozen look-ups per limited request; issue 14): the same attribute of the same object."""
        ctx = _cv_request.get(None)
        if ctx is None:
            return super().context  # outside a request: the library's answer (an error)
        try:
            contexts = ctx._limiter_request_context
        except AttributeError:
            contexts = ctx._limiter_request_context = defaultdict(LimiterContext)
        return contexts[self]

    def _no_limit_applies(self) -> bool:
        manager = self.limit_manager
        if (
            manager._application_limits
            or manager._default_limits
            or self._meta_limits
            or self._in_memory_fallback
        ):
            return False
        # What follows depends on the endpoint and on declarations only: kept by the manager
        # with what it resolved, and dropped with it when a limit is declared.
        kept = manager._kept_for(current_app)
        key = ("none", request.endpoint, request.blueprint)
        found = kept.get(key)
        if found is None:
            found = kept[key] = self._no_declared_limit()
        return found

    def _no_declared_limit(self) -> bool:
        try:
            manager = self.limit_manager
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
