"""The JavaScript the browser receives for each kind of app file.

Every module starts with the same prologue, on the first line so esbuild's source map stays
right for every other line: it imports the HMR client and gives the module its
`import.meta.hot`. Scripts then have their specifiers replaced with full URLs and, if they
declare components, the Fast Refresh registration appended. CSS, JSON and other files imported
from scripts (`?import`) become small modules of their own.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable

from .errors import ModuleError
from .imports import Specifier, replace_specifiers
from .refresh import refresh_footer
from .resolve import SCRIPT_EXTENSIONS, Resolved
from .transform import TransformedScript
from .urls import PreviewUrls

Timestamps = Callable[[str], "int | None"]

_CSS_URL = re.compile(r"""(?P<head>url\(\s*|@import\s+)(?P<q>["']?)(?P<url>[^"')\s]+)(?P=q)""")
_ABSOLUTE_URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_JS_RESERVED = frozenset(
    ("await", "break", "case", "catch", "class", "const", "continue", "debugger", "default")
    + ("delete", "do", "else", "enum", "export", "extends", "false", "finally", "for")
    + ("function", "if", "implements", "import", "in", "instanceof", "interface", "let", "new")
    + ("null", "package", "private", "protected", "public", "return", "static", "super")
    + ("switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with")
    + ("yield", "arguments", "eval")
)


def prologue(urls: PreviewUrls, module: str) -> str:
    client = json.dumps(urls.runtime("client.js"))
    return (
        f"import {{ createHotContext as __fp_hot }} from {client}; "
        f"import.meta.hot = __fp_hot({json.dumps(module)}); "
    )


def is_script(module: str) -> bool:
    return posixpath.splitext(module)[1] in SCRIPT_EXTENSIONS


def import_url(resolved: Resolved, urls: PreviewUrls, timestamps: Timestamps) -> str:
    """The URL an import of `resolved` is rewritten to."""
    if resolved.kind == "module":
        module = resolved.target
        return urls.module(module, imported=not is_script(module), timestamp=timestamps(module))
    if resolved.kind == "vendor":
        return urls.vendor(resolved.target)
    if resolved.kind == "dep":
        return urls.dep(resolved.target)
    return resolved.target


def render_script(
    module: str,
    script: TransformedScript,
    resolved: dict[Specifier, Resolved],
    urls: PreviewUrls,
    timestamps: Timestamps,
    self_url: str,
) -> str:
    """The served module. `self_url` is the URL it was requested by, query included, so that
    importing its own namespace for Fast Refresh yields this very module instance."""
    # The client matches `acceptedPath` against module ids, so accepted deps become ids.
    replacements = {
        specifier: target.target
        if specifier.kind == "accept"
        else import_url(target, urls, timestamps)
        for specifier, target in resolved.items()
    }
    head, footer = prologue(urls, module), ""
    if script.components:
        head += (
            f"import * as __fp_refresh from {json.dumps(urls.runtime('refresh.js'))}; "
            f"import * as __fp_exports from {json.dumps(self_url)}; "
        )
        footer = refresh_footer(module, list(script.components))
    code = replace_specifiers(script.code, replacements)
    return head + code + footer + script.source_map_comment


def render_css_module(module: str, css: str, urls: PreviewUrls) -> str:
    """A module that puts the stylesheet in a `<style data-fp-id>`, replaced on update,
    removed when pruned; it accepts itself, so a CSS edit never reloads the page."""
    text = json.dumps(rewrite_css_urls(module, css, urls))
    fp_id = json.dumps(module)
    return (
        prologue(urls, module) + f"const __fp_id = {fp_id};\nconst __fp_css = {text};\n"
        'let __fp_style = document.querySelector(`style[data-fp-id="${CSS.escape(__fp_id)}"]`);\n'
        "if (!__fp_style) {\n"
        '  __fp_style = document.createElement("style");\n'
        '  __fp_style.setAttribute("data-fp-id", __fp_id);\n'
        "  document.head.appendChild(__fp_style);\n"
        "}\n"
        "__fp_style.textContent = __fp_css;\n"
        "import.meta.hot.accept();\n"
        "import.meta.hot.prune(() => __fp_style.remove());\n"
        "export default __fp_css;\n"
    )


def rewrite_css_urls(module: str, css: str, urls: PreviewUrls) -> str:
    """Point `url(...)` and `@import` at the app file they name: the stylesheet may be
    inlined into a `<style>`, where relative URLs would resolve against the page."""

    def replace(match: re.Match[str]) -> str:
        target = match["url"]
        if _ABSOLUTE_URL.match(target):
            return match.group()
        if not target.startswith("/"):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(module), target))
        return f"{match['head']}{match['q']}{urls.module(target)}{match['q']}"

    return _CSS_URL.sub(replace, css)


def render_json_module(module: str, text: str, urls: PreviewUrls) -> str:
    """`export default` the data, plus one named export per top-level key that is a name."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ModuleError.at(
            f"Invalid JSON: {error.msg}", module, text, error.lineno, error.colno - 1, "json"
        ) from error
    names = []
    if isinstance(data, dict):
        names = [k for k in data if _IDENTIFIER.match(k) and k not in _JS_RESERVED]
    named = f"export const {{ {', '.join(names)} }} = __fp_json;\n" if names else ""
    return (
        prologue(urls, module)
        + f"const __fp_json = {json.dumps(data)};\nexport default __fp_json;\n"
        + named
    )


def render_asset_module(module: str, urls: PreviewUrls, timestamp: int | None) -> str:
    url = urls.module(module, timestamp=timestamp)
    return prologue(urls, module) + f"export default {json.dumps(url)};\n"
