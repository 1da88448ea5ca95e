"""The sample workspace `kimi-lsp demo` opens (kept as data, never imported by the server),
and the cassette the simulator answers it from."""

from pathlib import Path

CASSETTE = Path(__file__).with_name("demo_cassette.json")
"""The simulator's answers for the demo (see `kimi_lsp.simulator.cassette`): explain reads
pricing.py with the read_file tool, then explains; refactor adds a docstring."""

SAMPLE_PATH = "inventory.py"

SAMPLE = '''\
"""A tiny inventory used by the kimi-lsp demo."""

from dataclasses import dataclass

from pricing import bulk_discount


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
    total = 0.0
    for item in items:
        price = item.quantity * item.unit_price
        total += price * (1 - bulk_discount(item.quantity))
    return round(total, 2)
'''

OTHER_FILES = {
    "pricing.py": '''\
"""Pricing rules shared by the inventory."""


def bulk_discount(quantity: int) -> float:
    """10% off from 100 units, 5% from 20, nothing below."""
    if quantity >= 100:
        return 0.10
    if quantity >= 20:
        return 0.05
    return 0.0
''',
    ".env": "INVENTORY_API_TOKEN=never-shown-to-the-model\n",
}
"""Files beside the sample: the model may read pricing.py, never .env."""

_LINES = SAMPLE.splitlines()
EXPLAIN_LINES = (_LINES.index("def total_value(items: list[Item]) -> float:"), len(_LINES))
"""The selection the demo explains: `total_value`, 0-based lines, end exclusive."""

REFACTOR_LINES = EXPLAIN_LINES
"""The selection the demo refactors: `total_value` again, which has no docstring yet."""
