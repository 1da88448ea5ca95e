"""Bounds on what one tool call may return or cost."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ToolLimits:
    """Bounds on what one tool call may return or cost."""

    max_read_chars: int = 20_000
    """Characters one read_file returns."""
    max_file_bytes: int = 1_000_000
    """Larger files (and open buffers) are refused."""
    max_files: int = 500
    """Paths one list_files returns."""
    max_matches: int = 100
    """Lines one search_text returns."""
    max_line_chars: int = 300
    """Characters shown of one matching line."""
    search_seconds: float = 2.0
    """Time one list_files or search_text call (or any path check) may take."""
    max_argument_chars: int = 1_000_000
    """Characters of one call's JSON arguments."""
    max_dir_entries: int = 100_000
    """Entries read from one folder while walking; the rest of that folder is skipped."""
