"""Finding the local modules a piece of code imports, and where they are in the workspace.

Python: ``import X`` and ``from X import a`` where the top package of X is neither in
``sys.stdlib_module_names`` nor a well-known third-party package, plus every relative
import. JavaScript/TypeScript: ``import``/``export ... from`` and ``require`` of ``./`` or
``../`` specifiers. Paths are workspace-relative with ``/``, computed from the prompt's
``Path:``; a file outside the workspace (absolute path) has no local modules to offer.
"""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import dataclass, field

from .reanalysis import blank_noise

_WELL_KNOWN_TEXT = """
numpy pandas scipy matplotlib seaborn sklearn torch tensorflow keras jax numba sympy
networkx requests httpx aiohttp urllib3 certifi websockets grpc google boto3 botocore
django flask fastapi starlette uvicorn gunicorn celery redis pymongo psycopg psycopg2
sqlalchemy alembic pydantic attr attrs marshmallow click typer rich tqdm yaml toml tomli
tomli_w orjson ujson msgpack jinja2 markupsafe lxml bs4 PIL cv2 dateutil pytz six
setuptools pkg_resources wheel pip pytest _pytest hypothesis mypy ruff black isort
typing_extensions anyio trio lsprotocol pygls openai anthropic transformers
"""
WELL_KNOWN = frozenset(_WELL_KNOWN_TEXT.split())
"""Third-party top-level packages that are never workspace modules."""

NAME = r"(?<![\w$])(?!\d)[\w$]+"
"""An identifier of Python or JavaScript (``$`` allowed)."""
JS_LANGUAGES = frozenset({"javascript", "javascriptreact", "typescript", "typescriptreact"})
TS_SUFFIXES = (".ts", ".tsx", ".mts", ".cts")
JS_SUFFIXES = (".js", ".jsx", ".mjs", ".cjs", *TS_SUFFIXES, ".json", ".css", ".vue", ".svelte")

PY_FROM = re.compile(
    r"^[ \t]*from[ \t]+(\.*)[ \t]*([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.M
)
PY_IMPORT = re.compile(r"^[ \t]*import[ \t]+([^\n#;]+)", re.M)
JS_FROM = re.compile(
    r"\b(?:import|export)\s+(?:type\s+)?([\w$*{}\s,]*?)\s*\bfrom\s*['\"]([^'\"]+)['\"]"
)
JS_BARE = re.compile(r"\bimport\s*['\"]([^'\"]+)['\"]")
JS_REQUIRE = re.compile(
    r"(?:\b(?:const|let|var)\s+([\w${}\s,:]+?)\s*=\s*)?\brequire\(\s*['\"]([^'\"]+)['\"]\s*\)"
)


@dataclass
class LocalImport:
    """A workspace module the code imports, and the names the import binds."""

    module: str
    path: str
    names: list[str] = field(default_factory=list)


def workspace_dir(path: str | None) -> list[str] | None:
    """Return the directory parts of a workspace-relative ``path``; None if not one."""
    if not path:
        return None
    posix = path.replace("\\", "/")
    if posix.startswith("/") or re.match(r"^[A-Za-z]:/|^\w+://", posix):
        return None
    parts = [part for part in posixpath.normpath(posix).split("/")[:-1] if part != "."]
    return None if ".." in parts else parts


def _bound_names(clause: str) -> list[str]:
    """Return the local names of a Python or JS import list: ``a, b as c`` -> a, c."""
    names: list[str] = []
    for piece in re.split(r"[,{}()]", clause):
        words = re.sub(r"^\s*type\s+", "", piece).replace(":", " as ").split()
        if words and re.fullmatch(NAME, words[-1]):
            names.append(words[-1])
    return names


def _python_targets(level: int, module: str, here: list[str]) -> list[str] | None:
    """Return the path parts ``from <dots><module>`` denotes, or None above the root."""
    parts = module.split(".") if module else []
    if level:
        if level - 1 > len(here):
            return None
        return here[: len(here) - (level - 1)] + parts
    if parts[0] in here:
        root = len(here) - 1 - here[::-1].index(parts[0])
        return here[:root] + parts
    return here + parts  # a script-style import of a sibling module


def _python_imports(code: str, here: list[str]) -> list[LocalImport]:
    """Return the local modules imported by Python ``code``."""
    clean = blank_noise(code, "python")
    found: list[tuple[int, LocalImport]] = []
    for match in PY_FROM.finditer(clean):
        dots, module, clause = match.groups()
        if not dots and (not module or _third_party(module)):
            continue
        target = _python_targets(len(dots), module, here)
        if target is None:
            continue
        names = _bound_names(clause)
        written = dots + module
        if target == here[: len(target)]:  # a package containing this file: submodules
            prefix = written if written.endswith(".") else written + "."
            found.extend(
                (match.start(), LocalImport(prefix + name, _py([*target, name]), [name]))
                for name in names
            )
        else:
            found.append((match.start(), LocalImport(written, _py(target), names)))
    for match in PY_IMPORT.finditer(clean):
        for item in match.group(1).split(","):
            words = item.split()
            if not words or _third_party(words[0]):
                continue
            target = _python_targets(0, words[0], here)
            bound = words[-1] if len(words) == 3 and words[1] == "as" else words[0].split(".")[0]
            if target is not None and target != here[: len(target)]:
                found.append((match.start(), LocalImport(words[0], _py(target), [bound])))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _third_party(module: str) -> bool:
    """Whether a dotted module belongs to the standard library or a well-known package."""
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top in WELL_KNOWN


def _py(parts: list[str]) -> str:
    """Return the ``.py`` file path of a module given as path parts."""
    return "/".join(parts) + ".py"


def _js_path(spec: str, here: list[str], suffix: str) -> str | None:
    """Return the file a relative JS specifier names, or None if it leaves the workspace."""
    joined = posixpath.normpath(posixpath.join("/".join(here), spec))
    if joined == ".." or joined.startswith("../"):
        return None
    stem, ext = posixpath.splitext(joined)
    if ext in (".js", ".jsx") and suffix in TS_SUFFIXES:
        return stem + (".tsx" if ext == ".jsx" else ".ts")  # TS resolves x.js to x.ts
    if ext in JS_SUFFIXES:
        return joined
    return joined + (suffix if suffix in JS_SUFFIXES else ".js")


def _js_imports(code: str, here: list[str], suffix: str) -> list[LocalImport]:
    """Return the local modules imported by JavaScript/TypeScript ``code``."""
    found: list[tuple[int, LocalImport]] = []
    for pattern, spec_group, names_group in ((JS_FROM, 2, 1), (JS_BARE, 1, 0), (JS_REQUIRE, 2, 1)):
        for match in pattern.finditer(code):
            spec = match.group(spec_group)
            if not spec.startswith(("./", "../")):
                continue
            path = _js_path(spec, here, suffix)
            if path is not None:
                names = _bound_names(match.group(names_group) or "") if names_group else []
                found.append((match.start(), LocalImport(spec, path, names)))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def local_imports(code: str, language: str, path: str | None) -> list[LocalImport]:
    """Return the workspace modules ``code`` (from the file at ``path``) imports, in order."""
    here = workspace_dir(path)
    if here is None or not code:
        return []
    if language == "python":
        found = _python_imports(code, here)
    elif language in JS_LANGUAGES:
        found = _js_imports(code, here, posixpath.splitext(path or "")[1].lower())
    else:
        return []
    current = posixpath.normpath((path or "").replace("\\", "/"))
    return [item for item in found if item.path != current]


def used_identifiers(code: str, language: str) -> set[str]:
    """Return the identifiers ``code`` uses outside import statements, strings, comments."""
    patterns = (PY_FROM, PY_IMPORT) if language == "python" else (JS_FROM, JS_BARE, JS_REQUIRE)
    for pattern in patterns:
        code = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)
    family = "python" if language == "python" else "js" if language in JS_LANGUAGES else "c"
    return set(re.findall(NAME, blank_noise(code, family)))
