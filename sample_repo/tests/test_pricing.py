from decimal import Decimal

import pytest

from shopcart.pricing import bulk_discount_rate, line_total, to_cents


def test_no_bulk_discount_below_ten_units():
    assert bulk_discount_rate(9) == Decimal("0")
    assert line_total(Decimal("2.00"), 9) == Decimal("18.00")


def test_ten_units_get_ten_percent_off():
    assert bulk_discount_rate(10) == Decimal("0.10")


def test_fifty_units_get_fifteen_percent_off():
    assert bulk_discount_rate(50) == Decimal("0.15")


def test_discount_between_and_above_tiers():
    assert bulk_discount_rate(20) == Decimal("0.10")
    assert bulk_discount_rate(60) == Decimal("0.15")


def test_discounted_line_is_rounded_once():
    # 12 x 1.99 = 23.88; minus 10% = 21.492 -> 21.49. Rounding the unit price first
    # (1.79 x 12 = 21.48) would undercharge by a cent on every such line.
    assert line_total(Decimal("1.99"), 12) == Decimal("21.49")


def test_rejects_non_positive_quantity():
    with pytest.raises(ValueError):
        bulk_discount_rate(0)
    with pytest.raises(ValueError):
        line_total(Decimal("1.00"), -3)


def test_to_cents_rounds_half_up():
    assert to_cents(Decimal("2.675")) == Decimal("2.68")
    assert to_cents(Decimal("2.665")) == Decimal("2.67")
