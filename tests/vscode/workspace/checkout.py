"""The checkout: what a customer reads on the receipt."""

from pricing import line_total, order_total


def receipt(lines: list[tuple[float, int]]) -> list[str]:
    """One row per line, then the total with VAT."""
    rows = [f"{qty} x {price:.2f} = {line_total(price, qty):.2f}" for price, qty in lines]
    rows.append(f"total {order_total(lines):.2f}")
    return rows
