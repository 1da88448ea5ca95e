"""`contents.writable_target`: the check kimi.edit's tools use before proposing a change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kimi_lsp.agent.contents import writable_target
from kimi_lsp.agent.sandbox import Refused, Sandbox

from .conftest import LIMITS


def test_an_existing_text_file_may_be_edited(sandbox: Sandbox) -> None:
    target = writable_target(sandbox, "pkg/helpers.py", LIMITS, create=False)
    assert target.rel == "pkg/helpers.py"


def test_a_new_file_may_be_created_in_a_new_folder(sandbox: Sandbox) -> None:
    target = writable_target(sandbox, "tests/new/test_x.py", LIMITS, create=True)
    assert target.rel == "tests/new/test_x.py"


@pytest.mark.parametrize(
    ("path", "create", "reason"),
    [
        (".env", False, "deny list"),
        (".ENV", True, "deny list"),
        (".git/hooks/pre-commit", True, "deny list"),
        ("keys/new.pem", True, "deny list"),
        ("build/out.py", False, "ignored"),
        ("build/new.py", True, "ignored"),
        ("debug2.log", True, "ignored"),
        ("image.bin", False, "binary"),
        ("big.txt", False, "too large"),
        ("pkg", False, "folder"),
        ("", False, "name a file"),
        (".", True, "name a file"),
        ("../outside/notes.py", False, "'..'"),
        ("/etc/passwd", True, "absolute"),
        ("link_out.py", False, "outside"),
        ("linked_dir/new.py", True, "outside"),
        ("innocent.txt", False, "deny list"),
        ("pkg/helpers.py", True, "exists already"),
        ("link_in.py", True, "exists already"),
        ("pkg/missing.py", False, "does not exist"),
    ],
)
def test_what_may_not_be_written(sandbox: Sandbox, path: str, create: bool, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        writable_target(sandbox, path, LIMITS, create=create)


def test_a_fifo_is_not_a_file_to_edit(sandbox: Sandbox, workspace: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(workspace / "pipe.py")
    with pytest.raises(Refused, match="not a file"):
        writable_target(sandbox, "pipe.py", LIMITS, create=False)


def test_an_open_unsaved_buffer_counts_as_existing(sandbox: Sandbox, workspace: Path) -> None:
    unsaved = os.path.realpath(workspace / "pkg" / "draft.py")
    sandbox.buffers = {unsaved: "x = 1\n"}
    assert writable_target(sandbox, "pkg/draft.py", LIMITS, create=False).rel == "pkg/draft.py"
    with pytest.raises(Refused, match="exists already"):
        writable_target(sandbox, "pkg/draft.py", LIMITS, create=True)
