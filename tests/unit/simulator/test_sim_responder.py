"""The default responder: deterministic answers computed from the request."""

from __future__ import annotations

import httpx
import pytest

from kimi_lsp.simulator import Simulator, Turn
from kimi_lsp.simulator.prompt import read_prompt
from kimi_lsp.simulator.responder import HANDLERS, Handler, default_turn, register

from .helpers import chat_body, deltas, stream_chat

PYTHON = """\
import os
from json import loads

class Größe(Base):
    def __init__(self, wert: int = 3) -> None:
        self.wert = wert

    async def lade(self, pfad):
        try:
            with open(pfad) as f:
                return loads(f.read())
        except OSError as exc:
            raise RuntimeError(pfad) from exc

def berechne(a, b=2, *, c):
    for i in range(a):
        if i % 2:
            print(i)
    return os.listdir(".")
"""


def explain_prompt(code: str, path: str = "src/mod.py", language: str | None = None) -> str:
    """Build a prompt shaped like the language server's explain prompt."""
    header = f"Path: {path}\n" + (f"Language: {language}\n" if language else "")
    return (
        "Explain the selected code.\n"
        f"{header}"
        "<context_before>\n# before\n</context_before>\n"
        f"<selection>\n{code}\n</selection>\n"
        "<context_after>\n# after\n</context_after>\n"
    )


def explain(code: str, path: str, language: str | None = None) -> Turn:
    """Return the default answer to an explain prompt."""
    body = chat_body(explain_prompt(code, path, language))
    return default_turn(body)


async def test_explain_over_http_mentions_the_definitions(client: httpx.AsyncClient) -> None:
    payloads = await stream_chat(client, chat_body(explain_prompt(PYTHON)))
    content = deltas(payloads, "content")
    assert deltas(payloads, "reasoning_content")
    for name in ("berechne", "Größe", "__init__", "lade", "os", "json", "RuntimeError"):
        assert f"`{name}" in content, name
    assert "berechne(a, b=2, *, c)" in content
    assert "19 lines of Python" in content
    assert "`src/mod.py`" in content
    assert "OSError" in content
    assert payloads[-2]["choices"][0]["finish_reason"] == "stop"


def test_explain_is_deterministic() -> None:
    assert explain(PYTHON, "a.py") == explain(PYTHON, "a.py")


def test_prompt_blocks_and_headers() -> None:
    prompt = read_prompt(chat_body(explain_prompt("x = 1", "a/b.ts")))
    assert prompt.selection == "x = 1"
    assert prompt.context_before == "# before"
    assert prompt.context_after == "# after"
    assert (prompt.path, prompt.language) == ("a/b.ts", "typescript")


@pytest.mark.parametrize(
    ("path", "code", "names"),
    [
        (
            "app.ts",
            "import { readFile } from 'fs/promises';\n"
            "export async function loadConfig(path: string) {\n"
            "  const text = await readFile(path, 'utf8');\n"
            "  if (!text) throw new Error('empty');\n"
            "  return JSON.parse(text);\n}\n"
            "const add = (a, b) => a + b;\n"
            "class Store extends Base {\n  get(id) { return this.items[id]; }\n}",
            ["loadConfig", "add", "Store", "get(id)", "fs/promises", "JSON.parse", "Error"],
        ),
        (
            "main.go",
            'import (\n    "fmt"\n)\ntype Server struct { name string }\n'
            "func (s *Server) Start(port int) error {\n"
            "    for i := 0; i < 3; i++ { fmt.Println(s.name) }\n    return nil\n}",
            ["Server", "Start(port int)", "fmt", "fmt.Println"],
        ),
        (
            "lib.rs",
            "use std::collections::HashMap;\npub struct Cache { map: HashMap<String, u32> }\n"
            "impl Cache {\n    pub fn get(&self, key: &str) -> Option<u32> "
            '{ self.map.get(key).copied() }\n}\nfn main() { println!("hi"); }',
            ["Cache", "get(&self, key: &str)", "main", "std::collections::HashMap", "println!"],
        ),
        (
            "sum.c",
            "#include <stdio.h>\nstatic int sum(const int *xs, size_t n) {\n"
            "    int t = 0;\n    for (size_t i = 0; i < n; i++) t += xs[i];\n    return t;\n}",
            ["sum", "stdio.h", "const int *xs"],
        ),
    ],
)
def test_explain_other_languages(path: str, code: str, names: list[str]) -> None:
    content = explain(code, path).content
    for name in names:
        assert name in content, (name, content)


def test_explain_partial_python_falls_back_to_regexes() -> None:
    content = explain("    def méthode(self, x):\n        return x +", "a.py").content
    assert "méthode(self, x)" in content


def test_generic_fallback() -> None:
    turn = default_turn(chat_body("What is the meaning of life?"))
    assert turn.reasoning
    assert "What is the meaning of life?" in turn.content


def test_registry_accepts_new_handlers() -> None:
    handler = Handler(
        "shout",
        lambda prompt: prompt.text.startswith("SHOUT"),
        lambda prompt: Turn(reasoning="loud", content=prompt.text.lower()),
    )
    register(handler, first=True)
    try:
        assert default_turn(chat_body("SHOUT HI")).content == "shout hi"
    finally:
        HANDLERS.remove(handler)


async def test_default_answer_respects_max_tokens(
    sim: Simulator, client: httpx.AsyncClient
) -> None:
    body = chat_body(explain_prompt(PYTHON), max_tokens=5)
    response = (await client.post("/chat/completions", json=body)).json()
    assert response["choices"][0]["finish_reason"] == "length"
    assert response["choices"][0]["message"]["content"] == ""


def test_explain_word_inside_the_selection_only_is_not_an_explain_request() -> None:
    body = chat_body("Refactor this.\n<selection>\ndef explain(x):\n    return x\n</selection>\n")
    turn = default_turn(body)
    assert "Refactor this." in turn.content
    assert "### Definitions" not in turn.content
