"""docs/protocol.md names every command and every setting the server defines."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from kimi_lsp.config.settings import Settings
from kimi_lsp.server import create_server

PROTOCOL = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")


def setting_names(model: type[BaseModel], prefix: str = "kimi.") -> list[str]:
    names = []
    for name, field in model.model_fields.items():
        key = prefix + to_camel(name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names += setting_names(annotation, key + ".")
        else:
            names.append(key)
    return names


def test_every_setting_is_documented() -> None:
    names = setting_names(Settings)
    assert "kimi.budget.sessionUsd" in names
    missing = [name for name in names if f"`{name}`" not in PROTOCOL]
    assert missing == []


def test_every_command_is_documented() -> None:
    commands = list(create_server().protocol.fm.commands)
    assert "kimi.explain" in commands
    missing = [c for c in commands if f"### `{c}`" not in PROTOCOL]
    assert missing == []
