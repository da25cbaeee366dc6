"""Whole numbers typed by people or carried in forms, payloads and tokens.

`str.isdigit()` is also true for "²" or "①", which `int()` refuses; every check that guards an `int()` goes
through `is_number` so odd input is refused, never a crash."""


def is_number(text: str) -> bool:
    """True when `text` is a plain run of ASCII digits."""
    return text.isascii() and text.isdigit()
