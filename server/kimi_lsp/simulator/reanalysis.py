"""Best-effort structural analysis with regular expressions, for non-Python code.

Covers JavaScript/TypeScript, Go, Rust and C-like languages (C, C++, Java, C#, and a
Python fallback for selections that do not parse). Comments and string literals are
blanked out first, keeping offsets, so keywords inside them are not counted.
"""

from __future__ import annotations

import re

from .codemodel import CodeInfo, FunctionInfo, TypeInfo, add_unique

ID = r"[^\W\d]\w*"
_KEYWORD_TEXT = """
if elif else for while do switch case catch return function fn func def class new
sizeof typeof await yield throw match loop with try in of as not and or lambda
import from defer go select struct enum union
"""
KEYWORDS = frozenset(_KEYWORD_TEXT.split())

_C_NOISE = r"//[^\n]*|/\*.*?\*/"
_STRINGS = r'"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`'
NOISE = {
    "rust": re.compile(rf"{_C_NOISE}|{_STRINGS}|'(?:\\.|[^'\\\n])'", re.S),
    "python": re.compile(
        r"#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"", re.S
    ),
    "other": re.compile(rf"{_C_NOISE}|{_STRINGS}|'(?:\\.|[^'\\\n])*'", re.S),
}

IMPORTS = {
    "js": [
        r"\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?['\"]([^'\"]+)['\"]",
        r"\brequire\(\s*['\"]([^'\"]+)['\"]\s*\)",
    ],
    "go": [r"\bimport\s+(?:\w+\s+)?\"([^\"]+)\"", r"^\s*(?:\w+\s+)?\"([^\"]+)\"\s*$"],
    "rust": [r"^\s*(?:pub\s+)?use\s+([^;]+);"],
    "c": [r"#\s*include\s*[<\"]([^>\"]+)[>\"]", r"^\s*import\s+(?:static\s+)?([\w.*]+)\s*;"],
    "csharp": [r"^\s*using\s+([\w.]+)\s*;"],
    "python": [r"^\s*import\s+([\w., ]+)", r"^\s*from\s+([\w.]+)\s+import\s+([\w, *()]+)"],
}

FUNCTIONS = {
    "js": [
        rf"\b(?P<async>async\s+)?function\s*\*?\s*(?P<name>{ID})\s*(?:<[^>]*>)?\s*\((?P<params>[^)]*)\)",
        rf"\b(?:const|let|var)\s+(?P<name>{ID})\s*(?::[^=]+)?=\s*(?P<async>async\s+)?"
        rf"(?:\((?P<params>[^)]*)\)|(?P<single>{ID}))\s*(?::\s*[^=]+)?=>",
        rf"^[ \t]*(?:(?:public|private|protected|static|readonly|override|get|set)\s+)*"
        rf"(?P<async>async\s+)?\*?(?P<name>{ID})\s*(?:<[^>]*>)?\s*\((?P<params>[^)]*)\)"
        rf"\s*(?::\s*[^{{;]+)?\{{",
    ],
    "go": [
        rf"\bfunc\s+(?:\((?P<recv>[^)]*)\)\s*)?(?P<name>{ID})\s*(?:\[[^\]]*\])?\s*"
        rf"\((?P<params>[^)]*)\)"
    ],
    "rust": [
        rf"\b(?P<async>async\s+)?(?:unsafe\s+)?(?:extern\s+\"\w+\"\s+)?fn\s+(?P<name>{ID})"
        rf"\s*(?:<[^>]*>)?\s*\((?P<params>[^)]*)\)"
    ],
    "c": [
        rf"^[ \t]*(?:[\w:<>\[\],]+[ \t*&]+)+(?P<name>{ID})\s*\((?P<params>[^;{{)]*)\)"
        rf"\s*(?:const\s*)?(?:throws\s+[\w., ]+)?\s*\{{"
    ],
    "python": [rf"\b(?P<async>async\s+)?def\s+(?P<name>{ID})\s*\((?P<params>[^)]*)\)"],
}

TYPES = {
    "js": rf"\b(?P<kind>class|interface|enum)\s+(?P<name>{ID})"
    rf"(?:\s*<[^>]*>)?(?:\s+(?:extends|implements)\s+(?P<bases>[\w.$, <>]+?))?\s*\{{",
    "go": rf"\btype\s+(?P<name>{ID})\s+(?P<kind>struct|interface)\b",
    "rust": rf"\b(?P<kind>struct|enum|trait|union)\s+(?P<name>{ID})",
    "c": rf"\b(?P<kind>class|struct|interface|enum|record)\s+(?P<name>{ID})"
    rf"(?:\s*(?::|extends|implements)\s*(?P<bases>[\w:<>., ]+?))?\s*\{{",
    "python": rf"\b(?P<kind>class)\s+(?P<name>{ID})\s*(?:\((?P<bases>[^)]*)\))?\s*:",
}

RUST_IMPL = re.compile(
    rf"\bimpl(?:\s*<[^>]*>)?\s+(?:(?P<trait>[\w:]+)(?:<[^>]*>)?\s+for\s+)?(?P<name>{ID})"
)
BASE_SEPARATOR = r",|\s+(?:extends|implements)\s+"
CALL = re.compile(rf"(?<![\w.])(?P<name>{ID}(?:\s*(?:\.|::|->)\s*{ID})*)\s*(?P<bang>!)?\s*\(")
FAMILY = {
    "javascript": "js",
    "typescript": "js",
    "javascriptreact": "js",
    "typescriptreact": "js",
    "go": "go",
    "rust": "rust",
    "python": "python",
    "csharp": "csharp",
}


def blank_noise(code: str, family: str) -> str:
    """Replace comments and string literals by spaces, keeping offsets and newlines."""
    pattern = NOISE.get(family, NOISE["other"])
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)


def _block_end(code: str, start: int) -> int:
    """Return the offset just past the ``{...}`` block opening at or after ``start``."""
    depth = 0
    for index in range(code.find("{", start), len(code)):
        if index < 0:
            break
        if code[index] == "{":
            depth += 1
        elif code[index] == "}":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(code)


def _indented_block_end(code: str, start: int) -> int:
    """Return the offset where the indented Python block of the line at ``start`` ends."""
    line_start = code.rfind("\n", 0, start) + 1
    first = code[line_start:].split("\n", 1)[0]
    indent = len(first) - len(first.lstrip())
    offset = line_start + len(first) + 1
    while offset < len(code):
        end = code.find("\n", offset)
        end = len(code) if end < 0 else end
        line = code[offset:end]
        stripped = line.lstrip()
        if stripped and len(line) - len(stripped) <= indent:
            return offset
        offset = end + 1
    return len(code)


def _split_params(text: str | None) -> list[str]:
    """Split a parameter list on top-level commas, normalising whitespace."""
    if not text or not text.strip():
        return []
    return [" ".join(part.split()) for part in text.split(",") if part.strip()]


def _types(code: str, family: str, info: CodeInfo) -> list[tuple[TypeInfo, int, int]]:
    """Record type definitions; return each with the span of its body."""
    spans: list[tuple[TypeInfo, int, int]] = []
    for match in re.finditer(TYPES.get(family, TYPES["c"]), code, re.M):
        bases_text = match.groupdict().get("bases") or ""
        bases = [b.strip() for b in re.split(BASE_SEPARATOR, bases_text) if b.strip()]
        type_info = TypeInfo(match.group("name"), match.group("kind"), bases)
        info.types.append(type_info)
        if family == "python":
            end = _indented_block_end(code, match.start())
        else:
            end = _block_end(code, match.start())
        spans.append((type_info, match.end(), end))
    if family == "rust":
        for match in RUST_IMPL.finditer(code):
            type_info = info.type_named(match.group("name"))
            if match.group("trait"):
                add_unique(type_info.bases, match.group("trait"))
            spans.append((type_info, match.end(), _block_end(code, match.start())))
    return spans


def _functions(code: str, family: str, info: CodeInfo) -> list[tuple[int, int]]:
    """Record functions (attaching methods to their types); return definition spans."""
    spans = _types(code, family, info)
    seen: list[tuple[int, int]] = []
    for pattern in FUNCTIONS.get(family, FUNCTIONS["c"]):
        for match in re.finditer(pattern, code, re.M):
            name = match.group("name")
            if name in KEYWORDS or any(s <= match.start("name") < e for s, e in seen):
                continue
            seen.append((match.start(), match.end()))
            groups = match.groupdict()
            params = _split_params(groups.get("params")) or _split_params(groups.get("single"))
            function = FunctionInfo(name, params, is_async=bool(groups.get("async")))
            if groups.get("recv"):
                function.receiver = groups["recv"].split()[-1].lstrip("*")
                info.type_named(function.receiver).methods.append(function)
                continue
            owner = [t for t, s, e in spans if s <= match.start() < e]
            if owner:
                owner[-1].methods.append(function)
            else:
                info.functions.append(function)
    return seen


def _imports(code: str, family: str, info: CodeInfo) -> None:
    """Record imports; works on the original code because module names are strings."""
    patterns = IMPORTS.get(family, IMPORTS["c"])
    if family == "go":
        blocks = re.findall(r"\bimport\s*\(([^)]*)\)", code)
        for block in blocks:
            for line in block.splitlines():
                for match in re.finditer(patterns[1], line):
                    add_unique(info.imports, match.group(1))
        patterns = patterns[:1]
    for pattern in patterns:
        for match in re.finditer(pattern, code, re.M):
            add_unique(info.imports, " ".join(match.group(1).split()))


def analyze_regex(code: str, language: str) -> CodeInfo:
    """Summarise ``code`` written in ``language`` with regular expressions."""
    family = FAMILY.get(language, "c")
    info = CodeInfo(language=language)
    _imports(code, family, info)
    clean = blank_noise(code, family)
    definitions = _functions(clean, family, info)
    for match in CALL.finditer(clean):
        name = match.group("name")
        head = re.split(r"\s*(?:\.|::|->)\s*", name)[0]
        if head in KEYWORDS or any(s <= match.start() < e for s, e in definitions):
            continue
        add_unique(info.calls, re.sub(r"\s+", "", name) + ("!" if match.group("bang") else ""))
    loops_text = re.sub(r"\bimpl\b[^{;]*", "", clean) if family == "rust" else clean
    info.loops = len(re.findall(r"\b(?:for|while|loop)\b", loops_text))
    info.conditionals = len(re.findall(r"\b(?:if|elif|switch|match|select)\b", clean))
    info.returns = len(re.findall(r"\breturn\b", clean))
    info.try_blocks = len(re.findall(r"\btry\b", clean))
    info.awaits = len(re.findall(r"\bawait\b|\.await\b", clean))
    info.yields = len(re.findall(r"\byield\b", clean))
    for match in re.finditer(rf"\b(?:throw|raise)\s+(?:new\s+)?({ID}(?:\.{ID})*)", clean):
        add_unique(info.raises, match.group(1))
    if re.search(r"\bpanic!?\s*\(", clean):
        add_unique(info.raises, "panic")
    for match in re.finditer(rf"\b(?:catch|except)\s*\(?\s*({ID}(?:\.{ID})*)", clean):
        add_unique(info.handles, match.group(1))
    return info
