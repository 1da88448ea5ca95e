"""kimi.fix {uri, range, diagnostics}: rewrite the range so that the given diagnostics go
away. A refactor (`refactor.rewrite_range`) whose instruction names the diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from kimi_lsp import prompts
from kimi_lsp.features.commands.refactor import rewrite_range
from kimi_lsp.lsp.arguments import one_object, range_of, uri_of

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

FIX = "kimi.fix"


async def run(ls: KimiLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    """kimi.fix: rewrite the range so that the given diagnostics go away."""
    obj = one_object(args, FIX, "{uri, range, diagnostics}")
    uri, rng = uri_of(obj, FIX), range_of(obj, FIX)
    raw = obj.get("diagnostics")
    if not isinstance(raw, list) or not raw:
        raise JsonRpcInvalidParams(f"{FIX}: `diagnostics` must be a non-empty list of diagnostics.")
    problems = [_describe(d) for d in raw]
    return await rewrite_range(ls, FIX, "fix", obj, uri, rng, prompts.fix_instruction(problems))


def _describe(diagnostic: object) -> str:
    """`line 3: [pyflakes F401] 'os' imported but unused`."""
    if not isinstance(diagnostic, dict) or not isinstance(diagnostic.get("message"), str):
        raise JsonRpcInvalidParams(f"{FIX}: each diagnostic needs a `message` string.")
    where = ""
    rng = diagnostic.get("range")
    if isinstance(rng, dict) and isinstance(rng.get("start"), dict):
        line = rng["start"].get("line")
        if isinstance(line, int):
            where = f"line {line + 1}: "
    origin = " ".join(
        str(diagnostic[k]) for k in ("source", "code") if diagnostic.get(k) not in (None, "")
    )
    return f"{where}{'[' + origin + '] ' if origin else ''}{diagnostic['message']}"
