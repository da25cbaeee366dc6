"""Figures on the admin pages read as Vietnamese staff write them (issue 19: "1.9 phút", "50.0", "W49")."""
from __future__ import annotations

import pytest

from handlers.admin.charts import bar_chart, satisfaction_chart
from handlers.admin.numbers import vn_number, week_label
from handlers.admin.pages import make_templates


@pytest.mark.parametrize("value, shown", [(1.9, "1,9"), (50.0, "50"), (95.45, "95,5"), (12345.6, "12.345,6"),
                                          (0, "0"), (None, "—"), (7, "7"), (0.04, "0")])
def test_numbers_use_a_decimal_comma_and_no_trailing_zero(value, shown) -> None:
    assert vn_number(value) == shown


def test_weeks_are_named_in_vietnamese() -> None:
    assert week_label("2026-W49") == "tuần 49/2026" and week_label("2026-W05", short=True) == "T5"
    assert week_label("2026-12") == "2026-12"   # months and quarters are left as they are


def test_charts_and_report_cells_show_the_same_figures() -> None:
    from bot.desk.reports import Satisfaction

    chart = satisfaction_chart({"2026-W48": Satisfaction(1, 1), "2026-W49": Satisfaction(3, 1)})
    assert [p.value for p in chart.points] == ["50 %", "75 %"]
    assert [b.value for b in bar_chart({"Zalo": 1.9}, " phút").bars] == ["1,9 phút"]
    cell = make_templates().from_string("{{ 50.0|so }} {{ 1.94|so }} {{ '2026-W49'|tuan }}").render()
    assert cell == "50 1,9 tuần 49/2026"
