"""`kimi-lsp simulator --script FILE --profile kimi`: the options reach the simulator, and a
bad cassette is a clear error before anything listens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kimi_lsp import cli


def test_script_and_profile_reach_the_simulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cassette = tmp_path / "answers.json"
    cassette.write_text('{"answers": [{"kind": "chat", "turns": [{"content": "hi"}]}]}')
    seen: dict[str, Any] = {}
    monkeypatch.setattr("kimi_lsp.simulator.run", lambda *args, **options: seen.update(options))
    argv = ["simulator", "--script", str(cassette), "--profile", "kimi", "--pace", "0.1"]
    assert cli.main(argv) == 0
    assert seen["profile"] == "kimi"
    assert seen["pace"] == 0.1
    assert seen["cassette"].answers[0].turns[0].content == "hi"


@pytest.mark.parametrize("text", [None, "{not json", '{"answers": [{"kind": "poem"}]}'])
def test_a_bad_cassette_exits_2_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | None
) -> None:
    cassette = tmp_path / "answers.json"
    if text is not None:
        cassette.write_text(text)
    assert cli.main(["simulator", "--script", str(cassette)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "cassette" in captured.err
    assert "Traceback" not in captured.err


def test_profile_choices() -> None:
    with pytest.raises(SystemExit):
        cli._parser().parse_args(["simulator", "--profile", "slow"])
