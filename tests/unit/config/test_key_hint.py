"""The missing-key message says what to do in the editor that asked."""

from __future__ import annotations

import pytest

from kimi_lsp.config.key_hint import editor_of
from kimi_lsp.config.resolve import completion_endpoint, resolve_endpoint
from kimi_lsp.config.sources import load
from kimi_lsp.model.client import require_key
from kimi_lsp.model.errors import ApiKeyMissing
from kimi_lsp.wording import faults, prefixed

HOME = {"HOME": "/home/ada"}


def missing_key_message(editor: str, env: dict[str, str] | None = None) -> str:
    env = {**HOME, **(env or {})}
    endpoint = resolve_endpoint(load(env)[0], env, editor=editor)
    with pytest.raises(ApiKeyMissing) as caught:
        require_key(endpoint)
    return caught.value.message


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Visual Studio Code", "vscode"),
        ("Visual Studio Code - Insiders", "vscode"),
        ("VSCodium", "vscode"),
        ("code-server", "vscode"),
        ("Cursor", "vscode"),
        ("Neovim", "neovim"),
        ("Eglot", "other"),
        ("emacs", "other"),
        ("ale", "other"),
        ("", "other"),
    ],
)
def test_editors_by_client_name(name: str, family: str) -> None:
    assert editor_of(name) == family


def test_vs_code_is_told_its_command() -> None:
    message = missing_key_message("Visual Studio Code")
    assert message.startswith("No API key is set for empiriolabs: ")
    assert 'run "Kimi: Set API Key" from the Command Palette' in message
    assert "EMPIRIOLABS_API_KEY" in message


def test_neovim_is_told_the_neovim_way() -> None:
    message = missing_key_message("Neovim")
    assert "Set API Key" not in message  # there is no such command in Neovim
    assert "export EMPIRIOLABS_API_KEY or KIMI_LSP_API_KEY before starting Neovim" in message
    assert "~/.config/kimi-lsp/config.toml" in message
    assert ":KimiRestart" in message


@pytest.mark.parametrize("editor", ["Eglot", "", "vim"])
def test_other_editors_are_told_the_environment_or_the_config_file(editor: str) -> None:
    message = missing_key_message(editor)
    assert "Set API Key" not in message
    assert "Neovim" not in message
    assert "EMPIRIOLABS_API_KEY or KIMI_LSP_API_KEY in the environment" in message
    assert "api_key under [kimi] in ~/.config/kimi-lsp/config.toml" in message


def test_the_config_file_named_is_the_one_read() -> None:
    message = missing_key_message("Neovim", {"XDG_CONFIG_HOME": "/etc/xdg"})
    assert "/etc/xdg/kimi-lsp/config.toml" in message


def test_a_provider_variable_not_sent_to_another_host_is_not_suggested() -> None:
    env = {**HOME, "KIMI_LSP_PROVIDER": "empiriolabs", "KIMI_LSP_BASE_URL": "https://proxy/v1"}
    endpoint = resolve_endpoint(load(env)[0], env, editor="Neovim")
    assert "EMPIRIOLABS_API_KEY" not in endpoint.key_hint
    assert "KIMI_LSP_API_KEY" in endpoint.key_hint


def test_ghost_text_says_it_the_same_way() -> None:
    env = dict(HOME)
    assert "KimiRestart" in completion_endpoint(load(env)[0], env, editor="Neovim").key_hint


@pytest.mark.parametrize("editor", ["Visual Studio Code", "Neovim", "Eglot", ""])
def test_each_wording_is_a_clean_sentence(editor: str) -> None:
    assert faults(prefixed(missing_key_message(editor))) == []
