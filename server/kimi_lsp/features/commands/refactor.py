"""kimi.refactor {uri, range, instruction | preset}: rewrite the selection as the
instruction says, streaming the model's replacement into it (`lsp/rewrite.py`).

Without an instruction, refactor asks the user to pick a preset
(`window/showMessageRequest`); editors with a prompt of their own (the VS Code and Neovim
plugins) ask before calling. A cursor (an empty range) stands for its whole line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from kimi_lsp import prompts
from kimi_lsp.lsp.arguments import one_object, optional_str, range_of, uri_of
from kimi_lsp.lsp.documents import snapshot
from kimi_lsp.lsp.rewrite import run_rewrite
from kimi_lsp.lsp.selection import selection_context

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

REFACTOR = "kimi.refactor"
PRESET_TITLES = {
    "docstring": "Add docstring",
    "types": "Add type hints",
    "simplify": "Simplify",
}
"""The presets of `prompts.PRESETS` as the user sees them (code actions, the question)."""


async def run(ls: KimiLanguageServer, args: tuple[Any, ...]) -> dict[str, Any]:
    """kimi.refactor: rewrite the selection as the instruction says."""
    obj = one_object(args, REFACTOR, "{uri, range, instruction}")
    uri, rng = uri_of(obj, REFACTOR), range_of(obj, REFACTOR)
    instruction = (optional_str(obj, "instruction", REFACTOR) or "").strip()
    preset = optional_str(obj, "preset", REFACTOR)
    if preset is not None:
        if preset not in prompts.PRESETS:
            raise JsonRpcInvalidParams(
                f"{REFACTOR}: unknown preset {preset!r}; use one of {', '.join(prompts.PRESETS)}."
            )
        instruction = prompts.PRESETS[preset]
    if not instruction:
        asked = await _ask_for_preset(ls)
        if asked is None:
            return {"status": "cancelled", "message": "No instruction was given."}
        instruction = asked
    return await rewrite_range(ls, REFACTOR, "refactor", obj, uri, rng, instruction)


async def rewrite_range(
    ls: KimiLanguageServer,
    command: str,
    kind: str,
    obj: dict[str, Any],
    uri: str,
    rng: types.Range,
    instruction: str,
) -> dict[str, Any]:
    """Rewrite `rng` of `uri` (its whole line for a cursor) as `instruction` says; shared
    with kimi.fix, whose instruction names the diagnostics."""
    doc = snapshot(ls, uri)
    start, end = doc.offsets(rng)
    if start == end:  # a cursor: the whole line
        line, _ = doc.index.position(start, "utf-32")
        start = doc.index.starts[line]
        end = start + len(doc.index.line_text(line))
    context = selection_context(ls, doc, start, end)
    return await run_rewrite(
        ls,
        kind=kind,
        doc=doc,
        start=start,
        end=end,
        context=context,
        instruction=instruction,
        stream_id=optional_str(obj, "streamId", command),
    )


async def _ask_for_preset(ls: KimiLanguageServer) -> str | None:
    """Offer the presets as message buttons; None when dismissed or unsupported."""
    caps = ls.client_capabilities.window
    if not (caps and caps.show_message):
        raise JsonRpcInvalidParams(
            f"{REFACTOR} needs an `instruction` (or a `preset`: {', '.join(prompts.PRESETS)})."
        )
    choice = await ls.window_show_message_request_async(
        types.ShowMessageRequestParams(
            type=types.MessageType.Info,
            message="Kimi: how should the selection be refactored?",
            actions=[types.MessageActionItem(title=t) for t in PRESET_TITLES.values()],
        )
    )
    if choice is None:
        return None
    for key, title in PRESET_TITLES.items():
        if choice.title == title:
            return prompts.PRESETS[key]
    return None
