"""Settings sources, precedence, validation and endpoint resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_lsp.config.resolve import NotConfigured, max_output_tokens, resolve_endpoint
from kimi_lsp.config.sources import load
from kimi_lsp.logs import SecretFilter, scrub


def env_with(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"HOME": str(tmp_path), **values}


def write_config(tmp_path: Path, text: str) -> None:
    folder = tmp_path / ".config" / "kimi-lsp"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(text)


def test_defaults_pick_empiriolabs_without_key(tmp_path: Path) -> None:
    settings, problems = load(env_with(tmp_path))
    endpoint = resolve_endpoint(settings, env_with(tmp_path))
    assert problems == []
    assert (endpoint.provider, endpoint.model, endpoint.api_key) == (
        "empiriolabs",
        "kimi-k2-7-code",
        None,
    )
    assert "EMPIRIOLABS_API_KEY" in endpoint.key_hint


def test_aigateway_key_alone_picks_aigateway(tmp_path: Path) -> None:
    env = env_with(tmp_path, AIGATEWAY_API_KEY="sk-gw-123456")
    endpoint = resolve_endpoint(load(env)[0], env)
    assert endpoint.provider == "aigateway"
    assert endpoint.model == "moonshot/kimi-k2.7-code"
    assert endpoint.api_key is not None
    assert endpoint.api_key.get_secret_value() == "sk-gw-123456"
    assert endpoint.accepts_reasoning_effort


def test_precedence_file_env_init_workspace(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        '[kimi]\nmodel = "from-file"\nmax_tokens = 1000\n[kimi.budget]\nsession_usd = 1.5\n',
    )
    env = env_with(tmp_path, KIMI_LSP_MODEL="from-env")
    settings, problems = load(env, {"kimi": {"maxTokens": 2000}}, {"maxTokens": 3000})
    assert problems == []
    assert settings.model == "from-env"
    assert settings.max_tokens == 3000
    assert settings.budget.session_usd == 1.5


def test_base_url_key_and_model_alone_point_anywhere(tmp_path: Path) -> None:
    env = env_with(
        tmp_path,
        KIMI_LSP_BASE_URL="http://localhost:11434/v1/",
        KIMI_LSP_MODEL="qwen",
        KIMI_LSP_API_KEY="sk-local-999999",
    )
    endpoint = resolve_endpoint(load(env)[0], env)
    assert endpoint.provider == "openai-compatible"
    assert endpoint.chat_url == "http://localhost:11434/v1/chat/completions"
    assert endpoint.model == "qwen"


def test_openai_compatible_without_url_says_what_to_set(tmp_path: Path) -> None:
    env = env_with(tmp_path, KIMI_LSP_PROVIDER="openai-compatible")
    with pytest.raises(NotConfigured, match="KIMI_LSP_BASE_URL"):
        resolve_endpoint(load(env)[0], env)


def test_bad_values_are_named_and_lower_layers_kept(tmp_path: Path) -> None:
    env = env_with(tmp_path, KIMI_LSP_API_KEY="sk-keep-this-one")
    settings, problems = load(
        env, {"apiKey": 12, "budget": {"sessionUsd": -3}, "modle": "x", "maxTokens": 999999}
    )
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "sk-keep-this-one"
    assert settings.budget.session_usd is None
    assert settings.max_tokens == 16384
    joined = "\n".join(problems)
    for name in ("kimi.apiKey", "kimi.budget.sessionUsd", "kimi.modle", "kimi.maxTokens"):
        assert name in joined
    key_problems = [p for p in problems if "apiKey" in p]
    assert key_problems
    assert not [p for p in key_problems if "12" in p]  # a key's value is never echoed


def test_unreadable_config_file_is_reported(tmp_path: Path) -> None:
    write_config(tmp_path, "not = [valid toml")
    settings, problems = load(env_with(tmp_path))
    assert settings.model is None
    assert problems
    assert "config.toml" in problems[0]


def test_max_tokens_capped_by_provider(tmp_path: Path) -> None:
    env = env_with(tmp_path, AIGATEWAY_API_KEY="sk-gw-123456")
    settings, _ = load(env, {"maxTokens": 100000})
    assert max_output_tokens(settings, env) == 16384


def test_simulator_provider_uses_given_url_and_default_key(tmp_path: Path) -> None:
    env = env_with(tmp_path, KIMI_LSP_PROVIDER="simulator")
    endpoint = resolve_endpoint(load(env)[0], env, simulator_url="http://127.0.0.1:9/v1")
    assert endpoint.base_url == "http://127.0.0.1:9/v1"
    assert endpoint.api_key is not None


def test_provider_key_variable_beats_a_key_in_the_config_file(tmp_path: Path) -> None:
    write_config(tmp_path, '[kimi]\napi_key = "old-file-key-aaaa"\n')
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY="new-env-key-bbbb")
    endpoint = resolve_endpoint(load(env)[0], env)
    assert endpoint.api_key is not None
    assert endpoint.api_key.get_secret_value() == "new-env-key-bbbb"
    only_file = env_with(tmp_path)
    endpoint = resolve_endpoint(load(only_file)[0], only_file)
    assert endpoint.api_key is not None
    assert endpoint.api_key.get_secret_value() == "old-file-key-aaaa"


def test_editor_and_generic_keys_beat_the_provider_variable(tmp_path: Path) -> None:
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY="provider-key", KIMI_LSP_API_KEY="generic-key")
    endpoint = resolve_endpoint(load(env)[0], env)
    assert endpoint.api_key is not None
    assert endpoint.api_key.get_secret_value() == "generic-key"
    endpoint = resolve_endpoint(load(env, {"apiKey": "editor-key"})[0], env)
    assert endpoint.api_key is not None
    assert endpoint.api_key.get_secret_value() == "editor-key"


def test_a_provider_key_is_never_sent_to_another_host(tmp_path: Path) -> None:
    from kimi_lsp.config.resolve import mismatch

    env = env_with(
        tmp_path, KIMI_LSP_BASE_URL="https://api.moonshot.ai/v1", EMPIRIOLABS_API_KEY="el-key"
    )
    settings, _ = load(env, None, {"provider": "empiriolabs"})
    endpoint = resolve_endpoint(settings, env)
    assert endpoint.base_url == "https://api.moonshot.ai/v1"
    assert endpoint.api_key is None
    assert "EMPIRIOLABS_API_KEY" not in endpoint.key_hint
    warning = mismatch(settings, env)
    assert warning is not None
    assert "KIMI_LSP_API_KEY" in warning


def test_invalid_base_urls_are_reported(tmp_path: Path) -> None:
    for url in ("http://127.0.0.1:99999/v1", "http://[::1/v1", "ftp://x/v1"):
        settings, problems = load(env_with(tmp_path), {"baseUrl": url})
        assert settings.base_url is None
        assert any("kimi.baseUrl" in p for p in problems)


def test_editor_extension_keys_are_neither_read_nor_reported(tmp_path: Path) -> None:
    """The VS Code extension's own settings live under `kimi` too; the server skips them."""
    workspace = {
        "kimi": {
            "server": {"command": ["kimi-lsp"]},
            "trace": {"server": "verbose"},
            "editor": {"explainView": "beside"},
            "model": "m-1",
        }
    }
    settings, problems = load(env={"KIMI_LSP_CONFIG": str(tmp_path / "none")}, workspace=workspace)
    assert problems == []
    assert settings.model == "m-1"


@pytest.mark.parametrize(
    ("source", "env_extra", "file_text", "workspace"),
    [
        ("provider variable", {"EMPIRIOLABS_API_KEY": "key-abc12345\n"}, None, None),
        ("KIMI_LSP_API_KEY", {"KIMI_LSP_API_KEY": " key-abc12345\r\n"}, None, None),
        ("config file", {}, 'apiKey = "key-abc12345\\n"\n', None),
        ("editor settings", {}, None, {"kimi": {"apiKey": "key-abc12345  "}}),
    ],
)
def test_a_key_pasted_with_a_newline_works(
    tmp_path: Path,
    source: str,
    env_extra: dict[str, str],
    file_text: str | None,
    workspace: object,
) -> None:
    """httpx refuses a header ending in a newline; the key is used without the whitespace."""
    if file_text:
        write_config(tmp_path, file_text)
    env = env_with(tmp_path, **env_extra)
    settings, problems = load(env, workspace=workspace)
    assert problems == []
    key = resolve_endpoint(settings, env).api_key
    assert key is not None
    assert key.get_secret_value() == "key-abc12345", source


def test_the_log_filter_hides_a_key_with_or_without_its_newline() -> None:
    secrets = SecretFilter()
    secrets.add(["plainKey12345\n"])
    assert scrub("sent plainKey12345 and plainKey12345\\n", secrets.secrets) == "sent *** and ***"
