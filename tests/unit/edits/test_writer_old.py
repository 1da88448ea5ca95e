"""The region writer against editors that behave like VS Code and like Neovim."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kimi_lsp.edits.region import Region, replacement
from kimi_lsp.edits.session import EditSession
from kimi_lsp.edits.writer import EditorNotResponding, RegionTouched, RegionWriter

from .fakes_old import FakeEditor

MODES = ["vscode", "neovim"]
DOC = "header = 1\n\ndef f(x):\n    return x\n\nfooter = 2\n"
OLD = "def f(x):\n    return x\n"
NEW = 'def f(x: int) -> int:\n    """Identity."""\n    return x\n'


def setup(
    mode: str, text: str = DOC, old: str = OLD, start: int | None = None
) -> tuple[FakeEditor, RegionWriter]:
    editor = FakeEditor(text, mode)
    start = text.index(old) if start is None else start
    writer = RegionWriter(editor, Region(start, start + len(old)), confirm_timeout=1.0)
    editor.writers.append(writer)
    return editor, writer


@pytest.mark.parametrize("mode", MODES)
async def test_write_lands_exactly(mode: str) -> None:
    editor, writer = setup(mode)
    await writer.write(NEW)
    await editor.settle()
    assert editor.text == DOC.replace(OLD, NEW)
    assert writer.text == NEW


@pytest.mark.parametrize("mode", MODES)
async def test_typing_above_the_region_before_an_edit_arrives(mode: str) -> None:
    editor, writer = setup(mode)
    typed = []

    def user_types_once(ed: FakeEditor) -> None:
        if not typed:
            typed.append(True)
            ed.type((0, 0, "# user\n"))

    editor.before_edit = user_types_once
    await writer.write(NEW)
    await editor.settle()
    assert editor.text == "# user\n" + DOC.replace(OLD, NEW)
    assert editor.requests == 2  # the stale edit was sent again
    assert editor.rejected == 1


@pytest.mark.parametrize("mode", MODES)
async def test_typing_inside_the_region_stops_and_touches_nothing(mode: str) -> None:
    editor, writer = setup(mode)
    await writer.write("def f(x):\n    return x  # half\n")
    inside = editor.text.index("return")
    editor.type((inside, inside, "USER"))
    await editor.settle()
    with pytest.raises(RegionTouched):
        await writer.write(NEW)
    assert "USER" in editor.text
    assert writer.touched


@pytest.mark.parametrize("mode", MODES)
async def test_a_silent_editor_is_reported(mode: str) -> None:
    editor, writer = setup(mode)
    editor.writers.clear()  # the server never hears of any change
    with pytest.raises(EditorNotResponding):
        await writer.write(NEW)


@pytest.mark.parametrize("mode", MODES)
async def test_session_restore_puts_the_original_back_in_one_edit(mode: str) -> None:
    editor, writer = setup(mode)
    session = EditSession(writer, OLD)
    session.set_target("def f(x: int) -> int:\n    return x\n")
    session.set_target('def f(x: int) -> int:\n    """Id."""\n    return x\n')
    await editor.settle()
    before = len(editor.applied)
    assert await session.restore()
    await editor.settle()
    assert editor.text == DOC
    assert len(editor.applied) == before + 1


def test_replacement_is_minimal() -> None:
    assert replacement("abcXdef", "abcYYdef") == (3, 4, "YY")
    assert replacement("same", "same") == (4, 4, "")
    assert replacement("", "new") == (0, 0, "new")


lines = st.text(alphabet="ab \t😀é{}()", max_size=12).map(lambda s: s + "\n")
user_edit = st.tuples(st.booleans(), st.floats(0, 1), st.text(alphabet="xyz\n😀", max_size=4))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mode=st.sampled_from(MODES),
    before=st.lists(lines, max_size=4).map("".join),
    old=st.lists(lines, min_size=1, max_size=5).map("".join),
    after=st.lists(lines, max_size=4).map("".join),
    new=st.lists(lines, max_size=8).map("".join),
    cuts=st.lists(st.integers(1, 6), min_size=1, max_size=10),
    edits=st.lists(user_edit, max_size=6),
)
async def test_random_streams_with_user_edits_outside_always_land(
    mode: str,
    before: str,
    old: str,
    after: str,
    new: str,
    cuts: list[int],
    edits: list[tuple[bool, float, str]],
) -> None:
    editor, writer = setup(mode, before + old + after, old, start=len(before))
    session = EditSession(writer, old)
    parts = {"before": before, "after": after}
    pending = list(edits)

    def user_types(ed: FakeEditor) -> None:
        if not pending:
            return
        above, where, text = pending.pop()
        region = writer.region
        if above:
            at = int(where * region.start)
            parts["before"] = parts["before"][:at] + text + parts["before"][at:]
        else:
            tail = len(ed.text) - region.end
            at = region.end + int(where * tail)
            rel = at - region.end
            parts["after"] = parts["after"][:rel] + text + parts["after"][rel:]
        # the editor's region is where the server thinks it is once every change arrived
        ed.type((at, at, text))

    editor.before_edit = user_types
    written = 0
    for size in cuts:
        written = min(len(new), written + size)
        session.set_target(new[:written] + old[written:] if written < len(old) else new[:written])
        await editor.settle()
    await session.finish(new)
    await editor.settle()
    assert editor.text == editor.server_text
    assert editor.text == parts["before"] + new + parts["after"]


def test_replacement_never_cuts_a_crlf() -> None:
    start, end, new = replacement("a\r\n", "a\n")
    assert (start, end, new) == (1, 3, "\n")
    assert replacement("x\r\ny", "x\ny") == (1, 3, "\n")


@pytest.mark.parametrize("mode", MODES)
async def test_conflicts_are_counted_in_a_row_only(mode: str) -> None:
    editor, writer = setup(mode)
    writer._max_conflicts = 3
    typed = []

    def type_above_every_other_edit(ed: FakeEditor) -> None:
        if len(typed) < 8 and ed.requests % 2 == 1:
            typed.append(True)
            ed.type((0, 0, "#\n"))

    editor.before_edit = type_above_every_other_edit
    for n in range(8):  # many conflicts in total, never four in a row
        await writer.write(f"def f(x):\n    return x + {n}\n")
    await editor.settle()
    assert writer.conflicts < 3
    assert editor.text.endswith("    return x + 7\n\nfooter = 2\n")
