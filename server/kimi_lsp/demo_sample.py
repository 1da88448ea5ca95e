"""The sample workspace `kimi-lsp demo` opens (kept as data, never imported by the server)."""

SAMPLE_PATH = "inventory.py"

SAMPLE = '''\
"""A tiny inventory used by the kimi-lsp demo."""

from dataclasses import dataclass


@dataclass
class Item:
    name: str
    quantity: int
    unit_price: float


def restock(items: list[Item], minimum: int = 5) -> list[str]:
    """Top up every item below `minimum` and report what changed."""
    changed = []
    for item in items:
        if item.quantity < minimum:
            missing = minimum - item.quantity
            item.quantity = minimum
            changed.append(f"{item.name}: +{missing}")
    return changed


def total_value(items: list[Item]) -> float:
    return sum(item.quantity * item.unit_price for item in items)
'''

EXPLAIN_LINES = (12, 21)
"""The selection the demo explains: `restock`, 0-based lines, end exclusive."""
