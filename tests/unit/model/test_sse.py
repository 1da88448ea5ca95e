"""The SSE decoder under arbitrary chunk boundaries."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.model.sse import SseDecoder, SseEvent

STREAM = (
    b": keep-alive comment\r\n"
    b'data: {"a": "caf\xc3\xa9 \xf0\x9f\x98\x8b"}\r\n\r\n'
    b"event: ping\ndata: one\ndata: two\n\n"
    b"id: 7\rdata:no-space\r\r"
    b"data: [DONE]\n\n"
    b"data: never dispatched"
)
EXPECTED = [
    SseEvent('{"a": "café 😋"}'),
    SseEvent("one\ntwo", event="ping"),
    SseEvent("no-space", id="7"),
    SseEvent("[DONE]", id="7"),
]


def decode(chunks: list[bytes]) -> list[SseEvent]:
    decoder = SseDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + list(decoder.close())


def test_whole_stream_decodes_every_event() -> None:
    assert decode([STREAM]) == EXPECTED


def test_byte_by_byte() -> None:
    assert decode([STREAM[i : i + 1] for i in range(len(STREAM))]) == EXPECTED


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=30))
def test_any_chunking_gives_the_same_events(cuts: list[int]) -> None:
    points = sorted(set(cuts))
    chunks = [STREAM[a:b] for a, b in zip([0, *points], [*points, len(STREAM)], strict=True)]
    assert decode(chunks) == EXPECTED


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    assert decode([b"data: x\r", b"\n\r", b"\n"]) == [SseEvent("x")]


def test_open_event_at_end_is_dropped() -> None:
    assert decode([b"data: partial\n"]) == []


def test_blank_lines_without_data_dispatch_nothing() -> None:
    assert decode([b"\n\n: c\n\n"]) == []


def test_events_with_empty_data_are_not_dispatched() -> None:
    assert decode([b"data:\n\ndata: \n\ndata: x\n\n"]) == [SseEvent("x")]
