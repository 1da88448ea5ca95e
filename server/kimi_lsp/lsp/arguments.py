"""Reading `workspace/executeCommand` arguments, with errors that say what was expected.

Commands take `*args` (the VS Code palette sends `[]`), so every shape arrives here raw.
"""

from __future__ import annotations

from typing import Any, TypeGuard

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams


def one_object(args: tuple[Any, ...], command: str, shape: str) -> dict[str, Any]:
    """The single object argument of `command`; InvalidParams naming `shape` otherwise."""
    if len(args) != 1 or not isinstance(args[0], dict):
        got = f"{len(args)} arguments" if len(args) != 1 else f"a {type(args[0]).__name__}"
        raise JsonRpcInvalidParams(f"{command} takes one argument {shape}; it got {got}.")
    return args[0]


def uri_of(obj: dict[str, Any], command: str) -> str:
    """The `uri` field (also accepted: `textDocument.uri`)."""
    uri = obj.get("uri")
    if uri is None and isinstance(obj.get("textDocument"), dict):
        uri = obj["textDocument"].get("uri")
    if not isinstance(uri, str) or not uri:
        raise JsonRpcInvalidParams(f"{command}: `uri` must be a document URI string.")
    return uri


def range_of(obj: dict[str, Any], command: str) -> types.Range:
    """The `range` field as an LSP Range."""
    value = obj.get("range")
    if not isinstance(value, dict):
        raise JsonRpcInvalidParams(
            f"{command}: `range` must be {{start: {{line, character}}, end: {{line, character}}}}."
        )
    return types.Range(start=_position(value.get("start"), command, "start"),
                       end=_position(value.get("end"), command, "end"))  # fmt: skip


def _position(value: object, command: str, name: str) -> types.Position:
    if isinstance(value, dict):
        line, character = value.get("line"), value.get("character")
        if _natural(line) and _natural(character):
            return types.Position(line=line, character=character)
    raise JsonRpcInvalidParams(
        f"{command}: `range.{name}` must be {{line, character}} with whole numbers >= 0."
    )


def _natural(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def optional_str(obj: dict[str, Any], key: str, command: str) -> str | None:
    """An optional string field."""
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    raise JsonRpcInvalidParams(f"{command}: `{key}` must be a string.")
