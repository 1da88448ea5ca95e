"""Every message the server's source can send, scanned for the faults of issue 16.

The source is read, not run: each string or f-string passed where a user reads it (the
`Kimi: ` sinks `show`, `refuse`, `request_failed`, `prefixed`; the errors whose message is
shown, `ModelError` and its subclasses, `ProposalRefused`, `JsonRpcException` and kin;
progress labels; the clauses other messages are built from) is checked with
`kimi_lsp.wording.faults`, placeholders standing for a word. tests/e2e/test_messages.py
runs the real server through its failure paths and scans what it actually sent.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from kimi_lsp.wording import faults

PACKAGE = Path(__file__).parents[2] / "server" / "kimi_lsp"
NOT_FOR_USERS = ("simulator", "agent")
"""The simulated API's own words, and the tools' answers to the model."""
NOT_SERVED = ("demo.py", "demo_editor.py", "demo_sample.py")
"""The terminal demo, which prints to a terminal, not to an editor."""

SINKS = {"show", "refuse", "request_failed", "prefixed", "sentence", "sentences"}
"""Functions whose argument the user reads as sentences (`Kimi: ` is added by them)."""
RPC_ERRORS = {"JsonRpcException", "JsonRpcInvalidParams", "JsonRpcInvalidRequest"}
LABELS = {"report", "begin", "end", "done", "WorkDoneProgressReport", "WorkDoneProgressEnd"}
"""Progress labels (`thinking`, `done · session $0.0123 · 4 requests`): not sentences."""
CLAUSES = {
    "BlockTouched",
    "EditorNotResponding",
    "DocumentGone",
    "DocumentClosed",
    "NoLongerFits",
    "NotWhole",
    "PositionError",
}
"""Errors whose text is a clause that other messages are built from."""
SENTENCE_ERRORS = {"ModelError", "ProposalRefused"}
"""Errors whose text is shown as it is; their subclasses are found in the source."""


@dataclass(frozen=True)
class Message:
    where: str
    call: str
    template: str

    @property
    def text(self) -> str:
        """The template with each placeholder as a plain word."""
        return re.sub(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}", "x", self.template)


def _sources() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not set(NOT_FOR_USERS) & set(path.relative_to(PACKAGE).parts)
        and path.name not in NOT_SERVED
    ]


def _subclasses(trees: list[ast.Module], roots: set[str]) -> set[str]:
    """`roots` and every class of the package derived from one of them."""
    found = set(roots)
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in found:
                    bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                    if bases & found:
                        found.add(node.name)
                        grew = True
    return found


def _template(node: ast.expr, constants: dict[str, str]) -> str | None:
    """A string, an f-string (placeholders as `{...}`), a module constant, or a sum."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
            for v in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _template(node.left, constants), _template(node.right, constants)
        return (left if left is not None else "{?}") + (right if right is not None else "{?}")
    return None


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def messages() -> list[Message]:
    """Every message template passed to a place the user reads."""
    paths = _sources()
    trees = [ast.parse(p.read_text(encoding="utf-8")) for p in paths]
    sentence_errors = _subclasses(trees, SENTENCE_ERRORS)
    wanted = SINKS | RPC_ERRORS | LABELS | CLAUSES | sentence_errors
    found = []
    for path, tree in zip(paths, trees, strict=True):
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node) not in wanted:
                continue
            given = [kw.value for kw in node.keywords if kw.arg == "message"] + node.args[:1]
            for argument in given:
                template = _template(argument, constants)
                if template is not None:
                    where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                    found.append(Message(where, str(_name(node)), template))
    return found


def problems(message: Message) -> list[str]:
    """What is wrong with one template."""
    template = message.template
    ends_open = template.rstrip().endswith("}")  # a placeholder may end the sentence
    whole = message.call not in LABELS | CLAUSES and not ends_open
    found = faults(message.text, whole=whole)
    if message.call not in RPC_ERRORS and re.match(r"(?i)\s*kimi:", template):
        found.append("`Kimi: ` written by hand where it is added once")
    if re.search(r"\$\{", template):
        found.append("dollars formatted outside wording.usd()")
    return found


def test_the_scan_finds_the_messages() -> None:
    found = messages()
    calls = {m.call for m in found}
    assert len(found) > 100
    assert {"show", "refuse", "ProposalRefused", "ApiKeyMissing", "BudgetExceeded"} <= calls
    assert {"JsonRpcInvalidParams", "report", "NotWhole"} <= calls


def test_no_message_breaks_the_rules() -> None:
    bad = [f"{m.where} {m.call}: {m.template!r}: {problems(m)}" for m in messages() if problems(m)]
    assert not bad, "\n".join(bad)


def test_dollars_are_formatted_in_one_place() -> None:
    """Any f-string of the served code that puts `$` before a value, message or not."""
    bad = []
    for path in _sources():
        if path.name == "wording.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for before, value in zip(node.values, node.values[1:], strict=False):
                    if (
                        isinstance(before, ast.Constant)
                        and str(before.value).endswith("$")
                        and isinstance(value, ast.FormattedValue)
                    ):
                        bad.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not bad, bad


def test_the_scan_would_catch_the_faults_of_issue_16() -> None:
    """The checks applied to the faults the issue reports, as templates."""
    reported = [
        Message("x", "show", "Kimi: Kimi: No API key is set: {hint}."),
        Message("x", "refuse", "the document {uri} was closed Nothing was changed."),
        Message("x", "ModelError", "the editor did not answer within 5s The selection is kept."),
        Message("x", "request_failed", "internal error (JsonRpcMethodNotFound: {error})."),
        Message("x", "BudgetExceeded", "The session budget of ${budget:.2f} is spent."),
        Message("x", "ProposalRefused", "the change could not be written"),
    ]
    for message in reported:
        assert problems(message), message
