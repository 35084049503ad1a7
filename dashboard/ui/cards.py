"""指标卡 — a page's KPI cards as one block of HTML.

A row of ten or fifteen ``st.metric`` cards cost the browser more than the rest of the page:
each card is a bordered container, a metric (label, value, change, help tooltip, each drawn
as Markdown) and a caption — about 75 React elements on 诉求工单, every one styled and laid out
on every rerun. One ``st.html`` element with the same content is drawn once by the browser
from plain HTML (measured in docs/benchmark.md). The cards keep what ``st.metric`` showed:
the value, the change against the comparison coloured by whether it is good for this metric,
the comparison's name, the counts behind the value, and the definition on hover (and on
keyboard focus) of the ? beside the label. Presentation mode names and formats its values with the
same ``card_label``/``card_value``.

Everything from data or settings is entity-escaped; the block holds no script and no link.
Streamlit sanitises ``st.html`` as well (DOMPurify), which keeps classes, ``data-*`` and ``aria-*``.
"""

from __future__ import annotations

import html

from dashboard.core.metrics import Kpi

# The look of st.metric in a bordered container (Streamlit's light theme), with cards of one
# row as tall as each other. Under 700 px of width the cards go two to a row. A value shrinks with a narrow
# card (26 % of its width per character height: “8,268 件” keeps the full size at 1366 px) and, longer
# still, ends in “…” with the whole value on hover.
CSS = """<style>
.kpi-grid { display: grid; grid-template-columns: repeat(var(--kpi-per-row, 5), minmax(0, 1fr)); gap: 1rem;
  margin: 0 0 0.25rem 0; font-family: inherit; }
@media (max-width: 700px) { .kpi-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.kpi-card { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 0.9rem 1rem 0.8rem 1rem;
  display: flex; flex-direction: column; gap: 0.3rem; min-width: 0; background: #fff; container-type: inline-size; }
.kpi-label { font-size: 0.875rem; color: rgb(49, 51, 63); line-height: 1.4; overflow-wrap: anywhere; }
.kpi-help { position: relative; display: inline-flex; width: 1rem; height: 1rem; border-radius: 50%;
  border: 1px solid rgba(49, 51, 63, 0.45); color: rgba(49, 51, 63, 0.7); font-size: 0.7rem; line-height: 1;
  align-items: center; justify-content: center; cursor: help; margin-left: 0.3rem; vertical-align: -0.1rem;
  outline: none; }
.kpi-help:focus-visible { box-shadow: 0 0 0 2px #1d4ed8; }
.kpi-tip { display: none; position: absolute; z-index: 1000; top: 1.4rem; left: -0.6rem; width: 20rem;
  max-width: 70vw; padding: 0.6rem 0.75rem; background: #fff; color: rgb(49, 51, 63);
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; box-shadow: 0 4px 16px rgba(0, 0, 0, 0.15);
  font-size: 0.85rem; line-height: 1.55; text-align: left; white-space: normal; cursor: auto; }
.kpi-tip p { margin: 0 0 0.4rem 0; } .kpi-tip p:last-child { margin: 0; }
.kpi-right .kpi-tip { left: auto; right: -0.6rem; }
.kpi-help:hover .kpi-tip, .kpi-help:focus .kpi-tip { display: block; }
.kpi-value { font-size: 2.25rem; font-size: min(2.25rem, 26cqi); line-height: 1.2; color: rgb(49, 51, 63); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.kpi-change { display: flex; flex-wrap: wrap; align-items: center; gap: 0.2rem 0.45rem; font-size: 0.875rem; }
.kpi-delta { border-radius: 1rem; padding: 0.05rem 0.55rem; white-space: nowrap; }
.kpi-green { color: rgb(21, 130, 55); background: rgba(33, 195, 84, 0.1); }
.kpi-red { color: rgb(189, 64, 67); background: rgba(255, 43, 43, 0.09); }
.kpi-gray { color: rgba(49, 51, 63, 0.75); background: rgba(49, 51, 63, 0.07); }
.kpi-compare { color: rgba(49, 51, 63, 0.6); }
.kpi-note { margin-top: auto; padding-top: 0.3rem; font-size: 0.8rem; color: rgba(49, 51, 63, 0.6); line-height: 1.45;
  overflow-wrap: anywhere; }
</style>"""

ARROWS = {"up": "↑ ", "down": "↓ ", "off": ""}


def card_label(k: Kpi) -> str:
    """The card's title: the metric's name, with its unit unless the value carries it (件, 分, %)."""
    m = k.metric
    return m.zh if _unit_in_value(k) or m.unit == "%" else f"{m.zh}（{m.unit}）"


def card_value(k: Kpi) -> str:
    return k.metric.format(k.value, with_unit=_unit_in_value(k))


def _unit_in_value(k: Kpi) -> bool:
    return len(k.metric.unit) <= 2 and k.metric.unit != "%"


def _card(k: Kpi, right: bool) -> str:
    m = k.metric
    e = html.escape
    label, value = card_label(k), card_value(k)
    tip = "".join(f"<p>{e(part)}</p>" for part in m.help().split("\n\n") if part)
    change = ""
    if k.compare_label:
        c = k.change
        change = (f'<div class="kpi-change"><span class="kpi-delta kpi-{c.color}">{ARROWS[c.arrow]}{e(c.text)}</span>'
                  f'<span class="kpi-compare">{e(k.compare_label)}</span></div>')
    note = f'<div class="kpi-note">{e(k.note)}</div>' if k.note else ""
    return (f'<div class="kpi-card{" kpi-right" if right else ""}" data-kpi="{e(m.key)}" role="group" '
            f'aria-label="{e(label)}">'
            f'<div class="kpi-label">{e(label)}'
            f'<span class="kpi-help" tabindex="0" role="button" aria-label="{e(label)}的口径">?'
            f'<span class="kpi-tip" role="tooltip">{tip}</span></span></div>'
            f'<div class="kpi-value" title="{e(value)}">{e(value)}</div>{change}{note}</div>')


def kpi_html(kpis: list[Kpi], per_row: int = 5) -> str:
    """The cards, ``per_row`` to a row; the last two of a row open their definition to the left."""
    per_row = max(1, per_row)
    cards = "".join(_card(k, right=per_row > 2 and i % per_row >= per_row - 2) for i, k in enumerate(kpis))
    return f'{CSS}<div class="kpi-grid" style="--kpi-per-row:{per_row}">{cards}</div>'
