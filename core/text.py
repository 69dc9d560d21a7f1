"""How numbers read on pages, in e-mails and in reports: one way, everywhere."""

from decimal import ROUND_HALF_UP, Decimal


def number(value: Decimal | int | float | None, *, empty: str = "") -> str:
    """80.00 -> "80", 66.70 -> "66.7", 2.345 -> "2.35"; None -> `empty`.

    Whole numbers lose their decimals; others keep at most two places (half up, as people
    round), trailing zeros dropped.
    """
    if value is None:
        return empty
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if value == value.to_integral():
        return f"{value.quantize(Decimal(1)):f}"
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP).normalize():f}"


def with_unit(value: Decimal | int | float | None, unit: str = "", *, empty: str = "no data") -> str:
    """A figure with its unit: "80%", "5 people"; None -> `empty`."""
    if value is None:
        return empty
    text = number(value)
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def days(value: Decimal | int | float) -> str:
    """Development days as people say them: "1 day", "2.5 days", "0.5 days"."""
    text = number(value)
    return f"{text} day" if Decimal(text) == 1 else f"{text} days"
