"""The app's Jinja environment: Flask's, with template globals that are cheap to read whole and
fixed texts translated without a call."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable
from types import BuiltinFunctionType, FunctionType, MethodType

import jinja2
import markupsafe
from flask.globals import _cv_request
from flask.templating import Environment as FlaskEnvironment
from jinja2 import nodes
from jinja2.runtime import Context as JinjaContext
from jinja2.runtime import new_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

#: The template global through which a fixed text's `_('…')` is read (`FixedTexts`).
FIXED_TEXTS = "_fixed_text"


class TemplateGlobals(ChainMap):
    """A template's globals as Jinja makes them — its own (nearly always none) over the
    environment's — read whole at C speed when it has none of its own (issue 14).

    Jinja reads them whole twice a render: every context copies them (`dict(globals, **vars)`),
    and every `{% from … import … %}` compares their keys with the imported template's
    (`_get_default_module`). On a ChainMap both go key by key through Python: ~80 globals,
    60–150 µs each time. With no globals of its own the template's are the environment's dict
    itself, so its keys view and item reads are that dict's (still live: a global added to the
    environment is seen, as with a ChainMap); any globals of its own take ChainMap's own way.
    """

    def _environment_only(self) -> dict | None:
        maps = self.maps
        return maps[1] if len(maps) == 2 and not maps[0] else None

    def keys(self):
        environment = self._environment_only()
        return super().keys() if environment is None else environment.keys()

    def __getitem__(self, key):
        environment = self._environment_only()
        return super().__getitem__(key) if environment is None else environment[key]


class FixedTexts:
    """`_('…')` of a fixed text in an HTML template, read as `_fixed_text['…']` (issue 14).

    A template's `{{ _('首页') }}` is a call through Jinja's context (which asks the function
    whether it wants the context, the environment or neither, and makes a derived context for it
    inside a block that sets a variable) to a gettext that returns the same Markup for the
    same text and locale every time: ~2.5 µs, and a page makes 20–50 of them. `Environment`
    compiles such a call — one literal string, no variables, in a template that escapes and does
    not rebind `_` — to an item of this object, whose `translate` (app.i18n) returns what the
    call returned. Other calls of `_` (a variable text, `%(n)s` variables, a template that is
    not escaped) are compiled as written.

    In a request, what `translate` gave is kept per locale, and the request keeps its locale's
    texts once the first is read: `translate` reads the request's locale and its catalogue's
    texts again on every call (~1.5 µs), and the request's locale is fixed once read
    (`app.i18n.request_locale`), as a catalogue is for the life of the process. Outside a
    request each item is `translate`'s, as before.
    """

    __slots__ = ("_by_locale", "translate")

    def __init__(self, translate: Callable[[str], str]) -> None:
        self.translate = translate
        #: What `translate` gave, per locale (a few thousand fixed texts at most: the templates').
        self._by_locale: dict = {}

    def __getitem__(self, text: str) -> str:
        ctx = _cv_request.get(None)
        if ctx is None:
            return self.translate(text)
        kept = ctx.request.environ.get(_REQUEST_TEXTS)
        texts = kept[1] if kept is not None and kept[0] is self else self._texts_of(ctx)
        return self.translate(text) if texts is None else texts[text]

    def of_request(self):
        """What a render in the current request reads `_fixed_text` as (app.i18n's context
        processor puts it in every render's context): the texts of the request's locale, a dict
        read at C speed by Jinja's `getitem` (issue 14) — each `_fixed_text['…']` through this
        object's `__getitem__` made three more calls to find the request's texts again. Outside
        a request, or before its locale is known, this object itself."""
        ctx = _cv_request.get(None)
        texts = None if ctx is None else self._texts_of(ctx)
        return self if texts is None else texts

    def _texts_of(self, ctx) -> _LocaleTexts | None:
        """The texts of the request's locale, kept on the request; None before its locale is
        known."""
        from app.i18n import request_locale  # app.i18n imports this module

        locale = request_locale()
        if locale is None:
            return None
        texts = self._by_locale.get(locale)
        if texts is None:
            texts = self._by_locale.setdefault(locale, _LocaleTexts(self.translate))
        ctx.request.environ[_REQUEST_TEXTS] = (self, texts)
        return texts


class _LocaleTexts(dict):
    """The fixed texts of one locale, each translated (`FixedTexts.translate`, in a request of that
    locale) the first time it is read and kept."""

    __slots__ = ("translate",)

    def __init__(self, translate: Callable[[str], str]) -> None:
        super().__init__()
        self.translate = translate

    def __missing__(self, text: str) -> str:
        value = self[text] = self.translate(text)
        return value


#: Where a request keeps the fixed texts of its locale (`FixedTexts`).
_REQUEST_TEXTS = "smallworks.fixed_texts"


class _FixedTextCalls(NodeTransformer):
    """Rewrites `_('literal')` into `_fixed_text['literal']` (`FixedTexts`)."""

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if (
            isinstance(node.node, nodes.Name)
            and node.node.name == "_"
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and type(node.args[0].value) is str
            and not node.kwargs
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            fixed = nodes.Name(FIXED_TEXTS, "load", lineno=node.lineno)
            return nodes.Getitem(fixed, node.args[0], "load", lineno=node.lineno)
        return node

    def visit_CallBlock(self, node: nodes.CallBlock) -> nodes.Node:
        # `{% call f(…) %}` must stay a call; only what is inside it is rewritten.
        call = node.call
        call.args = [self.visit(a) for a in call.args]
        call.kwargs = [self.visit(k) for k in call.kwargs]
        node.args = [self.visit(a) for a in node.args]
        node.defaults = [self.visit(d) for d in node.defaults]
        node.body = [self.visit(n) for n in node.body]
        return node


def _rewrites_fixed_texts(environment, template: nodes.Template, name: str | None) -> bool:
    """Whether `_('literal')` in `template` may be read from FixedTexts: its output is escaped
    throughout (a `{% autoescape %}` block could turn it off: plain str then, not Markup), and it
    never binds `_` itself (`{% set _ = … %}` in templates/_macros/forms.html, a loop variable, a
    macro argument, an import)."""
    if FIXED_TEXTS not in environment.globals:
        return False
    autoescape = environment.autoescape
    if not (autoescape(name) if callable(autoescape) else autoescape):
        return False
    if template.find(nodes.EvalContextModifier) is not None:
        return False
    if any(n.name == "_" and n.ctx != "load" for n in template.find_all(nodes.Name)):
        return False
    for node in template.find_all((nodes.FromImport, nodes.Import)):
        bound = (
            [n if isinstance(n, str) else n[-1] for n in node.names]
            if isinstance(node, nodes.FromImport)
            else [node.target]
        )
        if "_" in bound:
            return False
    return True


#: markupsafe's escaping of a str (its C speedups), which `markupsafe.escape` wraps in Markup.
_escape_text = getattr(markupsafe, "_escape_inner", None)


def output_escape(value) -> str:
    """What a compiled template writes for `{{ value }}` under autoescape: the text of
    `markupsafe.escape(value)`, without making it a Markup (issue 14).

    Jinja's compiled code calls `escape` only on what it outputs, and output is only joined into
    the page (a macro's, a `{% set %}` block's, a `{% filter %}` block's and a `caller()`'s
    output is made Markup whole after the join), so a plain str with the same text gives the same
    page. `escape` costs three Python calls for a str (itself, `Markup.__new__`, its `hasattr`)
    and six for a Markup (a translated text, a macro's output); a page outputs 50–400 values.
    A str is escaped by markupsafe's own function, a Markup is its own text, anything else
    takes `escape` itself."""
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind is Markup:
        return value
    return markupsafe.escape(value)


#: The callables whose Jinja-specific first argument, if any, is said by `jinja_pass_arg` on
#: themselves (a bound method: on its function), never by their `__call__`.
_PLAIN_CALLABLES = frozenset({FunctionType, MethodType, BuiltinFunctionType})


class Context(JinjaContext):
    """Jinja's render context, whose `call` of a plain function takes a short way (issue 14).

    Every call in a template (`url_for(…)`, `csrf_token()`, a macro's helper) goes through
    `Context.call`, which asks the callable and its `__call__` whether they want the context,
    the eval context or the environment (five Python calls) before calling it: ~20 calls a
    page, more on lists. A plain function or bound method that wants none of them (no
    `jinja_pass_arg`) is called as Jinja would call it, without the loop's or block's variables
    Jinja gives to every call in a loop or a block that sets one (only a function that takes
    the context reads them); anything else (a macro, a `pass_context` function, a callable
    object) takes Jinja's way."""

    def call(self, obj, /, *args, **kwargs):
        if type(obj) in _PLAIN_CALLABLES and not hasattr(obj, "jinja_pass_arg"):
            if kwargs:
                # Given to every call in a loop or a block that sets a variable; used by a
                # function that takes the context only (Jinja's way pops them too).
                kwargs.pop("_block_vars", None)
                kwargs.pop("_loop_vars", None)
            try:
                return obj(*args, **kwargs)
            except StopIteration:  # as Jinja's
                return self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(obj, *args, **kwargs)


class Template(jinja2.Template):
    """Jinja's template, whose render contexts copy the environment's globals as a dict, and whose
    compiled code outputs values through `output_escape`.

    A context starts as `dict(globals, **vars)`; the dict of a `TemplateGlobals` is built key by
    key through its Python `__getitem__` (~80 globals, ~15 µs, on each render and each
    `{% import %}`). With no globals of its own a template's are the environment's, so the
    environment's dict is copied instead, at C speed: the same keys, values and order."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        # The compiled module's `escape` (imported from jinja2.runtime), read by its render
        # functions as a global at each call: they use it on output only (`output_escape`).
        if _escape_text is not None and namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = output_escape
        return super()._from_namespace(environment, namespace, globals)

    def new_context(self, vars=None, shared=False, locals=None):
        globals = self.globals
        if type(globals) is TemplateGlobals:
            globals = globals._environment_only() or globals
        return new_context(self.environment, self.name, self.blocks, vars, shared, globals, locals)


class Environment(FlaskEnvironment):
    """Flask's environment, its templates' globals a `TemplateGlobals` (and their contexts made
    from the environment's dict, `Template`), fixed texts read from `FixedTexts` once app.i18n
    has installed them, output escaped by `output_escape` and plain functions called by
    `Context.call`'s short way."""

    template_class = Template
    context_class = Context

    def make_globals(self, d):
        return TemplateGlobals({} if d is None else d, self.globals)

    def _generate(self, source, name, filename, defer_init=False):
        if isinstance(source, nodes.Template) and _rewrites_fixed_texts(self, source, name):
            source = _FixedTextCalls().visit(source)
        return super()._generate(source, name, filename, defer_init=defer_init)
