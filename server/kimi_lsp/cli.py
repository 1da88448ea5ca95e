"""The `kimi-lsp` command line.

kimi-lsp [--stdio]                     serve LSP on stdin/stdout (the default)
kimi-lsp --tcp [--host H] [--port P]   serve LSP on TCP, for debugging
kimi-lsp demo                          explain a sample file end to end and print the cost
kimi-lsp simulator [--port P]          run the built-in Kimi simulator on 127.0.0.1
kimi-lsp --editor-path nvim|emacs|vim  print where that editor's plugin files are
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys

from kimi_lsp import __version__
from kimi_lsp.editor_files import EDITORS, editor_path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kimi-lsp", description="A language server for Moonshot's Kimi K2.7 Code."
    )
    parser.add_argument("--version", action="version", version=f"kimi-lsp {__version__}")
    parser.add_argument(
        "--editor-path",
        choices=EDITORS,
        metavar="EDITOR",
        help="print the folder of the nvim, emacs or vim plugin that comes with kimi-lsp",
    )
    parser.add_argument("--stdio", action="store_true", help="serve on stdio (the default)")
    parser.add_argument("--tcp", action="store_true", help="serve on TCP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=2087, help="TCP port (default 2087)")
    parser.add_argument("--log-file", help="write logs to this file instead of stderr")
    parser.add_argument(
        "--log-level", choices=["error", "warning", "info", "debug"], help="overrides kimi.logLevel"
    )
    sub = parser.add_subparsers(dest="command")
    demo = sub.add_parser("demo", help="explain a sample file end to end, then print the cost")
    demo.add_argument("--simulator", action="store_true", help="use the simulator even with a key")
    sim = sub.add_parser("simulator", help="run the built-in Kimi simulator")
    sim.add_argument("--host", dest="sim_host", default="127.0.0.1")
    sim.add_argument("--port", dest="sim_port", type=_port, default=8765)
    sim.add_argument("--api-key", default=None, help="the key clients must send")
    sim.add_argument(
        "--chaos",
        type=float,
        default=0.0,
        metavar="RATE",
        help="inject faults (429, 5xx, drops, stalls, malformed events) into this share "
        "of requests, e.g. 0.2",
    )
    sim.add_argument("--seed", type=int, default=1, help="seed of the chaos mode")
    sim.add_argument(
        "--pace", type=float, default=0.0, metavar="SECONDS", help="delay between streamed chunks"
    )
    sim.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="time to the first token"
    )
    sim.add_argument("--script", metavar="FILE", help="answer from this JSON cassette")
    sim.add_argument(
        "--profile",
        choices=["fast", "kimi"],
        default="fast",
        help="fast: answer at once; kimi: Kimi K2.7 Code's time to first token and token rate",
    )
    return parser


def _port(text: str) -> int:
    """A TCP port number (0 lets the system choose one)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port


def _cannot_listen(what: str, host: str, port: int, error: OSError) -> int:
    """One sentence on stderr for an address that cannot be listened on; exit code 2."""
    if error.errno == errno.EADDRINUSE:
        why = f"{host}:{port} is already in use. Stop what listens there, or choose another --port."
    else:
        code = error.errno or 0
        reason = os.strerror(code).lower() if code > 0 else "the host name cannot be resolved"
        why = f"cannot listen on {host}:{port} ({reason}). Choose another --host or --port."
    print(f"{what}: {why}", file=sys.stderr)
    return 2


def _print_editor_path(name: str) -> int:
    found = editor_path(name)
    if found is None:
        print(
            f"kimi-lsp: this install has no {name} plugin files; install kimi-lsp from a "
            "checkout of its repository (pipx install .).",
            file=sys.stderr,
        )
        return 1
    print(found)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and of `python -m kimi_lsp`."""
    args = _parser().parse_args(argv)
    if args.editor_path:
        return _print_editor_path(args.editor_path)
    if args.command == "demo":
        from kimi_lsp.demo import run_demo

        return run_demo(force_simulator=args.simulator)
    if args.command == "simulator":
        from kimi_lsp.simulator import DEFAULT_API_KEY, Chaos, load_cassette, run

        chaos = Chaos.uniform(args.chaos, args.seed) if args.chaos > 0 else None
        key = args.api_key or DEFAULT_API_KEY
        try:
            cassette = load_cassette(args.script) if args.script else None
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        timing = {"pace": args.pace, "latency": args.latency, "profile": args.profile}
        try:
            run(args.sim_host, args.sim_port, key, chaos, cassette=cassette, **timing)
        except OSError as error:  # raised before anything listens: the address is refused
            return _cannot_listen("kimi-lsp simulator", args.sim_host, args.sim_port, error)
        return 0
    from kimi_lsp import logs
    from kimi_lsp.server import create_server

    logs.configure(args.log_level or "info", args.log_file)
    server = create_server()
    server.session.runtime.log_level_override = args.log_level
    if args.tcp:
        try:
            socket.create_server((args.host, args.port)).close()  # say so before "listening"
            print(f"kimi-lsp listening on {args.host}:{args.port}", file=sys.stderr)
            server.start_tcp(args.host, args.port)
        except OSError as error:
            return _cannot_listen("kimi-lsp", args.host, args.port, error)
    else:
        server.start_io()
    return server.kimi_protocol.exit_code()  # LSP: 0 after a shutdown request, 1 without
