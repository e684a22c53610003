"""Per-line pricing: bulk discounts by quantity and rounding to cents."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# Published on the pricing page: 10+ units of one item get 10% off, 50+ units get 15% off.
# Highest tier first so the first match wins.
BULK_TIERS = (
    (50, Decimal("0.15")),
    (10, Decimal("0.10")),
)


def to_cents(amount: Decimal) -> Decimal:
    """Round a money amount to whole cents, halves away from zero (what the tills do)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def bulk_discount_rate(quantity: int) -> Decimal:
    """The bulk discount rate for buying `quantity` units of one item."""
    if quantity <= 0:
        raise ValueError(f"quantity must be positive, got {quantity}")
    for min_quantity, rate in BULK_TIERS:
        if quantity > min_quantity:
            return rate
    return Decimal("0")


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    """Price of one cart line after its bulk discount, rounded once, at the end."""
    if unit_price < 0:
        raise ValueError(f"unit price must not be negative, got {unit_price}")
    gross = unit_price * quantity
    return to_cents(gross * (1 - bulk_discount_rate(quantity)))
