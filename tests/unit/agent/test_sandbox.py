"""Every way a path could leave the workspace, or reach a secret, is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from kimi_lsp.agent.rules import DenyList, GitIgnore
from kimi_lsp.agent.sandbox import Refused, Sandbox, folders_from


@pytest.mark.parametrize(
    "path",
    [
        "../outside/notes.py",
        "pkg/../../outside/notes.py",
        "pkg/..",
        "..\\outside\\notes.py",
        "/etc/passwd",
        "C:/Windows/win.ini",
        "c:\\Windows\\win.ini",
        "\\\\server\\share\\x",
        "~/.ssh/id_rsa",
        "~root/.bashrc",
        "pkg/\0helpers.py",
    ],
)
def test_escapes_are_refused(sandbox: Sandbox, path: str) -> None:
    with pytest.raises(Refused):
        sandbox.resolve(path)


def test_absolute_path_inside_the_workspace_is_refused_too(
    sandbox: Sandbox, workspace: Path
) -> None:
    with pytest.raises(Refused, match="absolute"):
        sandbox.resolve(str(workspace / "pkg" / "helpers.py"))


def test_symlink_out_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(Refused, match="outside"):
        sandbox.resolve("link_out.py")
    with pytest.raises(Refused, match="outside"):
        sandbox.resolve("linked_dir/notes.py")


def test_symlink_inside_resolves_to_its_target(sandbox: Sandbox) -> None:
    [target] = sandbox.resolve("link_in.py")
    assert target.rel == "pkg/helpers.py"


@pytest.mark.parametrize(
    "path",
    [
        ".env",
        "config/.env.production",
        "server.pem",
        "my_secrets.py",
        ".git/config",
        ".git",
        "x.local",
    ],
)
def test_deny_list(sandbox: Sandbox, path: str) -> None:
    with pytest.raises(Refused, match="deny"):
        sandbox.resolve(path)


def test_url_encoding_is_not_decoded(sandbox: Sandbox) -> None:
    [target] = sandbox.resolve("%2e%2e/outside")  # a literal (missing) name inside the folder
    assert target.rel == "%2e%2e/outside"


def test_windows_separators_and_dots_normalise(sandbox: Sandbox) -> None:
    [target] = sandbox.resolve(".\\pkg\\.\\helpers.py")
    assert target.rel == "pkg/helpers.py"


def test_gitignore_with_negation(workspace: Path) -> None:
    ignore = GitIgnore(workspace)
    assert ignore.ignores("build", is_dir=True)
    assert ignore.ignores("build/out.py")
    assert ignore.ignores("debug.log")
    assert not ignore.ignores("keep.log")
    assert not ignore.ignores("pkg/helpers.py")


def test_nested_gitignore(workspace: Path) -> None:
    (workspace / "pkg" / ".gitignore").write_text("generated_*.py\n")
    ignore = GitIgnore(workspace)
    assert ignore.ignores("pkg/generated_api.py")
    assert not ignore.ignores("generated_api.py")


def test_multi_root_paths_name_their_folder(workspace: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.py").write_text("x = 1\n")
    box = Sandbox(folders_from([("app", str(workspace)), ("lib", str(other))]), DenyList())
    [target] = box.resolve("lib/a.py")
    assert box.display(target) == "lib/a.py"
    assert len(box.resolve(None)) == 2
    with pytest.raises(Refused, match="app, lib"):
        box.resolve("a.py")


def test_duplicate_folder_names_are_made_unique(workspace: Path, tmp_path: Path) -> None:
    other = tmp_path / "x"
    other.mkdir()
    names = [f.name for f in folders_from([("ws", str(workspace)), ("ws", str(other))])]
    assert names == ["ws", "ws-2"]
