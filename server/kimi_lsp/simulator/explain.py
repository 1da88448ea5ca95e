"""The "explain this selection" handler: a markdown description of the selected code."""

from __future__ import annotations

from .codemodel import CodeInfo, FunctionInfo
from .prompt import Prompt
from .pyanalysis import analyze_python
from .reanalysis import analyze_regex
from .script import Turn

LANGUAGE_NAMES = {
    "python": "Python",
    "javascript": "JavaScript",
    "javascriptreact": "JavaScript (JSX)",
    "typescript": "TypeScript",
    "typescriptreact": "TypeScript (TSX)",
    "go": "Go",
    "rust": "Rust",
    "c": "C",
    "cpp": "C++",
    "java": "Java",
    "csharp": "C#",
}
MAX_LISTED = 12


def is_explain(prompt: Prompt) -> bool:
    """Detect an explain request: a ``<selection>`` block and "explain" outside the code."""
    return prompt.selection is not None and "explain" in prompt.instructions.lower()


def analyze(code: str, language: str) -> CodeInfo:
    """Analyse ``code``: Python with ``ast`` (regex fallback), the others with regexes."""
    info = analyze_python(code) if language == "python" else None
    if info is None:
        info = analyze_regex(code, language)
    info.language = language
    info.line_count = len(code.splitlines())
    return info


def _code(names: list[str]) -> str:
    """Format names as inline code, listing at most ``MAX_LISTED``."""
    shown = ", ".join(f"`{name}`" for name in names[:MAX_LISTED])
    extra = len(names) - MAX_LISTED
    return shown + (f" and {extra} more" if extra > 0 else "")


def _plural(count: int, word: str, plural: str | None = None) -> str:
    """Return ``"1 loop"`` / ``"3 loops"``."""
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _describe_function(function: FunctionInfo, kind: str = "Function") -> str:
    """Return one bullet describing a function or method."""
    prefix = "Async " + kind.lower() if function.is_async else kind
    named = [p for p in function.params if p not in ("/", "*")]
    params = ", ".join(f"`{p}`" for p in named) if named else "none"
    return f"- {prefix} `{function.signature()}`, parameters: {params}"


def _definitions(info: CodeInfo) -> list[str]:
    """Return the "Definitions" section lines."""
    lines: list[str] = []
    for function in info.functions:
        lines.append(_describe_function(function))
    for type_info in info.types:
        line = f"- {type_info.kind.capitalize()} `{type_info.name}`"
        if type_info.bases:
            line += f", based on {_code(type_info.bases)}"
        if type_info.methods:
            line += f", with {_plural(len(type_info.methods), 'method')}:"
        lines.append(line)
        lines.extend("  " + _describe_function(m, "Method") for m in type_info.methods)
    return lines


def _flow(info: CodeInfo) -> list[str]:
    """Return the "Control flow" section lines."""
    lines: list[str] = []
    if info.loops:
        lines.append(f"- {_plural(info.loops, 'loop')} (`for`/`while` or comprehensions)")
    if info.conditionals:
        lines.append(f"- {_plural(info.conditionals, 'conditional')} branching on its inputs")
    if info.returns:
        lines.append(f"- {_plural(info.returns, '`return` statement')}")
    if info.try_blocks or info.handles:
        handled = f", handling {_code(info.handles)}" if info.handles else ""
        lines.append(f"- {_plural(info.try_blocks, 'error-handling block')}{handled}")
    if info.raises:
        lines.append(f"- raises or throws {_code(info.raises)}")
    if info.awaits:
        lines.append(f"- {_plural(info.awaits, '`await`')}: asynchronous code")
    if info.yields:
        lines.append(f"- {_plural(info.yields, '`yield`')}: a generator")
    return lines


def _summary(info: CodeInfo, path: str | None) -> str:
    """Return the opening sentence."""
    language = LANGUAGE_NAMES.get(info.language, info.language)
    where = f" from `{path}`" if path else ""
    parts: list[str] = []
    if info.functions:
        parts.append(f"{_plural(len(info.functions), 'function')} ({_code(_fn_names(info))})")
    if info.types:
        names = [t.name for t in info.types]
        parts.append(f"{_plural(len(names), 'type')} ({_code(names)})")
    what = " and ".join(parts) if parts else "no functions or types; it is a run of statements"
    return (
        f"This selection is {_plural(info.line_count, 'line')} of {language}{where}. "
        f"It defines {what}."
    )


def _fn_names(info: CodeInfo) -> list[str]:
    """Return the names of the free functions."""
    return [f.name for f in info.functions]


def render_explanation(info: CodeInfo, path: str | None) -> str:
    """Return the markdown explanation of an analysed selection."""
    sections = [f"**Summary.** {_summary(info, path)}"]
    definitions = _definitions(info)
    if definitions:
        sections.append("### Definitions\n" + "\n".join(definitions))
    if info.imports:
        sections.append(f"### Imports\nIt imports {_code(info.imports)}.")
    if info.calls:
        sections.append(f"### Calls\nIt calls {_code(info.calls)}.")
    flow = _flow(info)
    if flow:
        sections.append("### Control flow\n" + "\n".join(flow))
    else:
        sections.append("### Control flow\nStraight-line code: no loops, branches or returns.")
    return "\n\n".join(sections) + "\n"


def explain_answer(prompt: Prompt) -> Turn:
    """Answer an explain request with reasoning and a markdown description."""
    code = prompt.selection or ""
    language = prompt.language or "c"
    info = analyze(code, language)
    names = info.defined_names()
    focus = f" defining {_code(names[:3])}" if names else ""
    reasoning = (
        f"The user wants an explanation of {_plural(info.line_count, 'line')} of "
        f"{LANGUAGE_NAMES.get(language, language)}{focus}. "
        "I will describe its definitions, dependencies, calls and control flow."
    )
    return Turn(reasoning=reasoning, content=render_explanation(info, prompt.path))
