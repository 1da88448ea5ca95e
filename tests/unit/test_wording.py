"""The one money format, whole sentences, the prefix once, and the checks of the scan."""

from __future__ import annotations

import pytest

from kimi_lsp.wording import bare, faults, prefixed, sentence, sentences, usd


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (0, "$0.00"),
        (0.002, "$0.0020"),  # a $0.002 budget, never $0.00
        (0.00245, "$0.0024"),  # the binary value is 0.002449999...: rounded as clients do
        (0.0123, "$0.0123"),
        (0.5, "$0.5000"),
        (0.99999, "$1.0000"),
        (1, "$1.00"),
        (2.345678, "$2.35"),
        (1234.5, "$1234.50"),
        (0.000034, "$0.000034"),  # a non-zero amount keeps two significant digits
        (0.0000004, "$0.00000040"),
        (0.00004999, "$0.0001"),  # 0.00005 to the millionth, as costUsd says
    ],
)
def test_dollars(amount: float, shown: str) -> None:
    assert usd(amount) == shown


def test_the_same_cost_shows_the_same_digits_as_a_client_that_formats_costusd() -> None:
    """kimi.usage sends round(cost, 6); a client showing that to four places (Lua's
    %.4f, JavaScript's toFixed(4)) agrees with every message of the server."""
    for cost in (0.00334999, 0.0033500001, 0.00335, 0.01234449, 0.0123455):
        assert usd(cost) == f"${round(cost, 6):.4f}"


def test_a_non_zero_amount_never_reads_as_zero() -> None:
    for exponent in range(1, 12):
        assert usd(3 * 10**-exponent).strip("$0.") != ""


def test_sentences_end_and_join() -> None:
    assert sentence("the document was closed") == "the document was closed."
    assert sentence("Done!") == "Done!"
    assert sentence("  spaced \n out  ") == "spaced out."
    assert sentence("") == ""
    assert (
        sentences("The refactor failed: the document was closed", "Nothing was changed.")
        == "The refactor failed: the document was closed. Nothing was changed."
    )
    assert sentences("One.", "", "  ", "two") == "One. two."


def test_the_prefix_is_there_once() -> None:
    assert prefixed("No API key is set") == "Kimi: No API key is set."
    assert prefixed("Kimi: Kimi: No API key is set.") == "Kimi: No API key is set."
    assert prefixed("kimi:   there is no change") == "Kimi: there is no change."
    assert bare("Kimi: Kimi: x.") == "x."
    assert bare("Kimi stopped") == "Kimi stopped"


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("Kimi: Kimi: No API key is set.", "prefix twice"),
        ("Kimi: kimi:  No API key is set.", "prefix twice"),
        ("The refactor failed: file:///a.py was closed Nothing was changed.", "glued"),
        ("The editor did not answer within 5s The selection is kept.", "glued"),
        ("The editor did not answer within 5 s The selection is kept.", "glued"),
        ("Kimi: JsonRpcMethodNotFound: Method Not Found: workspace/applyEdit.", "class name"),
        ("Kimi: internal error (KeyError: 'uri').", "class name"),
        ("Kimi: it broke.\nTraceback (most recent call last):\n  File 'x.py'", "traceback"),
        ("Kimi: <Future at 0x7f finished> failed.", "traceback"),
        ("The session budget of $0.00 is spent ($0.0033 so far).", ""),  # zero is $0.00
        ("The session budget of $0.0000 is spent.", "dollars"),
        ("It cost $0.003350.", "dollars"),
        ("It cost $1.2345.", "dollars"),
        ("Kimi: there is no Kimi change in this document", "full stop"),
        ("Kimi: the change was refused..", "doubled punctuation"),
        ("Kimi: the change was refused.; try again.", "doubled punctuation"),
        ("Kimi: ", "nothing after"),
    ],
)
def test_the_checks(text: str, fault: str) -> None:
    found = faults(text)
    if fault:
        assert any(fault in f for f in found), found
    else:
        assert found == []


@pytest.mark.parametrize(
    "text",
    [
        'Kimi: No API key is set for empiriolabs: run "Kimi: Set API Key" from the Command '
        "Palette (the kimi.apiKey setting works too).",
        "Kimi: The API key was refused by EmpirioLabs (https://api.example/v1). Check the key. "
        "The API said: Invalid Authentication Token Supplied.",
        "Kimi: Model 'kimi-k2-7-code' was not found at http://127.0.0.1:9/v1. Check kimi.model.",
        "Kimi: export EMPIRIOLABS_API_KEY before starting Neovim, then run :KimiRestart.",
        "Kimi: the LiteLLM proxy at http://h/v1 failed with HTTP 500.",
        "Kimi: the stream went on for more than 8 MiB.",
        "Kimi: The refactor was cancelled. Nothing was changed.",
        "Kimi: is this right?",
        "Kimi: problems with the settings: kimi.maxTokens (from initializationOptions): "
        "Input should be a valid integer (got 'lots'); it is ignored.",
    ],
)
def test_good_messages_pass(text: str) -> None:
    assert faults(text) == []


def test_labels_need_no_full_stop() -> None:
    assert faults("done · session $0.0123 · 4 requests", whole=False) == []
    assert faults("thinking", whole=False) == []
