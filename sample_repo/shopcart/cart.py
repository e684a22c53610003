"""A shopping cart: lines, one optional coupon, sales tax on what is left."""

from dataclasses import dataclass
from decimal import Decimal
from typing import List, Optional

from shopcart.coupons import Coupon, CouponError
from shopcart.pricing import line_total, to_cents


@dataclass(frozen=True)
class LineItem:
    """One product in the cart, at the unit price it was added at."""

    sku: str
    unit_price: Decimal
    quantity: int

    @property
    def total(self) -> Decimal:
        return line_total(self.unit_price, self.quantity)


class Cart:
    """Lines keyed by SKU; adding a SKU again raises its quantity."""

    def __init__(self, tax_rate: Decimal = Decimal("0")) -> None:
        self.tax_rate = tax_rate
        self._lines: List[LineItem] = []
        self.coupon: Optional[Coupon] = None

    @property
    def lines(self) -> List[LineItem]:
        return list(self._lines)

    def add(self, sku: str, unit_price: Decimal, quantity: int = 1) -> None:
        if quantity <= 0:
            raise ValueError(f"quantity must be positive, got {quantity}")
        for i, line in enumerate(self._lines):
            if line.sku == sku:
                self._lines[i] = LineItem(sku, line.unit_price, line.quantity + quantity)
                return
        self._lines.append(LineItem(sku, unit_price, quantity))

    def apply_coupon(self, coupon: Coupon) -> None:
        if self.coupon is not None:
            raise CouponError(f"coupon {self.coupon.code} already applied; one per order")
        self.coupon = coupon

    def subtotal(self) -> Decimal:
        """Sum of the lines after bulk discounts, before coupon and tax."""
        return sum((line.total for line in self._lines), Decimal("0.00"))

    def total(self) -> Decimal:
        """What the customer pays: subtotal, minus coupon, plus tax on the remainder."""
        subtotal = self.subtotal()
        if self.coupon is not None:
            subtotal -= self.coupon.amount_off(subtotal)
        return subtotal + to_cents(subtotal * self.tax_rate)
