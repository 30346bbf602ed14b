"""The application factory: binds extensions, registers blueprints, error pages and security headers."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from babel import Locale
from flask import Flask, Request, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask.templating import _default_template_ctx_processor
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.datastructures import ImmutableMultiDict

from app import i18n, templating
from app.headers import header
from app.urls import SmallworksFlask, public_base_url
from config import BASE_DIR, Config, check_sms, check_storage, get_config

LOCALE_COOKIE = i18n.LOCALE_COOKIE


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, their serializer built once per set of keys (issue 14).

    Flask builds a new serializer on every request, a visitor without a cookie included, and
    itsdangerous test-serialises `{}` each time to tell a text serializer from a bytes one:
    20–30 µs. The serializer is a pure function of SECRET_KEY and SECRET_KEY_FALLBACKS (and of
    this class's constant salt, digest and JSON), so it is kept by those keys: a rotation made in
    the config takes effect at the next request, as before. Per app (each app has its own
    interface); a race builds it twice.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        try:
            return self._serializers[keys]
        except KeyError:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) >= 8:  # keys change by hand, rarely: never many
                self._serializers.clear()
            self._serializers[keys] = serializer
            return serializer

    def save_session(self, app: Flask, session, response) -> None:
        """Flask's, without its work for a session that is empty and unchanged (most anonymous
        requests): Flask reads seven cookie settings and then only adds `Vary: Cookie` if the
        session was read (issue 14). The same header is added here; anything else takes
        Flask's way."""
        if session or session.modified:
            super().save_session(app, session, response)
        elif session.accessed:
            if header(response.headers, "vary") is not None:
                response.vary.add("Cookie")
            else:
                response.headers["Vary"] = "Cookie"  # what `vary.add` writes when it was absent


class _Values(ImmutableMultiDict):
    """A request's query, form and cookies, whose `get` of an absent name costs no exception
    (issue 14): Werkzeug's makes and catches a BadRequestKeyError (~2 µs), and every page asks
    for cookies it mostly lacks (the language, the display mode, the session) and for query
    parameters a first visit does not carry. The same value or default otherwise; a `type`
    takes Werkzeug's way."""

    def get(self, key, default=None, type=None):
        if type is not None:
            return super().get(key, default, type)
        values = dict.get(self, key)
        return values[0] if values else default


class _Request(Request):
    parameter_storage_class = _Values
    dict_storage_class = _Values


def create_app(config: type[Config] | str | None = None, **overrides) -> Flask:
    if config is None or isinstance(config, str):
        config = get_config(config)
    app = SmallworksFlask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "app" / "static"),
        instance_path=str(Path(config.UPLOAD_FOLDER).parent),
    )
    app.jinja_environment = templating.Environment  # before anything makes app.jinja_env
    app.request_class = _Request
    from app.headers import Response

    app.response_class = Response  # its headers handed to the server without a second check
    app.config.from_object(config)
    app.config.update(overrides)
    check_sms(app.config)
    check_storage(app.config)
    app.json.ensure_ascii = False  # the API speaks UTF-8; Chinese stays readable
    app.session_interface = KeptSerializerSessions()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    from lottery import seeds

    seeds.init_app(app)  # a missing or malformed draw-seed key stops start-up here

    from app.urls import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added
    _init_extensions(app)
    from app import inputs

    inputs.init_app(app)
    from app.auth import guards

    guards.init_app(app)  # a supervisor's writes are refused before any view runs
    _register_blueprints(app)
    _register_errors(app)
    from app import pagecache

    # Before the headers and the Cache-Control policy: its store runs after them (last).
    pagecache.init_app(app)
    from app import observability

    # After the page cache: its request timing and id come first, so hits are timed too.
    observability.init_app(app)
    from app.scheduler import serving_web

    # The web's processes (gunicorn workers); `flask scheduler` checks at its own start.
    if app.config.get("REDIS_REQUIRED_AT_START") and serving_web():
        observability.require_redis(app)
    from app import headers

    headers.init_app(app)  # the security headers and the Cache-Control policy
    _register_template_helpers(app)
    # The outermost WSGI middleware: everything inside (the page cache's front) sees the
    # client's address and scheme.
    _trust_proxies(app)

    from app.cli import register_cli

    register_cli(app)

    from app.scheduler import init_scheduler

    init_scheduler(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind nginx the client address (the login limits key on it) and scheme arrive in
    X-Forwarded-For/-Proto; trust exactly the configured number of proxies, none by default."""
    x_for, x_proto = app.config["PROXY_FIX_X_FOR"], app.config["PROXY_FIX_X_PROTO"]
    if x_for or x_proto:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=0)


def _instance_secret(path: Path) -> str:
    """A random key made on first start and kept beside the SQLite file (embedded default only)."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def _select_locale() -> Locale:
    return i18n.locale_of(request.cookies) if request else i18n.CHINESE


def _init_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=_select_locale,
        default_translation_directories=str(BASE_DIR / "app" / "translations"),
    )
    i18n.install_template_gettext(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    # Flashed in the visitor's language (the English site said 请先登录).
    from flask_babel import gettext

    login_manager.localize_callback = gettext
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from app.auth.services import load_session_user

    login_manager.user_loader(load_session_user)
    from app.auth import sessions

    sessions.init_app(app)  # a session begun from the remember-me cookie outlives its first page
    from app import keys

    keys.init_app(app)  # the CSRF token and the remember-me cookie across a key rotation

    # Import every model so that metadata (and Alembic) sees all tables.
    import app.audit
    import app.calendar.models
    import app.offices.models
    import app.once
    import app.scheduler
    import app.search.models
    import contractors.models  # noqa: F401
    import contracts.complaints.models
    import contracts.evaluations.models
    import contracts.models
    import contracts.screening.models  # noqa: F401
    import lottery.models  # noqa: F401
    import notices.guides.models
    import notices.models
    import notices.sms.models  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    """The app's own pages, then each domain's wiring (blueprints, and what each tells the
    others: candidate sources, owned subjects, subject pages, the SMS directory…). Nothing is
    registered by importing a module: a domain is wired here or not at all."""
    import contractors
    import contracts
    import lottery
    import notices
    from app.auth.account_views import bp as accounts_bp
    from app.auth.views import bp as auth_bp
    from app.calendar.views import bp as calendar_bp
    from app.history import init_app as init_history
    from app.offices.api import bp as offices_api_bp
    from app.offices.views import bp as offices_bp
    from app.public import bp as public_bp
    from app.supervision import init_app as init_supervision

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(offices_bp)
    app.register_blueprint(offices_api_bp)
    init_history(app)
    # In the order of the import rules: a domain is wired after those it may use.
    notices.init_app(app)
    lottery.init_app(app)
    contractors.init_app(app)
    contracts.init_app(app)
    # Last: the oversight pages read what the domains registered (deadline sources).
    init_supervision(app)
    from app.api import limit_api

    limit_api(app)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_errors(app: Flask) -> None:
    from flask import jsonify
    from flask_babel import gettext as _
    from flask_wtf.csrf import CSRFError

    from app.extensions import db

    def page(code: int, error=None):
        headers = {"Retry-After": str(_retry_after())} if code == 429 else {}
        # Only an explanation of ours, already translated: the libraries' descriptions
        # ("The CSRF token is missing.", "10 per 1 minute") are English and meant for developers.
        detail = getattr(error, "detail", None)
        if detail is None and getattr(getattr(error, "limit", None), "error_message", None):
            # A limit given our own (translated) message, e.g. the sign-up limit's.
            detail = error.description
        if _wants_json():
            body = {"error": code} | ({"message": str(detail)} if detail is not None else {})
            return jsonify(body), code, headers
        page = render_template(f"errors/{code}.html", error=error, detail=detail, code=code)
        return page, code, headers

    for code in (400, 403, 404, 405, 413, 429, 503):
        app.register_error_handler(code, lambda e, code=code: page(code, e))

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        e.detail = _("页面已过期或表单无效，请返回刷新后重试。")
        return page(400, e)

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return page(500, e)


def _retry_after() -> int:
    """Seconds until the limit a 429 answers for lets the client in again (RFC 9110 Retry-After,
    on every 429, page or API): when the limiter's window resets, at least 1 s; a minute when
    the limiter cannot say (a 429 raised by hand)."""
    import math
    import time

    from app.extensions import limiter

    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return 60
    return max(1, math.ceil(limit.reset_at - time.time()))


def _register_template_helpers(app: Flask) -> None:
    from app import clock, display, money

    @app.template_filter("localtime")
    def localtime(moment, fmt: str = "%Y-%m-%d %H:%M"):
        return clock.local(moment).strftime(fmt) if moment else ""

    @app.template_filter("period_end")
    def period_end(moment):
        """An exclusive end at local midnight reads as the last day's 24:00, as official notices
        write it (公示期至11月30日24时); other moments read as they are."""
        if not moment:
            return ""
        local = clock.local(moment)
        if (local.hour, local.minute, local.second) == (0, 0, 0):
            return (local - timedelta(days=1)).strftime("%Y-%m-%d") + " 24:00"
        return local.strftime("%Y-%m-%d %H:%M")

    # The layout's parts that are the same on every page of a language (app.urls).
    app.jinja_env.globals["kept_fragment"] = app.kept_fragment
    # A part of a page that the view's key decides (a drawn draw's body; app.urls).
    app.jinja_env.globals["kept_part"] = app.kept_part
    # A category's or an office's name in the request's language (its English name, if it has one).
    app.jinja_env.filters["named"] = i18n.named
    # A legal basis (《…》第N条) in the request's language.
    app.jinja_env.filters["citation"] = i18n.citation

    @app.template_filter("localdate")
    def localdate(moment):
        return clock.local(moment).strftime("%Y-%m-%d") if moment else ""

    @app.template_filter("yuan")
    def yuan(amount):
        """An amount in the one format of app.money ("260,000.00"); nothing for None."""
        return "" if amount is None else money.yuan(amount)

    config = app.config
    #: The words and separators of running text in each language (keyed by `i18n.english()`):
    #: the same on every page, made once rather than by the context processor on every render
    #: (issue 14).
    words = {
        english: {
            # A (Chinese, English) pair from the rules (states, steps) in the request's language.
            "loc": i18n.loc,
            # The separator after a label in running text: full-width in Chinese, ": " in English.
            "colon": ": " if english else "：",
            # The separators of running text and of a list: "，" and "、" in Chinese, ", " in English.
            "comma": ", " if english else "，",
            "list_sep": ", " if english else "、",
            "semicolon": "; " if english else "；",
            "full_stop": ". " if english else "。",
            # Brackets around markup (a link) that `paren` cannot take: （…） / " (…)".
            "lparen": " (" if english else "（",
            "rparen": ")" if english else "）",
            # A remark in brackets after a value, its parts joined: （3个工作日，依据） / " (3 working
            # days, basis)".
            "paren": _paren_en if english else _paren_zh,
        }
        for english in (False, True)
    }

    @app.context_processor
    def site():
        english = i18n.english()  # once: each call reads the request's locale again
        return {
            # The English names on the English site (SITE_NAME_EN, OFFICE_NAME_EN), if set.
            "site_name": (config.get("SITE_NAME_EN") or config["SITE_NAME"])
            if english
            else config["SITE_NAME"],
            "office_name": (config.get("OFFICE_NAME_EN") or config["OFFICE_NAME"])
            if english
            else config["OFFICE_NAME"],
            "site_domain": _netloc(public_base_url()),
            "current_locale": str(i18n.request_locale() or "zh_CN"),
            # 大字号/高对比 (app.display): a class on <html>, and the switch's state.
            "large_mode": display.mode() == display.LARGE,
            "now": clock.now(),
            **words[english],
        }

    # Flask gives every blueprint its own copy of its default context processor (g, request,
    # session), so a page of a blueprint ran it twice, the second time putting the same three
    # objects in the context again (issue 14); the app's own runs for every page.
    for name, processors in app.template_context_processors.items():
        if name is not None:
            processors[:] = [p for p in processors if p is not _default_template_ctx_processor]


@lru_cache(maxsize=64)
def _netloc(url: str) -> str:
    """The host (and port) of the public address, for the pages' SiteDomain: one address in
    production, the few a development server is asked on otherwise."""
    return urlsplit(url).netloc


#: `paren`'s separators: `join` escapes each part (a str) or keeps it (Markup).
_COMMA_ZH, _COMMA_EN = Markup("，"), Markup(", ")


# The joined parts are escaped already, so the brackets are put around them as text: what
# `Markup("（{}）").format(…)` gives, without its formatter's ~50 calls (issue 14).
def _paren_zh(*parts) -> Markup:
    return Markup(f"（{_COMMA_ZH.join(parts)}）")  # noqa: S704 - escaped by `join`


def _paren_en(*parts) -> Markup:
    return Markup(f" ({_COMMA_EN.join(parts)})")  # noqa: S704 - escaped by `join`
