"""What the default responder knows about a piece of code: a language-neutral summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FunctionInfo:
    """A function or method definition."""

    name: str
    params: list[str] = field(default_factory=list)
    is_async: bool = False
    receiver: str | None = None

    def signature(self) -> str:
        """Return ``name(param, ...)`` with the parameters as written."""
        return f"{self.name}({', '.join(self.params)})"


@dataclass
class TypeInfo:
    """A class-like definition (class, struct, interface, enum, trait)."""

    name: str
    kind: str = "class"
    bases: list[str] = field(default_factory=list)
    methods: list[FunctionInfo] = field(default_factory=list)


@dataclass
class CodeInfo:
    """A structural summary of a code selection."""

    language: str
    line_count: int = 0
    functions: list[FunctionInfo] = field(default_factory=list)
    types: list[TypeInfo] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    loops: int = 0
    conditionals: int = 0
    returns: int = 0
    raises: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    try_blocks: int = 0
    awaits: int = 0
    yields: int = 0
    parsed: bool = False

    def type_named(self, name: str) -> TypeInfo:
        """Return the type called ``name``, adding it (as an ``impl`` target) if unknown."""
        for info in self.types:
            if info.name == name:
                return info
        info = TypeInfo(name, kind="type")
        self.types.append(info)
        return info

    def defined_names(self) -> list[str]:
        """Return every defined name: functions, types and methods, in order."""
        names = [f.name for f in self.functions]
        for info in self.types:
            names.append(info.name)
            names.extend(m.name for m in info.methods)
        return names


def add_unique(items: list[str], item: str) -> None:
    """Append ``item`` to ``items`` unless it is already there."""
    if item and item not in items:
        items.append(item)
