"""Structural analysis of Python code with the ``ast`` module."""

from __future__ import annotations

import ast
import textwrap

from .codemodel import CodeInfo, FunctionInfo, TypeInfo, add_unique

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def parse_python(code: str) -> ast.Module | None:
    """Parse ``code`` (dedented first: selections are often indented); None if invalid."""
    for candidate in (code, textwrap.dedent(code)):
        try:
            return ast.parse(candidate)
        except (SyntaxError, ValueError):
            continue
    return None


def _params(args: ast.arguments) -> list[str]:
    """Format parameters as written: annotations, defaults, ``/``, ``*``, ``*args``."""

    def one(arg: ast.arg, default: ast.expr | None = None) -> str:
        """Format one parameter."""
        text = arg.arg
        if arg.annotation is not None:
            text += f": {ast.unparse(arg.annotation)}"
        if default is not None:
            text += " = " if arg.annotation is not None else "="
            text += ast.unparse(default)
        return text

    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults.extend(args.defaults)
    result = [one(arg, default) for arg, default in zip(positional, defaults, strict=True)]
    if args.posonlyargs:
        result.insert(len(args.posonlyargs), "/")
    if args.vararg is not None:
        result.append("*" + one(args.vararg))
    elif args.kwonlyargs:
        result.append("*")
    result.extend(
        one(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    )
    if args.kwarg is not None:
        result.append("**" + one(args.kwarg))
    return result


def _function(node: FunctionNode) -> FunctionInfo:
    """Return the summary of one function definition."""
    return FunctionInfo(
        node.name, _params(node.args), is_async=isinstance(node, ast.AsyncFunctionDef)
    )


def _name_of(node: ast.expr) -> str:
    """Return a dotted name for a callee or exception expression ('' if not a name)."""
    if isinstance(node, ast.Call):
        return _name_of(node.func)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name_of(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    return ""


def _collect_definitions(tree: ast.Module, info: CodeInfo) -> None:
    """Record classes (with their methods) and functions, nested ones included."""
    methods: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            type_info = TypeInfo(node.name, "class", [ast.unparse(b) for b in node.bases])
            for item in node.body:
                if isinstance(item, FunctionNode):
                    methods.add(id(item))
                    type_info.methods.append(_function(item))
            info.types.append(type_info)
    for node in ast.walk(tree):
        if isinstance(node, FunctionNode) and id(node) not in methods:
            info.functions.append(_function(node))


def _collect_imports(node: ast.AST, info: CodeInfo) -> None:
    """Record ``import`` and ``from ... import`` statements."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            add_unique(info.imports, alias.name)
    elif isinstance(node, ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        names = ", ".join(alias.name for alias in node.names)
        add_unique(info.imports, f"{module} ({names})")


def _collect_flow(node: ast.AST, info: CodeInfo) -> None:
    """Count loops, conditionals, returns, raises, handlers, awaits and yields."""
    if isinstance(node, ast.For | ast.AsyncFor | ast.While | ast.comprehension):
        info.loops += 1
    elif isinstance(node, ast.If | ast.IfExp | ast.Match):
        info.conditionals += 1
    elif isinstance(node, ast.Return):
        info.returns += 1
    elif isinstance(node, ast.Raise):
        add_unique(info.raises, _name_of(node.exc) if node.exc is not None else "(re-raise)")
    elif isinstance(node, ast.Try | ast.TryStar):
        info.try_blocks += 1
    elif isinstance(node, ast.ExceptHandler):
        if node.type is None:
            add_unique(info.handles, "any exception")
        elif isinstance(node.type, ast.Tuple):
            for element in node.type.elts:
                add_unique(info.handles, _name_of(element))
        else:
            add_unique(info.handles, _name_of(node.type))
    elif isinstance(node, ast.Await):
        info.awaits += 1
    elif isinstance(node, ast.Yield | ast.YieldFrom):
        info.yields += 1
    elif isinstance(node, ast.Call):
        add_unique(info.calls, _name_of(node.func))


def analyze_python(code: str) -> CodeInfo | None:
    """Summarise Python ``code``; None if it does not parse."""
    tree = parse_python(code)
    if tree is None:
        return None
    info = CodeInfo(language="python", parsed=True)
    _collect_definitions(tree, info)
    for node in ast.walk(tree):
        _collect_imports(node, info)
        _collect_flow(node, info)
    return info
