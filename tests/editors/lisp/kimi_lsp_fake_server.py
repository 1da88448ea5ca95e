"""A stand-in for kimi-lsp that answers `kimi.usage` and, in the same write, asks the
editor to apply an edit, then sends nothing more until that edit is answered: what a
client must read without waiting for another message (the eglot read-on test)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def read() -> dict[str, Any] | None:
    length = 0
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(sys.stdin.buffer.read(length))  # type: ignore[no-any-return]


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def main() -> None:
    uri = ""
    while (message := read()) is not None:
        method, ident = message.get("method"), message.get("id")
        if method == "initialize":
            capabilities = {
                "textDocumentSync": 2,
                "executeCommandProvider": {"commands": ["kimi.usage"]},
            }
            result = {"capabilities": capabilities, "serverInfo": {"name": "kimi-lsp"}}
            os.write(1, frame({"id": ident, "result": result}))
        elif method == "textDocument/didOpen":
            uri = message["params"]["textDocument"]["uri"]
        elif method == "workspace/executeCommand":
            start = {"line": 0, "character": 0}
            edit = {"changes": {uri: [{"range": {"start": start, "end": start},
                                       "newText": "# edited\n"}]}}  # fmt: skip
            os.write(
                1,
                frame({"id": ident, "result": {"requests": 0}})
                + frame(
                    {"id": "edit-1", "method": "workspace/applyEdit", "params": {"edit": edit}}
                ),
            )
        elif method == "shutdown":
            os.write(1, frame({"id": ident, "result": None}))
        elif method == "exit":
            return


if __name__ == "__main__":
    main()
