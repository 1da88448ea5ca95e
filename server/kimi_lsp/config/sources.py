"""Where settings come from, and how layers are merged and validated.

Later layers override earlier ones: preset defaults (in `Settings`), the user config file
(`~/.config/kimi-lsp/config.toml`), environment variables, `initializationOptions`, and the
client's `workspace/configuration` section `kimi`. Invalid values are reported by name and
dropped, so the server keeps running on the defaults for those keys only.

The key is the exception: a key written in the config file yields to the provider's own
variable (`EMPIRIOLABS_API_KEY`, ...), so that exporting a fresh key always works. It is
kept apart (`Settings.file_api_key`) and applied by `resolve.py`.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError
from pydantic.alias_generators import to_camel

from kimi_lsp.config.settings import Settings
from kimi_lsp.model.errors import redact

log = logging.getLogger(__name__)

ENV_KEYS = {
    "KIMI_LSP_PROVIDER": "provider",
    "KIMI_LSP_BASE_URL": "baseUrl",
    "KIMI_LSP_MODEL": "model",
    "KIMI_LSP_API_KEY": "apiKey",
}
_FREE_KEYS = {"prices"}
"""Sections whose keys are data (model ids), not setting names."""
_SECRET_KEYS = {"apiKey"}

Layer = dict[str, Any]


def config_file_path(env: Mapping[str, str]) -> Path:
    """`$KIMI_LSP_CONFIG`, else `$XDG_CONFIG_HOME/kimi-lsp/config.toml` (~/.config by default)."""
    if explicit := env.get("KIMI_LSP_CONFIG"):
        return Path(explicit).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", "~")) / ".config")
    return Path(base).expanduser() / "kimi-lsp" / "config.toml"


def file_layer(path: Path) -> tuple[Layer, list[str]]:
    """The settings in a TOML file (a `[kimi]` table or top-level keys)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return {}, [f"{path}: cannot be read ({exc}); it is ignored"]
    section = data.get("kimi", data)
    return (normalize(section) if isinstance(section, dict) else {}), []


EDITOR_KEYS = frozenset({"server", "trace", "editor"})
"""Keys under `kimi` that belong to an editor extension (`kimi.server.command`, the language
client's `kimi.trace.server`, `kimi.editor.*`): the server neither reads nor reports them."""


def env_layer(env: Mapping[str, str]) -> Layer:
    """The settings given as KIMI_LSP_* environment variables."""
    return {key: env[var] for var, key in ENV_KEYS.items() if env.get(var)}


def client_layer(value: object) -> Layer:
    """`initializationOptions` or a `workspace/configuration` answer: `{kimi: {...}}` or flat."""
    if not isinstance(value, dict):
        return {}
    inner = value.get("kimi")
    layer = normalize(inner if isinstance(inner, dict) else value)
    return {key: item for key, item in layer.items() if key not in EDITOR_KEYS}


def normalize(layer: Mapping[str, Any], free: bool = False) -> Layer:
    """Accept snake_case keys too; drop nulls (a null means "not set here")."""
    out: Layer = {}
    for key, value in layer.items():
        name = key if free else to_camel(key) if "_" in key else key
        if value is None:
            continue
        out[name] = normalize(value, free=name in _FREE_KEYS) if isinstance(value, dict) else value
    return out


def merge(*layers: Layer) -> Layer:
    """Deep-merge layers, later ones winning key by key."""
    out: Layer = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value)
            else:
                out[key] = value
    return out


def clean(layer: Layer, source: str) -> tuple[Layer, list[str]]:
    """Drop the invalid keys of one layer, reporting each as `kimi.a.b (source): why`."""
    data = merge(layer)
    problems: list[str] = []
    for _ in range(50):
        try:
            Settings.model_validate(data)
            return data, problems
        except ValidationError as exc:
            removed = False
            for error in exc.errors():
                path = [str(part) for part in error["loc"]]
                problems.append(
                    _describe(path, error["type"], error["msg"], error.get("input"), source)
                )
                removed = _remove(data, path) or removed
            if not removed:
                break
    return {}, [*problems, f"settings from {source} could not be read; they are ignored"]


def _describe(path: list[str], kind: str, message: str, value: object, source: str) -> str:
    name = "kimi." + ".".join(path)
    if kind == "extra_forbidden":
        return f"{name} (from {source}) is not a kimi-lsp setting; it is ignored"
    shown = (
        ""
        if _SECRET_KEYS & set(path) or isinstance(value, (dict, list))
        else f" (got {redact(repr(value))})"
    )
    return f"{name} (from {source}): {message}{shown}; it is ignored"


def _remove(data: Layer, path: list[str]) -> bool:
    node: Any = data
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, dict) and path and path[-1] in node:
        del node[path[-1]]
        return True
    if isinstance(node, dict) and len(path) > 1:
        return _remove(data, path[:-1])
    return False


def load(
    env: Mapping[str, str] | None = None,
    init_options: object = None,
    workspace: object = None,
) -> tuple[Settings, list[str]]:
    """Build the settings from every source, in precedence order, with the problems found."""
    env = os.environ if env is None else env
    path = config_file_path(env)
    from_file, problems = file_layer(path)
    layers: list[Layer] = []
    file_key = from_file.pop("apiKey", None)
    for layer, source in (
        (from_file, str(path)),
        (env_layer(env), "the environment"),
        (client_layer(init_options), "initializationOptions"),
        (client_layer(workspace), "the editor's settings"),
    ):
        cleaned, found = clean(layer, source)
        layers.append(cleaned)
        problems.extend(found)
    settings = Settings.model_validate(merge(*layers))
    if isinstance(file_key, str) and file_key:
        settings._file_api_key = SecretStr(file_key.strip())
    elif file_key is not None:
        problems.append(f"kimi.apiKey (from {path}) must be a string; it is ignored")
    return settings, problems
