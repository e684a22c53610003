"""Coupon codes: a percentage off the discounted subtotal, optionally capped."""

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from shopcart.pricing import to_cents

_CODE = re.compile(r"^[A-Z0-9]{4,16}$")


class CouponError(ValueError):
    """A coupon that cannot be used."""


@dataclass(frozen=True)
class Coupon:
    """A percentage-off coupon; `cap` limits the amount taken off, if set."""

    code: str
    percent_off: Decimal
    cap: Optional[Decimal] = None

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise CouponError(f"malformed coupon code {self.code!r}")
        if not Decimal("0") < self.percent_off <= Decimal("100"):
            raise CouponError(f"percent_off must be in (0, 100], got {self.percent_off}")

    def amount_off(self, subtotal: Decimal) -> Decimal:
        """How much this coupon takes off a subtotal, never more than the cap or the subtotal."""
        off = to_cents(subtotal * self.percent_off / 100)
        if self.cap is not None:
            off = min(off, self.cap)
        return min(off, subtotal)
