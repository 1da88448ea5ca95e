"""The deny list: every spelling of a credential file, the common ones of many tools, and
no setting can take a built-in entry away."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimi_lsp.agent.readers import ToolLimits
from kimi_lsp.agent.rules import DenyList
from kimi_lsp.agent.sandbox import Refused, Sandbox, folders_from
from kimi_lsp.agent.tools import run_tool
from kimi_lsp.model.types import ToolCall

DENIED = [
    ".ENV",
    ".Env",
    "pkg/.ENV.local",
    "ID_RSA",
    "keys/Id_Ed25519",
    "id_ecdsa",
    "id_ecdsa.pub",
    "id_dsa",
    "server.PEM",
    "certs/site.Key",
    ".GIT/config",
    ".Git/HEAD",
    ".npmrc",
    "web/.npmrc",
    ".pypirc",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".my.cnf",
    ".docker/config.json",
    "home/.docker/config.json",
    ".kube/config",
    "x/.kube/cache/token",
    "store.pfx",
    "store.P12",
    "keystore.jks",
    "release.keystore",
    "putty.ppk",
    "passwords.kdbx",
    ".envrc",
    "infra/terraform.tfstate",
    "infra/terraform.tfstate.backup",
    ".terraformrc",
    ".htpasswd",
    ".config/gh/hosts.yml",
    "gh/hosts.yml",
    ".config/kimi-lsp/config.toml",
    "kimi-lsp/config.toml",
    ".git-credentials",
    ".aws/credentials",
    ".config/gcloud/application_default_credentials.json",
    "client_secret.json",
    ".gnupg/private-keys-v1.d/x.key",
    ".azure/msal_token_cache.json",
    ".vault-token",
    ".boto",
    ".s3cfg",
    ".dockercfg",
    ".ssh/config",
    # names Windows opens as the denied file
    ".env.",
    ".env ",
    ".env::$DATA",
    "ID_RSA.",
]
ALLOWED = [
    "pkg/helpers.py",
    "README.md",
    "environment.py",
    "docs/keys.md",
    "kube/config.py",
    "config.toml",
    "tools/gh/readme.md",
    "gitignore.txt",
    "docker/config.json",
    "src/tokenizer.py",
]


@pytest.mark.parametrize("path", DENIED)
def test_denied_in_any_case_and_spelling(path: str) -> None:
    assert DenyList().denies(path)


@pytest.mark.parametrize("path", ALLOWED)
def test_ordinary_files_are_not_denied(path: str) -> None:
    assert not DenyList().denies(path)


@pytest.mark.parametrize(
    "user", [["!.env"], ["!*.pem"], ["!.git/"], ["!**/*"], ["*", "!*"], ["!id_rsa*"]]
)
def test_settings_can_add_but_never_remove(user: list[str]) -> None:
    deny = DenyList(user)
    for path in (".env", "server.pem", ".git/config", "id_rsa"):
        assert deny.denies(path), (user, path)


def test_a_user_negation_narrows_only_the_user_list() -> None:
    deny = DenyList(["*.local", "!keep.local"])
    assert deny.denies("x.local")
    assert not deny.denies("keep.local")


def test_user_patterns_ignore_case_too() -> None:
    assert DenyList(["*.Local"]).denies("X.LOCAL")


@pytest.fixture
def shouting(tmp_path: Path) -> Sandbox:
    """Upper-case names on a case-sensitive disk are distinct files: they are the real
    `.env` and key on macOS and Windows, so they are refused everywhere."""
    ws = tmp_path / "ws"
    (ws / ".GIT").mkdir(parents=True)
    (ws / ".GIT" / "config").write_text("url = https://user:SECRET-1@host\n")
    (ws / ".ENV").write_text("KEY=SECRET-2\n")
    (ws / "ID_RSA").write_text("SECRET-3\n")
    (ws / "server.PEM").write_text("SECRET-4\n")
    (ws / ".npmrc").write_text("//registry.npmjs.org/:_authToken=SECRET-5\n")
    (ws / "main.py").write_text("print('hi')\n")
    return Sandbox(folders_from([("ws", str(ws))]), DenyList(["!.env", "!*.pem"]))


def _run(sandbox: Sandbox, name: str, **args: object) -> str:
    import json

    return run_tool(
        sandbox, ToolCall(id="c", name=name, arguments=json.dumps(args)), ToolLimits()
    ).text


@pytest.mark.parametrize("path", [".GIT/config", ".ENV", "ID_RSA", "server.PEM", ".npmrc"])
def test_shouting_names_are_refused_by_every_tool(shouting: Sandbox, path: str) -> None:
    assert _run(shouting, "read_file", path=path).startswith("Refused: ")
    with pytest.raises(Refused, match="deny list"):
        shouting.resolve(path)


def test_shouting_names_are_never_listed_or_searched(shouting: Sandbox) -> None:
    assert _run(shouting, "list_files").splitlines() == ["main.py"]
    assert _run(shouting, "search_text", query="SECRET") == "(no matches)"


def test_the_settings_file_is_refused_by_its_real_path(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "my-settings.toml").write_text('apiKey = "sk-abc"\n')
    os.symlink(ws / "my-settings.toml", ws / "innocent.txt")
    box = Sandbox(
        folders_from([("ws", str(ws))]),
        DenyList(),
        denied_paths=frozenset({(ws / "my-settings.toml").resolve()}),
    )
    for path in ("my-settings.toml", "innocent.txt"):
        assert _run(box, "read_file", path=path).startswith("Refused: "), path
    assert _run(box, "list_files") == "(no files)"


@pytest.mark.parametrize(
    ("deny", "problem"),
    [
        (["x" * 2000, "*.local"], "pattern 1 is 2,000 characters long; at most 1,000"),
        (["a"] * 1001, "it has 1,001 patterns; at most 1,000"),
        ([1, 2], "must be a list of gitignore-style patterns"),
    ],
)
def test_a_bad_deny_setting_is_named_and_sets_aside_nothing_else(
    deny: object, problem: str
) -> None:
    from kimi_lsp.config import sources

    options = {"provider": "simulator", "apiKey": "abcdefgh12345", "tools": {"deny": deny}}
    settings, problems = sources.load({}, options, None)
    [message] = problems
    assert message.startswith("kimi.tools.deny")
    assert problem in message
    assert settings.provider == "simulator"  # the rest of the layer still applies
    assert settings.tools.deny == []
