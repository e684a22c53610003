from decimal import Decimal

import pytest

from shopcart.cart import Cart
from shopcart.coupons import Coupon, CouponError


def test_empty_cart_total_is_zero():
    assert Cart(tax_rate=Decimal("0.08")).total() == Decimal("0.00")


def test_adding_same_sku_again_raises_quantity():
    cart = Cart()
    cart.add("MUG-BLUE", Decimal("4.50"), 3)
    cart.add("MUG-BLUE", Decimal("4.50"), 2)
    assert [(line.sku, line.quantity) for line in cart.lines] == [("MUG-BLUE", 5)]
    assert cart.total() == Decimal("22.50")


def test_ten_mugs_get_bulk_discount_in_cart_total():
    # Ticket #142: 10 x 4.50 = 45.00, minus 10% = 40.50, plus 8% tax (3.24) = 43.74.
    cart = Cart(tax_rate=Decimal("0.08"))
    cart.add("MUG-BLUE", Decimal("4.50"), 10)
    assert cart.subtotal() == Decimal("40.50")
    assert cart.total() == Decimal("43.74")


def test_coupon_applies_after_bulk_discount():
    cart = Cart()
    cart.add("MUG-RED", Decimal("3.00"), 20)
    cart.apply_coupon(Coupon("SPRING10", Decimal("10")))
    # 60.00 - 10% bulk = 54.00; coupon takes 10% of that: 5.40.
    assert cart.total() == Decimal("48.60")


def test_coupon_is_capped():
    cart = Cart()
    cart.add("TEAPOT", Decimal("20.00"), 1)
    cart.apply_coupon(Coupon("HALFOFF", Decimal("50"), cap=Decimal("5.00")))
    assert cart.total() == Decimal("15.00")


def test_only_one_coupon_per_order():
    cart = Cart()
    cart.add("TEAPOT", Decimal("20.00"), 1)
    cart.apply_coupon(Coupon("SPRING10", Decimal("10")))
    with pytest.raises(CouponError):
        cart.apply_coupon(Coupon("HALFOFF", Decimal("50")))
