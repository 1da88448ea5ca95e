"""Where each key may go, and credentials written into a base URL never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_lsp.config.resolve import completion_endpoint, mismatch, resolve_endpoint
from kimi_lsp.config.sources import load
from kimi_lsp.model.client import require_key
from kimi_lsp.model.errors import ApiKeyMissing

EL_KEY = "el-provider-key-123456"
GW_KEY = "gw-provider-key-654321"


def env_with(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"HOME": str(tmp_path), **values}


@pytest.mark.parametrize(
    "url",
    [
        "https://completions.example.test/v1",
        "http://api.empiriolabs.ai/v1",  # not https: another origin
        "https://api.empiriolabs.ai.evil.test/v1",
        "https://api.empiriolabs.ai:8443/v1",
    ],
)
def test_a_provider_key_never_goes_to_a_foreign_completion_host(tmp_path: Path, url: str) -> None:
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY=EL_KEY)
    settings, problems = load(env, {"completion": {"baseUrl": url, "model": "small"}})
    assert problems == []
    main = resolve_endpoint(settings, env)
    assert main.api_key is not None
    assert main.api_key.get_secret_value() == EL_KEY
    ghost = completion_endpoint(settings, env)
    assert ghost.api_key is None
    with pytest.raises(ApiKeyMissing, match=r"kimi\.completion\.apiKey"):
        require_key(ghost)


def test_a_completion_url_on_the_same_host_gets_the_main_key(tmp_path: Path) -> None:
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY=EL_KEY)
    options = {"completion": {"baseUrl": "https://api.empiriolabs.ai/v2", "model": "small"}}
    ghost = completion_endpoint(load(env, options)[0], env)
    assert ghost.api_key is not None
    assert ghost.api_key.get_secret_value() == EL_KEY


def test_a_completion_url_of_another_provider_gets_that_providers_key(tmp_path: Path) -> None:
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY=EL_KEY, AIGATEWAY_API_KEY=GW_KEY)
    options = {"completion": {"baseUrl": "https://api.aigateway.sh/v1", "model": "small"}}
    ghost = completion_endpoint(load(env, options)[0], env)
    assert ghost.api_key is not None
    assert ghost.api_key.get_secret_value() == GW_KEY


def test_an_explicit_completion_key_goes_to_its_url(tmp_path: Path) -> None:
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY=EL_KEY)
    options = {
        "completion": {"baseUrl": "https://c.example.test/v1", "model": "m", "apiKey": "own"}
    }
    ghost = completion_endpoint(load(env, options)[0], env)
    assert ghost.api_key is not None
    assert ghost.api_key.get_secret_value() == "own"


def test_without_a_completion_url_ghost_text_uses_the_main_endpoint(tmp_path: Path) -> None:
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY=EL_KEY)
    ghost = completion_endpoint(load(env)[0], env)
    assert ghost.base_url == "https://api.empiriolabs.ai/v1"
    assert ghost.api_key is not None
    assert ghost.api_key.get_secret_value() == EL_KEY


def test_credentials_in_a_base_url_are_never_shown(tmp_path: Path) -> None:
    url = "https://alice:pa55-w0rd-XyZ@proxy.example.test/v1"
    env = env_with(tmp_path, EMPIRIOLABS_API_KEY=EL_KEY)
    settings, _ = load(env, {"provider": "empiriolabs", "baseUrl": url})
    warning = mismatch(settings, env)
    assert warning is not None
    assert "proxy.example.test" in warning
    assert "pa55-w0rd-XyZ" not in warning
    endpoint = resolve_endpoint(settings, env)
    assert "pa55-w0rd-XyZ" not in endpoint.shown_url
    assert "pa55-w0rd-XyZ" in endpoint.secrets()
    _, problems = load(env, {"baseUrl": "ftp://alice:pa55-w0rd-XyZ@proxy.example.test/v1"})
    assert problems
    assert not [p for p in problems if "pa55-w0rd-XyZ" in p]
