"""The request's language, for text that comes in both languages as data (rules' labels, refusals).

Text written in a template or a view is translated with gettext (`app/translations`); a label or a
message that a pure rule carries as a (Chinese, English) pair is picked here.
"""

from __future__ import annotations

import re

from babel import Locale
from flask import Flask
from flask.globals import _cv_request
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from app.refusal import Refusal
from app.templating import FIXED_TEXTS, FixedTexts

#: The cookie that holds the visitor's choice of language (`public.set_language`).
LOCALE_COOKIE = "lang"
#: The site's two locales, parsed once: Flask-Babel parses what the selector answers on every
#: request (Locale.parse, ~35 µs), unless it is a Locale already.
ENGLISH, CHINESE = Locale.parse("en"), Locale.parse("zh_CN")


def locale_of(cookies) -> Locale:
    """The locale a request's cookies choose: English only when the cookie says exactly so. The
    one rule, for Flask-Babel's selector and for the page cache's key (`app.pagecache`), which
    reads it before any request context exists."""
    return ENGLISH if cookies.get(LOCALE_COOKIE) == "en" else CHINESE


#: Where a request keeps its locale once read (`request_locale`).
_LOCALE_KEY = "smallworks.locale"


def request_locale():
    """Flask-Babel's `get_locale()`, read once per request (issue 14).

    Each read costs 5–10 µs (the `g` proxy, Flask-Babel's namespace on it) and a list page reads
    it 50–120 times (every `loc`, `named`, `citation`, and `_` in a macro imported without
    context). The request's locale is fixed by its cookie when first read, so the request keeps
    it: Flask-Babel's `refresh()` and `force_locale` inside a request that has read it do not
    change it (nothing does that; a job that renders in a given language runs outside a
    request, where the locale is read each time, as before).
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        return get_locale()
    environ = ctx.request.environ
    try:
        return environ[_LOCALE_KEY]
    except KeyError:
        locale = environ[_LOCALE_KEY] = get_locale()
        return locale


def english() -> bool:
    """Whether the request reads English (Chinese outside a request)."""
    try:
        locale = request_locale()
    except RuntimeError:  # no application or request context: a CLI command, a job
        return False
    return locale is not None and locale.language == "en"


#: The template context's name for the catalogue of the render's locale (`install_template_gettext`).
CATALOGUE_VAR = "_i18n_catalogue"
#: Escaped texts kept per locale: a template's fixed texts are a few thousand at most; a text
#: made at run time (`_(variable)`) beyond them is translated each time, not kept.
MARKED_MAX = 4096


def install_template_gettext(app: Flask) -> None:
    """The templates' `_`/`gettext`/`ngettext`/`pgettext`/`npgettext`, each a dictionary read of
    the catalogue of the request's locale, looked up once per render (issue 14).

    Flask-Babel's own callables look up the request's domain, locale and catalogue again on every
    call (five context-local reads and a locale formatted to a string), and Jinja's newstyle
    wrappers add two more dispatches through the template context: 25–30 µs a call, and a public
    page makes 40–130 of them. A catalogue never changes while the process runs (Flask-Babel
    keeps each one for good too), so each app keeps its catalogues by locale, and a context
    processor puts the one of the request's locale into each render's context. A template
    context without it (a macro imported without context, a template rendered outside Flask)
    looks it up by `request_locale` on each call.
    Same newstyle semantics as Jinja's (always a format string, Markup under autoescape); they
    replace Flask-Babel's, and `_` is `gettext` itself rather than Jinja's alias that looks it up.
    A text without variables in an HTML template is escaped and formatted once per locale and
    kept (immutable Markup, the same every time).
    """
    kept: dict = {}  # locale → (its catalogue, its escaped texts without variables)

    def current():
        locale = request_locale()
        try:
            return kept[locale]
        except KeyError:
            if locale is None:  # outside a request: Flask-Babel's null catalogue, not kept
                return get_translations(), None
            return kept.setdefault(locale, (get_translations(), {}))

    def of(context):
        found = context.get(CATALOGUE_VAR)
        return found if found is not None else current()

    def formatted(context, text, variables):
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 - our own catalogue's text, as Jinja's wrapper
        return text % variables  # always a format string, as Jinja's newstyle gettext

    @pass_context
    def gettext(__context, __string, **variables):
        catalogue, marked = of(__context)
        plain = variables or marked is None or type(__string) is not str
        if plain or not __context.eval_ctx.autoescape:
            return formatted(__context, catalogue.ugettext(__string), variables)
        # Most calls: a fixed text in an HTML template, the same Markup every time.
        try:
            return marked[__string]
        except KeyError:
            text = formatted(__context, catalogue.ugettext(__string), variables)
            if len(marked) < MARKED_MAX:
                marked[__string] = text
            return text

    @pass_context
    def ngettext(__context, __singular, __plural, __num, **variables):
        variables.setdefault("num", __num)
        text = of(__context)[0].ungettext(__singular, __plural, __num)
        return formatted(__context, text, variables)

    @pass_context
    def pgettext(__context, __string_ctx, __string, **variables):
        variables.setdefault("context", __string_ctx)
        return formatted(__context, of(__context)[0].upgettext(__string_ctx, __string), variables)

    @pass_context
    def npgettext(__context, __string_ctx, __singular, __plural, __num, **variables):
        variables.setdefault("context", __string_ctx)
        variables.setdefault("num", __num)
        text = of(__context)[0].unpgettext(__string_ctx, __singular, __plural, __num)
        return formatted(__context, text, variables)

    def fixed(text: str) -> Markup:
        """What `gettext(text)` gives with no variables in an escaped template, without the
        call (app.templating.FixedTexts: `_('…')` of a literal text compiles to this)."""
        catalogue, marked = current()
        if marked is None:
            return Markup(catalogue.ugettext(text)) % {}  # noqa: S704 - as `formatted`
        try:
            return marked[text]
        except KeyError:
            escaped = Markup(catalogue.ugettext(text)) % {}  # noqa: S704 - as `formatted`
            if len(marked) < MARKED_MAX:
                marked[text] = escaped
            return escaped

    app.jinja_env.newstyle_gettext = True  # {% trans %} passes its variables to gettext
    app.jinja_env.globals.update(
        _=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )
    texts = app.jinja_env.globals[FIXED_TEXTS] = FixedTexts(fixed)
    app.context_processor(lambda: {CATALOGUE_VAR: current(), FIXED_TEXTS: texts.of_request()})


def loc(zh: str, en: str) -> str:
    """A (Chinese, English) pair in the request's language."""
    return en if english() else zh


def label(pair: tuple[str, ...]) -> str:
    """A label tuple (Chinese first, English second if any) in the request's language."""
    return pair[1] if len(pair) > 1 and english() else pair[0]


def localized(error: Refusal) -> str:
    """A refusal's message in the request's language."""
    return loc(error.message, error.message_en)


def named(obj) -> str:
    """A record's name (a pool category, an office) in the request's language: its `name_en` on
    the English site when it has one, else its (Chinese) `name`. None reads as empty."""
    if obj is None:
        return ""
    name_en = getattr(obj, "name_en", "") or ""
    return name_en if name_en and english() else obj.name


#: The laws and measures the rules cite, in English (app.i18n.citation_en).
LAW_TITLES_EN = {
    "招标投标法实施条例": "Regulations on the Implementation of the Bidding Law",
    "招标投标法": "Bidding Law",
    "中华人民共和国招标投标法": "Bidding Law",
    "工程建设项目招标投标活动投诉处理办法": "Measures on Complaints in Construction Bidding",
    "招标投标违法行为记录公告暂行办法": "Interim Measures on Publishing Records of Bidding Violations",
    "中华人民共和国行政处罚法": "Administrative Penalty Law",
    "行政处罚法": "Administrative Penalty Law",
    "中华人民共和国政府信息公开条例": "Regulations on Open Government Information",
    "必须招标的工程项目规定": "Provisions on Projects That Must Be Tendered",
    "建设工程质量管理条例": "Regulations on the Quality of Construction Works",
    "小型建设工程预选承包商名录库管理办法": "Measures on the Contractor Pool for Small Construction Works",
}

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _number(zh: str) -> str:
    """一 → 1, 十三 → 13, 四十五 → 45 (the article numbers the rules cite); digits stay."""
    if zh.isdigit():
        return zh
    if "十" in zh:
        tens, _sep, units = zh.partition("十")
        return str(
            (_DIGITS.get(tens, 1) if tens else 1) * 10 + (_DIGITS.get(units, 0) if units else 0)
        )
    return str(_DIGITS.get(zh, zh))


def citation_en(basis: str) -> str:
    """A legal basis as the rules write it (《招标投标法实施条例》第六十一条第二款；…) in English
    ("Regulations on the Implementation of the Bidding Law, art. 61(2); …"). A title it does not
    know stays as written."""
    text = re.sub(r"《([^》]+)》", lambda m: LAW_TITLES_EN.get(m.group(1), m.group(0)), basis or "")
    text = re.sub(
        r"第([一二三四五六七八九十零\d]+)条", lambda m: f", art. {_number(m.group(1))}", text
    )
    text = re.sub(r"第([一二三四五六七八九十零\d]+)款", lambda m: f"({_number(m.group(1))})", text)
    text = text.replace("（参照）", " (by analogy)").replace("、, ", ", ").replace("、", ", ")
    return text.replace("；", "; ").replace("，", ", ").strip()


def citation(basis: str) -> str:
    """A legal basis in the request's language."""
    return loc(basis, citation_en(basis))
