"""The KPI cards as one HTML block (dashboard/ui/cards.py): what each card says, its colour for a good or
bad change, the definition behind the ?, and that nothing from the data is read as markup."""

from dashboard.core.metrics import Kpi, metric
from dashboard.ui import cards
from tests.pages import parse_cards


def _classes(block: str, key: str) -> str:
    """The class list of the change pill of the card of ``key``."""
    card = block.split(f'data-kpi="{key}"', 1)[1].split('class="kpi-card', 1)[0]
    return card.split('class="kpi-delta ', 1)[1].split('"', 1)[0] if 'class="kpi-delta ' in card else ""


def test_cards_show_value_change_comparison_and_counts():
    kpis = [
        Kpi(metric("created"), 8268, 6687, "环比"),  # +1,581; 1,581 / 6,687 = 23.64 % → +23.6%
        Kpi(metric("backlog"), 3088, 3411, "环比"),  # −323; 323 / 3,411 = 9.47 % → −9.5%, fewer is better
        Kpi(metric("on_time_rate"), 7358 / 7880, None, "", note="按期办结 7,358 / 应办结 7,880"),  # 93.37 % → 93.4%
        Kpi(metric("satisfaction_rate"), 0.9, 0.8, "环比", compare_has_data=False),
        Kpi(metric("per_1000"), 3.1, 2.51, "同比"),  # +0.59, more requests per resident is worse
    ]
    block = cards.kpi_html(kpis)
    shown = parse_cards(block)
    assert [(c.label, c.value, c.delta, c.compare, c.note) for c in shown] == [
        ("受理量", "8,268 件", "+1,581（+23.6%）", "环比", ""),
        ("积压", "3,088 件", "-323（-9.5%）", "环比", ""),
        ("按期办结率", "93.4%", None, "", "按期办结 7,358 / 应办结 7,880"),
        ("满意率", "90.0%", "对比期无数据", "环比", ""),
        ("千人诉求量（件/千人）", "3.10", "+0.59", "同比", ""),
    ]
    assert [c.key for c in shown] == ["created", "backlog", "on_time_rate", "satisfaction_rate", "per_1000"]
    assert _classes(block, "created") == "kpi-gray"  # 受理量 is neither good nor bad
    assert _classes(block, "backlog") == "kpi-green"
    assert _classes(block, "satisfaction_rate") == "kpi-gray"
    assert _classes(block, "per_1000") == "kpi-red"
    assert "↓ -323" in block and "↑ +0.59" in block


def test_the_definition_behind_the_question_mark_is_the_metrics_help():
    k = Kpi(metric("on_time_rate"), 0.9, 0.8, "环比")
    (card,) = parse_cards(cards.kpi_html([k]))
    assert card.help == metric("on_time_rate").help()
    assert "计算：" in card.help and "预警：" in card.help


def test_the_last_two_cards_of_a_row_open_their_definition_to_the_left():
    kpis = [Kpi(metric("created"), i, None, "") for i in range(7)]
    block = cards.kpi_html(kpis, per_row=5)
    opens_left = ['kpi-card kpi-right' in part for part in block.split('data-kpi="created"')[:-1]]
    # the marker sits on the card's opening tag, just before its data-kpi: positions 3, 4 of each row of five
    assert opens_left == [False, False, False, True, True, False, False]
    assert "kpi-card kpi-right" not in cards.kpi_html(kpis[:2], per_row=2)
    assert "--kpi-per-row:5" in block


def test_text_from_the_data_is_not_read_as_markup():
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    block = cards.kpi_html([Kpi(metric("created"), 5, 4, "环比", note=hostile)])
    assert "<script>" not in block and "<img" not in block
    assert parse_cards(block)[0].note == hostile
