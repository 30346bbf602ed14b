"""The per-request costs every page pays, cut without changing a byte (issue 14): URLs built once
per process, the templates' gettext reading the render's catalogue."""

from __future__ import annotations

import subprocess
import sys

import pytest
from flask import Flask, render_template, render_template_string, request
from flask_babel import get_locale, refresh
from jinja2 import ChoiceLoader, DictLoader, pass_context

import app.urls as app_urls
from app import i18n
from app.extensions import db
from tests.conftest import ROOT
from tests.factories import Browser


@pytest.fixture
def served(app):
    """The app after its first request: routes are final, URLs may be kept."""
    app.test_client().get("/healthz")
    return app


CASES = [
    ("public.home", {}),
    ("static", {"filename": "css/site.css"}),
    ("notices.index", {"type": "trading_notice", "page": 2}),
    ("notices.index", {"page": True}),
    ("notices.index", {"page": 1.0}),
    ("notices.index", {"page": 1, "type": None}),
    ("notices_api.list_notices", {"_anchor": "x y"}),
    ("public.set_language", {"code": "en", "next": "/notices/?type=a,b"}),
    ("notices.index", {"type": ["a", "b"]}),
]


@pytest.mark.parametrize(("endpoint", "values"), CASES)
@pytest.mark.parametrize("external", [None, False, True])
def test_a_kept_url_is_the_one_flask_builds(served, endpoint, values, external):
    with served.test_request_context("/notices/", method="GET"):
        built = Flask.url_for(served, endpoint, _external=False, **values)
        if external:
            built = app_urls.public_base_url() + built
        first = served.url_for(endpoint, _external=external, **values)
        again = served.url_for(endpoint, _external=external, **values)
    assert first == again == built


def test_equal_values_of_other_types_keep_their_own_urls(served):
    with served.test_request_context("/"):
        urls = [served.url_for("notices.index", page=v) for v in (1, True, 1.0, 1, True)]
    assert urls == [
        "/notices/?page=1",
        "/notices/?page=True",
        "/notices/?page=1.0",
        "/notices/?page=1",
        "/notices/?page=True",
    ]


def test_urls_follow_the_script_root_of_each_request(served):
    client = served.test_client()
    plain = client.get("/notices/").get_data(as_text=True)
    prefixed = client.get("/notices/", base_url="http://localhost/sw/").get_data(as_text=True)
    plain_again = client.get("/notices/").get_data(as_text=True)
    assert 'href="/sw/notices/"' in prefixed and 'href="/notices/"' not in prefixed
    assert 'href="/notices/"' in plain and "/sw/" not in plain
    assert plain_again == plain


def test_a_relative_endpoint_is_kept_per_blueprint(served):
    with served.test_request_context("/notices/"):
        served.preprocess_request()
        in_notices = served.url_for(".index")
    with served.test_request_context("/draws/"):
        served.preprocess_request()
        in_draws = served.url_for(".index")
    assert (in_notices, in_draws) == ("/notices/", "/draws/")


def test_the_kept_urls_are_bounded(served, monkeypatch):
    monkeypatch.setattr(app_urls, "URL_MEMO_SIZE", 10)
    with served.test_request_context("/"):
        urls = [served.url_for("notices.index", page=n) for n in range(1, 26)]
    assert urls == [f"/notices/?page={n}" for n in range(1, 26)]
    assert 0 < len(served._url_memo) <= 10


def test_no_url_is_kept_before_the_first_request(app):
    with app.test_request_context("/"):
        app.url_for("public.home")
    assert app._url_memo == {}


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh", "首页|全部公告|3"), ("en", "Home|All notices|3")]
)
def test_the_templates_gettext_follows_the_render_locale(app, lang, expected):
    source = "{{ _('首页') }}|{{ gettext('全部公告') }}|{% trans n=3 %}{{ n }}{% endtrans %}"
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        refresh()
        assert render_template_string(source) == expected


def test_a_macro_imported_without_context_still_translates(app):
    probe = "{% macro home() %}{{ _('首页') }}{% endmacro %}"
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"_gettext_probe.html": probe}), app.jinja_env.loader]
    )
    source = "{% import '_gettext_probe.html' as probe %}{{ probe.home() }}"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        refresh()
        assert render_template_string(source) == "Home"


def test_a_kept_translation_is_formatted_and_escaped_as_before(app):
    source = "{{ _('100%%') }}|{{ _('<b>%(n)s', n='<i>') }}|{{ _('首页') }}"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        refresh()
        renders = [render_template_string(source) for _ in range(3)]
    assert renders == ["100%|<b>&lt;i&gt;|Home"] * 3


def test_an_unescaped_block_gets_plain_translations(app):
    source = "{{ _('a&b') }} {% autoescape false %}{{ _('a&b') }}{% endautoescape %}"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        refresh()
        assert render_template_string(source) == "a&b a&b"


@pytest.mark.parametrize(("lang", "english"), [("zh", False), ("en", True)])
def test_a_request_reads_its_locale_once_and_keeps_it(app, lang, english):
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        refresh()
        assert [i18n.english() for _ in range(3)] == [english] * 3
        assert i18n.request_locale() is get_locale()
        # Locale.parse reads zh_CN as zh_Hans_CN (as before the selector answered Locales).
        assert str(get_locale()) == ("en" if english else "zh_Hans_CN")


def test_outside_a_request_the_locale_is_read_each_time(app):
    assert i18n.english() is False
    assert i18n.request_locale() is get_locale()


def test_a_web_process_does_not_load_the_sms_client(tmp_path):
    """twilio and requests (~5 MB a process) are loaded by the backend that sends, not at start."""
    code = (
        "import sys; from app import create_app; from config import TestingConfig; "
        f"create_app(TestingConfig, SQLALCHEMY_DATABASE_URI='sqlite://', UPLOAD_FOLDER={str(tmp_path)!r}); "
        "print(sorted(m for m in ('twilio', 'requests') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(("path", "cors"), [("/healthz", None), ("/api/v1/notices", "*")])
def test_every_answer_carries_the_security_headers_once(app, path, cors):
    headers = app.test_client().get(path).headers
    assert headers.getlist("X-Frame-Options") == ["DENY"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert headers.getlist("Referrer-Policy") == ["strict-origin-when-cross-origin"]
    assert len(headers.getlist("Content-Security-Policy")) == 1
    assert headers.get("Access-Control-Allow-Origin") == cors


def test_the_session_serializer_is_kept_until_the_keys_change(app):
    sessions = app.session_interface
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first
    app.config["SECRET_KEY_FALLBACKS"] = ["an-older-key-of-at-least-thirty-two-chars"]
    rotated = sessions.get_signing_serializer(app)
    assert rotated is not first
    assert rotated.loads(first.dumps({"a": 1})) == {"a": 1}  # the old key still verifies
    app.config["SECRET_KEY_FALLBACKS"] = []
    app.secret_key = "a-new-key-of-at-least-thirty-two-characters"
    assert sessions.get_signing_serializer(app).secret_key != first.secret_key


@pytest.mark.parametrize("contents", [{}, {"k": "v"}])
@pytest.mark.parametrize("accessed", [False, True])
@pytest.mark.parametrize("modified", [False, True])
@pytest.mark.parametrize("vary", [None, "Accept-Language", "cookie"])
def test_a_session_is_saved_with_the_headers_flasks_own_saving_gives(
    app, contents, accessed, modified, vary
):
    from flask import Response
    from flask.sessions import SecureCookieSessionInterface

    answers = []
    for interface in (app.session_interface, SecureCookieSessionInterface()):
        with app.test_request_context("/notices/"):
            session = interface.session_class(contents)
            session.accessed, session.modified = accessed, modified
            response = Response("<p>x</p>", mimetype="text/html")
            if vary:
                response.headers["Vary"] = vary
            interface.save_session(app, session, response)
            answers.append(list(response.headers))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("name", ["a", "b", "empty", "absent"])
@pytest.mark.parametrize("kind", [None, int])
def test_a_requests_query_form_and_cookies_read_as_werkzeugs(app, name, kind):
    from werkzeug.datastructures import ImmutableMultiDict

    query = "a=1&a=2&b=x&empty="
    with app.test_request_context(
        f"/notices/?{query}",
        method="POST",
        data={"a": ["1", "2"], "b": "x", "empty": ""},
        headers={"Cookie": "a=1; b=x; empty="},
    ):
        for ours in (request.args, request.form, request.cookies):
            werkzeugs = ImmutableMultiDict(ours.items(multi=True))
            assert type(ours) is not ImmutableMultiDict  # the app's own
            assert ours.get(name, "d", type=kind) == werkzeugs.get(name, "d", type=kind)
            assert ours.get(name) == werkzeugs.get(name)
            assert ours.get(name, type=kind) == werkzeugs.get(name, type=kind)


def _nav_and_footer(page: str) -> str:
    start = page.index('<nav class="mainnav"')
    return page[start : page.index("</nav>", start)] + page[page.index('<footer class="footer">') :]


def test_the_kept_navigation_follows_the_language_and_the_script_root(served):
    client = Browser(served)
    chinese = _nav_and_footer(client.html("/notices/"))
    client.client.set_cookie("lang", "en")
    english = _nav_and_footer(client.html("/notices/"))
    prefixed = client.get("/notices/", base_url="http://localhost/sw/").get_data(as_text=True)
    client.client.delete_cookie("lang")
    assert "全部公告" in chinese and "All notices" not in chinese
    assert "All notices" in english and "全部公告" not in english
    assert 'href="/sw/notices/"' in _nav_and_footer(prefixed)
    assert _nav_and_footer(client.html("/notices/")) == chinese


def test_the_kept_footer_follows_the_office_name(served):
    client = Browser(served)
    assert "区公共资源交易管理办公室" in _nav_and_footer(client.html("/"))
    served.config["OFFICE_NAME"] = "某县公共资源交易中心"
    assert "某县公共资源交易中心" in _nav_and_footer(client.html("/"))


def test_no_fragment_is_kept_before_the_first_request(app):
    with app.test_request_context("/"):
        app.preprocess_request()
        render_template_string('{% call kept_fragment("x") %}x{% endcall %}')
    assert app._url_memo == {}


def test_template_globals_read_as_jinjas_chain_of_the_templates_over_the_environments(app):
    env = app.jinja_env
    plain = env.from_string("{{ a_global }}")
    own = env.from_string("{{ a_global }}|{{ mine }}", globals={"a_global": "own", "mine": 1})
    env.globals["a_global"] = "added later"  # seen by a template loaded before, as before
    assert plain.render() == "added later"
    assert own.render() == "own|1"
    assert "a_global" not in env.from_string("").globals.maps[0]
    assert (
        set(plain.globals.keys()) == set(env.globals) and plain.globals["a_global"] == "added later"
    )
    assert set(own.globals.keys()) == set(env.globals) | {"mine"}
    with pytest.raises(KeyError):
        plain.globals["no_such_global"]
    del env.globals["a_global"]
    assert "a_global" not in plain.globals


def test_a_render_context_holds_the_globals_and_vars_as_jinja_makes_them(app):
    env = app.jinja_env
    plain = env.from_string("")
    own = env.from_string("", globals={"url_for": "own", "mine": 1})
    env.globals["a_global"] = "added later"
    try:
        context = plain.new_context({"url_for": "a var", "v": 2})
        assert context.parent == dict(env.globals, url_for="a var", v=2)
        assert list(context.parent) == [*env.globals, "v"]  # the same order as dict(ChainMap)
        assert context.globals_keys == set(env.globals)
        mixed = own.new_context({"v": 2})
        assert mixed.parent == dict(env.globals, url_for="own", mine=1, v=2)
        assert mixed.globals_keys == set(env.globals) | {"mine"}
        shared = plain.new_context({"v": 2}, shared=True)
        assert shared.parent == {"v": 2} and shared.globals_keys == set(env.globals)
    finally:
        del env.globals["a_global"]


def test_a_macro_imported_without_context_sees_globals_but_not_the_context(app):
    probe = "{% macro m() %}{{ g_x }}/{{ v or 'none' }}{% endmacro %}"
    app.jinja_env.loader = ChoiceLoader([DictLoader({"_probe.html": probe}), app.jinja_env.loader])
    app.jinja_env.globals["g_x"] = "global"
    with app.test_request_context("/"):
        page = render_template_string('{% from "_probe.html" import m %}{{ m() }}', v="context")
    assert page == "global/none"


@pytest.fixture
def gettext_calls(app, monkeypatch):
    """The texts the templates' `_` is called with (app.i18n), as a list that grows."""
    calls = []
    original = app.jinja_env.globals["_"]

    @pass_context
    def counted(context, text, **variables):
        calls.append(text)
        return original(context, text, **variables)

    monkeypatch.setitem(app.jinja_env.globals, "_", counted)
    return calls


def test_a_fixed_text_is_read_without_calling_gettext_and_reads_the_same(app, gettext_calls):
    source = (
        "{{ _('首页') }}|{{ _('100%%') }}|{{ _('<b>%(n)s', n='<i>') }}|{{ _(word) }}"
        "|{% set w = _('全部公告') %}{{ w ~ '<i>' }}|{% for i in [1] %}{{ _('首页') }}{% endfor %}"
    )
    for lang, expected in [
        ("en", "Home|100%|<b>&lt;i&gt;|All notices|All notices&lt;i&gt;|Home"),
        ("zh", "首页|100%|<b>&lt;i&gt;|全部公告|全部公告&lt;i&gt;|首页"),
    ]:
        gettext_calls.clear()
        with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
            refresh()
            assert render_template_string(source, word="全部公告") == expected
        # Only the call with variables and the one of a variable went through `_`.
        assert gettext_calls == ["<b>%(n)s", "全部公告"]


def test_a_requests_fixed_texts_are_those_of_its_locale_and_its_app(app):
    from markupsafe import Markup

    from app.templating import FixedTexts

    texts = app.jinja_env.globals["_fixed_text"]
    other = FixedTexts(lambda text: Markup("<b>other</b>"))
    for lang, home in [("en", "Home"), ("zh", "首页"), ("en", "Home")]:
        with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
            refresh()  # the test's app context keeps Flask-Babel's locale across requests
            assert texts["首页"] == home and texts["首页"] == home
            assert other["首页"] == Markup("<b>other</b>")  # another app's, in the same request
            assert texts["首页"] == home


def test_a_render_reads_its_requests_fixed_texts_as_a_dict_of_its_locale(app):
    """A render's `_fixed_text` is the texts of its request's locale, read without a call per
    text; a macro imported without context reads the app's FixedTexts, as before."""
    from flask import render_template_string as render

    app.jinja_env.loader = DictLoader({"_m.html": "{% macro m() %}{{ _('首页') }}{% endmacro %}"})
    source = "{% from '_m.html' import m %}{{ _('首页') }}|{{ m() }}|{{ _fixed_text is mapping }}"
    for lang, home in [("en", "Home"), ("zh", "首页"), ("en", "Home")]:
        with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
            refresh()
            assert render(source) == f"{home}|{home}|True"
    with app.app_context():  # outside a request: the app's FixedTexts, translated each time
        assert (
            render_template_string("{{ _('首页') }}|{{ _fixed_text is mapping }}") == "首页|False"
        )


def test_a_template_that_binds_underscore_or_is_not_escaped_keeps_its_calls(app, gettext_calls):
    app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader(
                {
                    "_binds.html": "{% set _ = 1 %}{{ 'x' }}{% macro m() %}{{ _('首页') }}{% endmacro %}",
                    "plain.txt": "{{ _('首页') ~ '<i>' }}",
                }
            ),
            app.jinja_env.loader,
        ]
    )
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        refresh()
        assert render_template("plain.txt") == "Home<i>"  # a str, not Markup: nothing escaped
        assert gettext_calls == ["首页"]
        app.jinja_env.get_template("_binds.html")  # compiles: `_` is its own there
        source = "{% autoescape false %}{{ _('a&b') ~ '<i>' }}{% endautoescape %}"
        assert render_template_string(source) == "a&b<i>"
    assert gettext_calls == ["首页", "a&b"]


def test_the_forms_macros_bind_underscore_and_still_render(app):
    # templates/_macros/forms.html sets `_` (a throwaway): its texts keep their calls.
    browser = Browser(app)
    page = browser.html("/login")
    assert 'name="username"' in page


def test_the_limiter_still_limits_what_it_limits_and_skips_the_rest(app, client):
    # app.extensions.Limiter skips the work for a request no limit can apply to (issue 14).
    from flask import Blueprint

    from app.extensions import limiter

    app.config["API_RATE_LIMIT"] = "2 per minute"
    app.config["LOGIN_RATE_LIMIT"] = "1 per minute"
    probe = Blueprint("limited_probe", __name__)
    probe.add_url_rule("/limited-probe", "page", lambda: "ok")
    limiter.limit("1 per minute")(probe)
    app.register_blueprint(probe)
    for path, skipped in [
        ("/notices/", True),
        ("/", True),
        ("/api/v1/notices", False),
        ("/limited-probe", False),
        ("/login", False),
        ("/nowhere", False),
    ]:
        with app.test_request_context(path):
            assert limiter._no_limit_applies() is skipped, path
    answers = [client.get(p).status_code for p in ("/api/v1/offices",) * 2 + ("/api/v1/notices",)]
    assert answers == [200, 200, 429]
    assert [client.get("/limited-probe").status_code for _ in range(2)] == [200, 429]
    form = {"username": "nobody", "password": "wrong"}
    client.post("/login", form)
    assert client.post("/login", form).status_code == 429  # the view's own limit
    assert [client.get("/notices/").status_code for _ in range(5)] == [200] * 5


def test_the_limiters_memory_counts_without_starting_a_thread_and_sweeps_what_expired(
    app, client, monkeypatch
):
    # app.extensions.MemoryStorage (issue 14): limits' own started a threading.Timer every
    # few API requests to sweep its counters.
    import time

    import limits.storage.memory

    from app.extensions import MemoryStorage, limiter

    storage = MemoryStorage()  # limits' constructor starts its one thread

    def no_thread(*_args, **_kwargs):
        raise AssertionError("a thread started by a hit")

    monkeypatch.setattr(limits.storage.memory.threading, "Timer", no_thread)
    assert type(limiter.storage) is MemoryStorage
    assert limiter.limiter.storage is limiter.storage
    app.config["API_RATE_LIMIT"] = "3 per minute"
    answers = [client.get("/api/v1/notices").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]

    monkeypatch.setattr(storage, "SWEEP_SECONDS", 0)
    storage.incr("gone", 0.01)
    time.sleep(0.02)
    storage.incr("kept", 60)
    assert "gone" not in storage.storage and storage.get("kept") == 1


def test_default_limits_set_app_wide_still_reach_every_page(database_url, tmp_path):
    from app.extensions import limiter
    from tests.conftest import build_app

    limited = build_app(database_url, tmp_path, RATELIMIT_DEFAULT="2 per minute")
    try:
        with limited.app_context():
            browser = limited.test_client()
            assert [browser.get("/notices/").status_code for _ in range(3)] == [200, 200, 429]
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.limit_manager.set_default_limits([])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"If-None-Match": "ETAG"},
        {"If-None-Match": '"other"'},
        {"If-Match": '"other"'},
        {"If-Modified-Since": "Thu, 01 Jan 2026 00:00:00 GMT"},
        {"Range": "bytes=0-3"},
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_public_answer_is_made_conditional_as_werkzeug_makes_it(app, headers, method):
    from flask import Response

    from app.headers import _conditional

    etag = Response("<p>x</p>", mimetype="text/html")
    etag.add_etag()
    headers = {k: v.replace("ETAG", etag.headers["ETag"]) for k, v in headers.items()}
    with app.test_request_context("/notices/", method=method, headers=headers):
        ours, werkzeugs = (Response("<p>x</p>", mimetype="text/html") for _ in range(2))
        _conditional(ours)
        werkzeugs.add_etag()
        werkzeugs.make_conditional(request)
    assert ours.status_code == werkzeugs.status_code
    assert "Date" in ours.headers and "Date" in werkzeugs.headers
    assert [(k, v) for k, v in ours.headers if k != "Date"] == [
        (k, v) for k, v in werkzeugs.headers if k != "Date"
    ]


def test_ensure_sync_is_kept_per_function_and_still_refuses_async_ones(app):
    def plain():
        return 1

    async def waited():
        return 2

    assert app.ensure_sync(plain) is plain and app.ensure_sync(plain) is plain
    # Without asgiref (Flask's async extra) an async view is refused, every time, as by Flask.
    for _ in range(2):
        with pytest.raises(RuntimeError, match="async"):
            app.ensure_sync(waited)


def test_session_protection_skips_only_an_empty_session(app, monkeypatch):
    from flask import session

    from app.extensions import login_manager

    made = []
    original = login_manager._session_identifier_generator
    monkeypatch.setattr(
        login_manager, "_session_identifier_generator", lambda: made.append(1) or original()
    )
    with app.test_request_context("/"):
        assert login_manager._session_protection_failed() is False and made == []
        session["_user_id"] = "1"
        session["_id"] = "another browser"
        assert login_manager._session_protection_failed() is True  # strong: signed out
        assert made == [1] and "_user_id" not in session
