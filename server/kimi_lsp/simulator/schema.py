"""The part of JSON Schema that structured outputs use: checking a value, making one.

Supported: ``type`` (a name or a list), ``properties``, ``required``,
``additionalProperties: false``, ``items``, ``enum``, ``const``, ``anyOf``/``oneOf``, and
local ``$ref`` (``#/$defs/...``, ``#/definitions/...``), which is what OpenAI's strict mode
accepts and what pydantic models produce. Other keywords are ignored.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 32


def _resolve(schema: Any, root: dict[str, Any], depth: int) -> dict[str, Any]:
    """``schema`` with a local ``$ref`` followed (an empty schema if unresolvable)."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and depth < MAX_DEPTH:
        node: Any = root
        for part in schema["$ref"].removeprefix("#").strip("/").split("/"):
            node = node.get(part) if isinstance(node, dict) and part else node
        schema, depth = node, depth + 1
    return schema if isinstance(schema, dict) else {}


def _is_type(value: Any, name: str) -> bool:
    """Whether ``value`` is a JSON value of type ``name`` (booleans are not numbers)."""
    if isinstance(value, bool) or value is None:
        return name == ("boolean" if isinstance(value, bool) else "null")
    kinds: dict[str, Any] = {"object": dict, "array": list, "string": str, "integer": int}
    kinds["number"] = (int, float)
    return name in kinds and isinstance(value, kinds[name])


def problem(value: Any, schema: Any, root: dict[str, Any], path: str = "$", depth: int = 0) -> str:
    """Why ``value`` does not fit ``schema``, or "" if it fits."""
    schema = _resolve(schema, root, depth)
    if depth > MAX_DEPTH:
        return ""
    if "const" in schema and value != schema["const"]:
        return f"{path} must be {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{path} must be one of {schema['enum']!r}"
    options = schema.get("anyOf") or schema.get("oneOf")
    if options and all(problem(value, o, root, path, depth + 1) for o in options):
        return f"{path} fits none of its alternatives"
    kinds = schema.get("type")
    names = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    if names and not any(_is_type(value, name) for name in names):
        return f"{path} must be of type {' or '.join(names)}"
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        missing = [k for k in schema.get("required") or [] if k not in value]
        if missing:
            return f"{path} lacks the required {missing[0]!r}"
        for key, item in value.items():
            if key in properties:
                found = problem(item, properties[key], root, f"{path}.{key}", depth + 1)
                if found:
                    return found
            elif schema.get("additionalProperties") is False:
                return f"{path} has the unexpected property {key!r}"
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found = problem(item, schema["items"], root, f"{path}[{index}]", depth + 1)
            if found:
                return found
    return ""


def example(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """A small value that fits ``schema``: the first enum value, every required property,
    empty arrays, zeros and short strings."""
    schema = _resolve(schema, root, depth)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    options = schema.get("anyOf") or schema.get("oneOf")
    if options and depth < MAX_DEPTH:
        return example(options[0], root, depth + 1)
    kinds = schema.get("type")
    kind = kinds[0] if isinstance(kinds, list) and kinds else kinds
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        if depth >= MAX_DEPTH:
            return {}
        keys = schema.get("required") or list(properties)
        return {k: example(properties.get(k, {}), root, depth + 1) for k in keys}
    defaults = {"array": [], "string": "simulated", "number": 0, "integer": 0, "boolean": False}
    return defaults.get(kind) if isinstance(kind, str) else None
