"""Prices for a small shop: discounts, tax and order totals."""

VAT_RATE = 0.2


def bulk_discount(quantity: int) -> float:
    """10% off from 100 units, 5% from 20, nothing below."""
    if quantity >= 100:
        return 0.10
    if quantity >= 20:
        return 0.05
    return 0.0


def line_total(unit_price: float, quantity: int) -> float:
    gross = unit_price * quantity
    discounted = gross * (1 - bulk_discount(quantity))
    return round(discounted, 2)


def order_total(lines: list[tuple[float, int]], with_vat: bool = True) -> float:
    subtotal = sum(line_total(price, qty) for price, qty in lines)
    if with_vat:
        subtotal *= 1 + VAT_RATE
    return round(subtotal, 2)


