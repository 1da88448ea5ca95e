"""textDocument/codeAction: cheap to list (no model call until one is chosen).

Over a pending Kimi proposal: "Kimi: Accept change" and "Kimi: Reject change" (quick
fixes), and no new rewrite of that document until it is settled.

For a selection: Kimi: Explain, Kimi: Refactor... (the editor asks for the instruction;
a client without a prompt gets the presets from the server), and the presets Add docstring,
Add type hints, Simplify. For each diagnostic in range: a quick fix "Kimi: Fix: <message>"
that runs kimi.fix on the diagnostic's whole lines. Every action carries a command, so
every client can run it; actions are tagged LLM-generated where the client supports that.
A client without `codeActionLiteralSupport` gets the bare `Command`s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lsprotocol import types

from kimi_lsp.features.commands.accept import COMMAND as ACCEPT
from kimi_lsp.features.commands.fix import FIX
from kimi_lsp.features.commands.refactor import PRESET_TITLES, REFACTOR
from kimi_lsp.features.commands.reject import COMMAND as REJECT

if TYPE_CHECKING:
    from kimi_lsp.lsp.language_server import KimiLanguageServer

EXPLAIN = "kimi.explain"
KINDS = [
    types.CodeActionKind.Empty,
    types.CodeActionKind.QuickFix,
    types.CodeActionKind.RefactorRewrite,
]


def register(server: KimiLanguageServer) -> None:
    """Register the code action provider."""

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=False),
    )
    def code_actions(
        ls: KimiLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | list[types.Command]:
        actions = actions_for(ls, params)
        if _literals(ls):
            return actions
        return [action.command for action in actions if action.command is not None]


def actions_for(ls: KimiLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    """The actions for a range; none for a document the server does not have open."""
    uri = params.text_document.uri
    if uri not in ls.workspace.text_documents:
        return []
    rng = _plain(ls, params.range)
    selection = params.range.start != params.range.end
    tags = _tags(ls)
    out: list[types.CodeAction] = []

    def add(title: str, kind: types.CodeActionKind, command: str, arg: dict[str, Any]) -> None:
        out.append(
            types.CodeAction(
                title=title,
                kind=kind,
                command=types.Command(title=title, command=command, arguments=[arg]),
                tags=tags,
            )
        )

    proposal = ls.session.proposals.pending(uri)
    if proposal is not None:
        arg = {"uri": uri, "proposalId": proposal.id}
        if proposal.state == "proposed":
            add("Kimi: Accept change", types.CodeActionKind.QuickFix, ACCEPT, arg)
            out[-1].is_preferred = True
        add("Kimi: Reject change", types.CodeActionKind.QuickFix, REJECT, arg)
    line_count = len(ls.kimi_protocol.index_of(uri).starts)
    for diagnostic in params.context.diagnostics if proposal is None else ():
        first, last = diagnostic.range.start, diagnostic.range.end
        whole_lines = last.character == 0 and last.line > first.line
        end = min(last.line if whole_lines else last.line + 1, line_count)
        lines = {
            "start": {"line": min(first.line, line_count - 1), "character": 0},
            "end": {"line": end, "character": 0},
        }
        title = f"Kimi: Fix: {_short(diagnostic.message)}"
        add(title, types.CodeActionKind.QuickFix, FIX,
            {"uri": uri, "range": lines, "diagnostics": [_plain(ls, diagnostic)]})  # fmt: skip
        out[-1].diagnostics = [diagnostic]
    if selection or not _blank_line(ls, uri, params.range.start.line):
        add("Kimi: Explain" if selection else "Kimi: Explain this line",
            types.CodeActionKind.Empty, EXPLAIN, {"uri": uri, "range": rng})  # fmt: skip
    if selection and proposal is None:
        add("Kimi: Refactor...", types.CodeActionKind.RefactorRewrite, REFACTOR,
            {"uri": uri, "range": rng, "instruction": None})  # fmt: skip
        for preset, title in PRESET_TITLES.items():
            add(f"Kimi: {title}", types.CodeActionKind.RefactorRewrite, REFACTOR,
                {"uri": uri, "range": rng, "preset": preset})  # fmt: skip
    only = params.context.only
    if only:
        out = [a for a in out if any(_within(a.kind, kind) for kind in only)]
    return out


def _within(kind: str | None, wanted: str) -> bool:
    kind = kind or ""
    return kind == wanted or (wanted != "" and kind.startswith(wanted + "."))


def _short(message: str, limit: int = 60) -> str:
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _plain(ls: KimiLanguageServer, value: Any) -> Any:
    return ls.protocol._converter.unstructure(value)


def _tags(ls: KimiLanguageServer) -> list[types.CodeActionTag] | None:
    text = ls.client_capabilities.text_document
    caps = text.code_action if text else None
    support = caps.tag_support if caps else None
    if support and types.CodeActionTag.LlmGenerated in support.value_set:
        return [types.CodeActionTag.LlmGenerated]
    return None


def _literals(ls: KimiLanguageServer) -> bool:
    """Whether the client reads CodeAction literals (else it gets Commands)."""
    text = ls.client_capabilities.text_document
    caps = text.code_action if text else None
    return bool(caps and caps.code_action_literal_support)


def _blank_line(ls: KimiLanguageServer, uri: str, line: int) -> bool:
    """Whether the line is empty or only whitespace (nothing to explain there)."""
    index = ls.kimi_protocol.index_of(uri)
    return line >= len(index.starts) or not index.line_text(line).strip()
