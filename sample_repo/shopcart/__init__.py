"""Cart pricing for the Mugs & More web shop."""

from shopcart.cart import Cart, LineItem
from shopcart.coupons import Coupon, CouponError
from shopcart.pricing import bulk_discount_rate, line_total, to_cents

__all__ = [
    "Cart",
    "Coupon",
    "CouponError",
    "LineItem",
    "bulk_discount_rate",
    "line_total",
    "to_cents",
]
