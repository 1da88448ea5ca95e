"""The command line: version, and the parser's choices."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kimi_lsp import __version__
from kimi_lsp.cli import _parser


def test_version() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "kimi_lsp", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"kimi-lsp {__version__}"


def test_stdio_flag_is_accepted() -> None:
    args = _parser().parse_args(["--stdio", "--log-level", "debug"])
    assert args.stdio
    assert args.command is None


def test_tcp_and_subcommands() -> None:
    args = _parser().parse_args(["--tcp", "--port", "9999"])
    assert (args.tcp, args.port) == (True, 9999)
    assert _parser().parse_args(["simulator", "--port", "1234"]).sim_port == 1234
    chaotic = _parser().parse_args(["simulator", "--chaos", "0.2", "--seed", "7"])
    assert (chaotic.chaos, chaotic.seed) == (0.2, 7)
    slow = _parser().parse_args(["simulator", "--pace", "0.05", "--latency", "1.5"])
    assert (slow.pace, slow.latency) == (0.05, 1.5)
    assert _parser().parse_args(["demo", "--simulator"]).simulator


def test_bad_flag_exits_with_usage() -> None:
    with pytest.raises(SystemExit) as caught:
        _parser().parse_args(["--bogus"])
    assert caught.value.code == 2
