"""Numbers and weeks as Vietnamese staff read them: "1,9 phút", "50 %", "tuần 49/2026" (not "1.9", "50.0", "W49")."""
from __future__ import annotations


def vn_number(value: float | int | None, decimals: int = 1) -> str:
    """Decimal comma, dot between thousands, no trailing ",0"; "—" for no value."""
    if value is None:
        return "—"
    rounded = round(float(value), decimals)
    if rounded == int(rounded):
        return f"{int(rounded):,}".replace(",", ".")
    whole, _, part = f"{rounded:,.{decimals}f}".partition(".")
    return f"{whole.replace(',', '.')},{part.rstrip('0')}"


def week_label(key: str, short: bool = False) -> str:
    """A report week "2026-W49" as "tuần 49/2026", or "T49" under a chart's axis."""
    year, _, week = key.partition("-W")
    if not week:
        return key
    return f"T{int(week)}" if short else f"tuần {int(week)}/{year}"
