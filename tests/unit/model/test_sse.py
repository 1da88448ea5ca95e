"""The SSE decoder under arbitrary chunk boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kimi_lsp.model.sse import SseDecoder, SseEvent, SseTooLarge

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


BOM = b"\xef\xbb\xbf"


@given(st.lists(st.integers(min_value=0, max_value=len(STREAM) + 20), max_size=30))
def test_a_leading_bom_is_skipped_under_any_chunking(cuts: list[int]) -> None:
    stream = BOM + b"data: first\n\n" + STREAM
    points = sorted(set(cuts))
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert decode(chunks) == [SseEvent("first"), *EXPECTED]


def test_a_bom_later_in_the_stream_is_data() -> None:
    assert decode([b"data: x\n\n", BOM + b"data: y\n\n"]) == [SseEvent("x")]


def test_a_line_over_the_cap_raises_before_it_is_kept_whole() -> None:
    decoder = SseDecoder(max_event_bytes=1000)
    for _ in range(10):
        assert list(decoder.feed(b"x" * 100)) == []
    with pytest.raises(SseTooLarge):
        list(decoder.feed(b"x" * 100))


def test_a_line_over_the_cap_in_one_chunk_raises() -> None:
    with pytest.raises(SseTooLarge):
        list(SseDecoder(max_event_bytes=1000).feed(b"data: " + b"x" * 2000 + b"\n\n"))


def test_an_event_of_many_lines_over_the_cap_raises() -> None:
    with pytest.raises(SseTooLarge):
        list(SseDecoder(max_event_bytes=1000).feed(b"data: xxxxxxxxx\n" * 200))


def test_lines_up_to_the_cap_pass() -> None:
    line = b"data: " + b"x" * 994 + b"\n\n"
    assert decode_with(SseDecoder(max_event_bytes=1000), [line[:500], line[500:]]) == [
        SseEvent("x" * 994)
    ]


def decode_with(decoder: SseDecoder, chunks: list[bytes]) -> list[SseEvent]:
    return [event for chunk in chunks for event in decoder.feed(chunk)]


def test_a_long_line_in_small_chunks_is_decoded_in_one_pass() -> None:
    # the old decoder copied its whole buffer for every chunk: 4 MB in 4 KB chunks meant
    # a thousand copies of megabytes; now each byte is handled once
    text = "é" * (2 * 1024 * 1024)
    line = b"data: " + text.encode() + b"\n\n"
    chunks = [line[i : i + 4096] for i in range(0, len(line), 4096)]
    assert decode(chunks) == [SseEvent(text)]


PARTS = [b"\r", b"\n", b"\r\n", b"data: a", b"b", b":c", b"\xc3", b"\xa9", BOM]


@given(
    st.lists(st.sampled_from(PARTS), max_size=40),
    st.lists(st.integers(min_value=0, max_value=200), max_size=10),
)
def test_any_bytes_decode_the_same_whatever_the_chunking(
    parts: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(parts)
    points = sorted({c % (len(stream) + 1) for c in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert decode(chunks) == decode([stream])
