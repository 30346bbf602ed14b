"""The templates' output and calls take a short way (app.templating: `output_escape`,
`Context.call`) and give what Jinja's own gives, byte for byte (issue 14)."""

from __future__ import annotations

import jinja2
import pytest
from jinja2 import pass_context, pass_environment, pass_eval_context
from markupsafe import Markup, escape

from app import templating


class _Html:
    def __html__(self):
        return "<b>kept</b>"


class _Text:
    def __str__(self):
        return "<i>&'\"</i>"


class _Mine(str):
    """A str subclass: output_escape gives it to markupsafe's escape, as Jinja would."""


class _CallableObject:
    @pass_context
    def __call__(self, context, x):
        return f"object {context['v']} {x}"


def _stops():
    raise StopIteration


VALUES = {
    "plain": "<a href='x'>&\"</a>",
    "markup": Markup("<em>safe</em>"),
    "number": 12,
    "decimal": 1.5,
    "none": None,
    "true": True,
    "html": _Html(),
    "text": _Text(),
    "mine": _Mine("<sub>"),
    "listing": ["<x>", Markup("<y>")],
}

HELPERS = {
    "plain_function": lambda x="<p>": x,
    "method": "<{}>".format,
    "builtin": len,
    "with_context": pass_context(lambda context, x: f"{context['v']}{x}"),
    "with_eval_context": pass_eval_context(lambda eval_ctx, x: f"{eval_ctx.autoescape}{x}"),
    "with_environment": pass_environment(lambda env, x: f"{type(env).__name__ != ''}{x}"),
    "callable_object": _CallableObject(),
    "stops": _stops,
}

SOURCE = """
{%- for name, value in values|dictsort %}[{{ value }}]{% endfor %}
{{ values.plain ~ values.markup }} {{ values.listing|join(",") }} {{ values.plain|e }}
{{ values.plain|safe }} {{ values.none|default("<d>") }} {{ "<lit>" }} {{ values.number + 1 }}
{% macro m(x) %}<{{ x }}>{{ caller() if caller else "" }}{% endmacro -%}
{{ m(values.plain) }}{% call m(values.markup) %}{{ values.plain }}{% endcall %}
{% set block %}{{ values.plain }}<raw>{% endset %}{{ block }}|{{ block|length }}
{% filter upper %}{{ values.plain }}<raw>{% endfilter %}
{% autoescape false %}{{ values.plain }}{% endautoescape %}
{{ plain_function(values.plain) }} {{ plain_function() }} {{ method(values.plain) }}
{{ builtin(values.listing) }} {{ with_context("<c>") }} {{ with_eval_context("<e>") }}
{{ with_environment("<n>") }} {{ callable_object("<o>") }} [{{ stops() }}]
{% for i in [1, 2] %}{{ with_context(i) }}{{ plain_function(loop.index) }}{% endfor %}
{% set v = "<block var>" %}{{ with_context("!") }}{{ plain_function(v) }}
"""


def _render(environment: jinja2.Environment) -> str:
    environment.globals.update(HELPERS)
    return environment.from_string(SOURCE).render(values=VALUES, v="<v>")


def test_a_page_renders_as_jinjas_own_environment_renders_it(app):
    ours = templating.Environment(app, autoescape=True)
    jinjas = jinja2.Environment(autoescape=True)
    assert type(ours.from_string("").new_context()) is templating.Context
    assert _render(ours) == _render(jinjas)


@pytest.mark.parametrize("name", sorted(VALUES))
def test_an_output_value_is_the_text_of_escape(name):
    value = VALUES[name]
    assert templating.output_escape(value) == str(escape(value))


def test_only_the_compiled_modules_output_escape_is_replaced(app):
    template = templating.Environment(app, autoescape=True).from_string("{{ x }}")
    assert template.root_render_func.__globals__["escape"] is templating.output_escape
    assert template.root_render_func.__globals__["Markup"] is Markup
    # The escape a template's code gives a filter or a macro is still markupsafe's.
    assert jinja2.runtime.escape is escape


def test_a_call_keeps_jinjas_loop_and_block_variables_for_a_context_function(app):
    source = (
        "{% for x in [1] %}{{ f() }}{{ g(a=1) }}{% endfor %}{% set x = 2 %}{{ f() }}{{ g(b=x) }}"
        "{% block b %}{% set y = 3 %}{{ f() }}{{ g(c=y) }}{% endblock %}"
    )
    rendered = []
    ours, jinjas = templating.Environment(app, autoescape=True), jinja2.Environment(autoescape=True)
    for environment in (ours, jinjas):
        environment.globals["f"] = pass_context(lambda context: context.get("x"))
        environment.globals["g"] = lambda **kwargs: sorted(kwargs)
        rendered.append(environment.from_string(source).render())
    assert rendered[0] == rendered[1] == "None[&#39;a&#39;]2[&#39;b&#39;]2[&#39;c&#39;]"


# ---- the layout's masthead, kept per path, language, mode and names (base.html) -------------


def _masthead(page: str) -> str:
    return page[page.index("<body>") : page.index('<nav class="mainnav"')]


def _anew(app, path: str, **cookies) -> str:
    """The page with nothing kept, as the first request after a start renders it."""
    from tests.factories import Browser

    app._url_memo.clear()
    who = Browser(app)
    for name, value in cookies.items():
        who.client.set_cookie(name, value)
    return who.html(path)


@pytest.mark.parametrize(
    "path", ["/evaluations/criteria", "/notices/?type=trading_notice&page=2", "/draws/"]
)
def test_the_kept_masthead_follows_the_path_language_mode_and_names(app, path):
    from tests.factories import Browser

    app.test_client().get("/healthz")  # routes final: fragments may be kept
    who = Browser(app)
    seen = {}
    for lang, mode in [
        ("zh_CN", "standard"),
        ("en", "standard"),
        ("en", "large"),
        ("zh_CN", "large"),
    ]:
        who.client.set_cookie("lang", lang)
        who.client.set_cookie("display", mode)
        kept = _masthead(who.html(path))
        assert kept == _masthead(_anew(app, path, lang=lang, display=mode))
        seen[lang, mode] = kept
    assert len(set(seen.values())) == 4
    assert "next=/evaluations/criteria" in _masthead(who.html("/evaluations/criteria"))
    assert "next=/draws/" in _masthead(who.html("/draws/"))
    app.config["SITE_NAME"] = "另一个平台"
    assert "另一个平台" in _masthead(who.html(path))
    app.config["OFFICE_NAME"] = "另一个办公室"
    assert "另一个办公室" in _masthead(who.html(path))
    prefixed = who.client.get(path, base_url="http://localhost/sw/").get_data(as_text=True)
    assert 'href="/sw/"' in _masthead(prefixed)


def test_a_long_path_s_masthead_is_not_kept(app):
    from tests.factories import Browser

    app.test_client().get("/healthz")
    path = "/evaluations/criteria?q=" + "x" * 300
    page = Browser(app).html(path)
    assert "x" * 300 in _masthead(page)
    assert not any("x" * 300 in repr(key) for key in app._url_memo)
