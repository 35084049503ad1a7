"""排名与红黑榜 — the one ranking module: how child areas are ranked on a metric and who goes on
the 红榜 and the 黑榜. The overview, the other pages, presentation mode, the meeting brief and the
exports all rank through here. The rules and why are in docs/metrics.md:

* **Minimum sample.** A unit whose denominator is below the metric's minimum sample
  (``Metric.minimum_sample``, e.g. 有效回访 ≥ 30) is 样本不足: it gets no rank, is listed after the
  ranked units, goes on no board and is grey on the map. A unit without a value is 无数据, last.
* **Ties share a rank** (competition ranking "1, 2, 2, 4"): "并列第 2 名". Values are compared as they
  are displayed (rounded half-up), so two units both shown as 90.8 are tied.
* **Boards never share a unit.** By default the 红榜 takes the best units that are *not* past the
  alert line and the 黑榜 the worst units that *are* past it; when fewer than N qualify the board says
  so ("仅 2 个低于预警线"). With ``[ranking] rank_last_regardless = true`` (or for a metric without an
  alert line) the 黑榜 takes the last places regardless, and the boards split the ranked units so
  that no unit is on both. A tie at a board's last place takes all tied units along.
* **Rank change** against the comparison period: ↑2 / ↓1 / 新上榜 (not ranked then). For 居村考核 the
  comparison is the previous assessment round.
* **连续 N 期上黑榜.** Each 黑榜 unit counts the periods in a row, this one included, it has been on the
  黑榜: the earlier periods of the same kind (the months before 本月, the quarters before 本季度, the rounds
  before a 考核 round; ``[ranking] streak_periods`` of them) each get their own 黑榜 by the same rules
  (alert line, minimum sample, board size), and the count stops at the first period the unit was not on
  it or that has no data. Shown from 2 on ("连续 3 期上黑榜"). A custom period has no periods before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from dashboard.core.config import Settings, settings as current_settings
from dashboard.core.metrics import format_number, Metric, round_half_up

RANKED, SMALL, MISSING = "ranked", "样本不足", "无数据"


@dataclass(frozen=True)
class Standing:
    """One unit's place on a ranking."""
    code: str
    name: str
    value: float | None
    value_text: str
    rank: int | None  # None: 样本不足 or 无数据
    tied: bool
    status: str  # RANKED / SMALL / MISSING
    alert: bool  # past the alert line (as displayed)
    count_note: str = ""
    change: str = ""  # "↑2", "↓1", "持平" (same place), "新上榜"; "" without a comparison
    streak: int = 0  # 黑榜 only: periods in a row on the 黑榜, this one included (0: not counted)

    @property
    def rank_text(self) -> str:
        return rank_label(self.rank, self.tied, self.status)

    @property
    def streak_text(self) -> str:
        """“连续 3 期上黑榜” from 2 periods on; "" otherwise."""
        return streak_label(self.streak)

    @property
    def streak_short(self) -> str:
        """“连续 3 期” for the narrow 黑榜 of a slide or the projector (the board's title says 黑榜)."""
        return streak_label(self.streak, short=True)


def streak_label(streak: int, short: bool = False) -> str:
    if streak < 2:
        return ""
    return f"连续 {streak} 期" if short else f"连续 {streak} 期上黑榜"


def rank_label(rank: int | None, tied: bool, status: str) -> str:
    if status != RANKED or rank is None:
        return status
    return f"并列第 {rank} 名" if tied else f"第 {rank} 名"


def _sort_key(m: Metric, value) -> float:
    r = round_half_up(value, m.decimals, m.scale)
    return float(r) if m.direction == "down" else -float(r)


def standings(frame: pd.DataFrame, m: Metric, cfg: Settings | None = None, value_col: str | None = None,
              previous: pd.DataFrame | None = None) -> list[Standing]:
    """Every row of ``frame`` (area_code, area_name, the metric's column and its counts) in ranking order:
    ranked units best first, then 样本不足, then 无数据 (each by area code). ``previous``: the same frame for
    the comparison period, for the rank change."""
    cfg = cfg or current_settings()
    col = value_col or m.col
    before = _ranks(previous, m, cfg, col) if previous is not None else None
    rows = []
    # plain dicts of the columns a standing reads: iterrows built a Series of every column per row (a tenth of a 总览 run)
    wanted = [c for c in dict.fromkeys(("area_code", "area_name", col, m.numerator, m.weighted_term, m.denominator))
              if c and c in frame.columns]
    for row in frame[wanted].to_dict("records"):
        v = row.get(col)
        shown = round_half_up(v, m.decimals, m.scale)
        if shown is None:
            status = MISSING
        elif m.denominator and m.denominator in row and not m.sample_ok(row[m.denominator], cfg):
            status = SMALL
        else:
            status = RANKED
        rows.append((row, None if shown is None else float(v), status))
    ranked = sorted((r for r in rows if r[2] == RANKED), key=lambda r: (_sort_key(m, r[1]), str(r[0]["area_code"])))
    keys = [_sort_key(m, r[1]) for r in ranked]
    out = []
    for i, (row, v, status) in enumerate(ranked):
        rank = keys.index(keys[i]) + 1
        tied = keys.count(keys[i]) > 1
        out.append(_standing(row, m, v, rank, tied, status, cfg, before))
    for status in (SMALL, MISSING):
        for row, v, s in sorted((r for r in rows if r[2] == status), key=lambda r: str(r[0]["area_code"])):
            out.append(_standing(row, m, v, None, False, s, cfg, before))
    return out


def _ranks(frame: pd.DataFrame, m: Metric, cfg: Settings, col: str) -> dict[str, int]:
    return {s.code: s.rank for s in standings(frame, m, cfg, col) if s.rank is not None}


def _standing(row, m: Metric, v, rank, tied, status, cfg, before) -> Standing:
    code = str(row["area_code"])
    change = ""
    if before is not None and rank is not None:
        was = before.get(code)
        change = "新上榜" if was is None else ("持平" if was == rank else (f"↑{was - rank}" if was > rank else f"↓{rank - was}"))
    text = m.format(v) if status != MISSING else "无数据"
    return Standing(code, str(row["area_name"]), v, text, rank, tied, status,
                    status != MISSING and m.is_alert(v, cfg), m.count_note(row, cfg), change)


def ranked_frame(frame: pd.DataFrame, m: Metric, cfg: Settings | None = None) -> pd.DataFrame:
    """``frame`` in ranking order with ``rank`` (nullable), ``rank_text`` and ``rank_status`` columns."""
    order = standings(frame, m, cfg)
    # by position, and the three columns added at once: an index over text (or a column inserted at a time)
    # converts the Arrow-backed labels every time
    position = {code: i for i, code in enumerate(frame["area_code"].astype(str).tolist())}
    out = frame.iloc[[position[s.code] for s in order]].reset_index(drop=True)
    added = pd.DataFrame({"rank": pd.array([s.rank for s in order], dtype="Int64"),
                          "rank_text": [s.rank_text for s in order], "rank_status": [s.status for s in order]})
    return pd.concat([out.drop(columns=[c for c in added.columns if c in out.columns]), added], axis=1)


@dataclass(frozen=True)
class Board:
    title: str  # "红榜" / "黑榜"
    rows: list[Standing]
    note: str = ""  # e.g. "仅 2 个低于预警线"; "" when the board is full


@dataclass(frozen=True)
class Boards:
    metric: Metric
    size: int  # N asked for
    red: Board
    black: Board
    small: list[Standing] = field(default_factory=list)  # 样本不足, on no board
    rule: str = ""  # one line saying how the boards were chosen

    @property
    def red_codes(self) -> set[str]:
        return {s.code for s in self.red.rows}

    @property
    def black_codes(self) -> set[str]:
        return {s.code for s in self.black.rows}


def _take(candidates: list[Standing], n: int) -> list[Standing]:
    """The first ``n`` candidates, and any more tied with the n-th (a tie is not cut)."""
    if n <= 0 or not candidates:
        return []
    taken = candidates[:n]
    last = taken[-1].rank
    return taken + [s for s in candidates[n:] if s.rank == last]


def boards(frame: pd.DataFrame, m: Metric, unit_zh: str = "单位", n: int | None = None, cfg: Settings | None = None,
           value_col: str | None = None, previous: pd.DataFrame | None = None,
           history: list[pd.DataFrame | None] | None = None) -> Boards:
    """The 红榜 (best) and 黑榜 (worst, worst first) of ``frame`` on ``m`` by the rules above. ``history``: the
    same frame for each earlier period of the same kind, the nearest first (None for a period without data),
    for “连续 N 期上黑榜”."""
    cfg = cfg or current_settings()
    b = _boards(frame, m, unit_zh, n, cfg, value_col, previous)
    if history is None:
        return b
    earlier = [None if h is None else _boards(h, m, unit_zh, b.size, cfg, value_col, None).black_codes for h in history]
    black = [replace(s, streak=black_streak(s.code, earlier)) for s in b.black.rows]
    return replace(b, black=replace(b.black, rows=black))


def black_streak(code: str, earlier: list[set[str] | None]) -> int:
    """Periods in a row on the 黑榜 for a unit on it now: 1 + the earlier periods (nearest first) whose 黑榜 held
    it, stopping at the first that did not or that has no data (None)."""
    n = 1
    for codes in earlier:
        if codes is None or code not in codes:
            break
        n += 1
    return n


def _boards(frame: pd.DataFrame, m: Metric, unit_zh: str, n: int | None, cfg: Settings, value_col: str | None,
            previous: pd.DataFrame | None) -> Boards:
    n = n or cfg.red_black_size
    order = standings(frame, m, cfg, value_col, previous)
    ranked = [s for s in order if s.status == RANKED]
    small = [s for s in order if s.status == SMALL]
    line = m.alert_threshold(cfg)
    by_line = line is not None and m.direction != "neutral" and not cfg.rank_last_regardless
    if by_line:
        good = [s for s in ranked if not s.alert]
        bad = [s for s in ranked if s.alert][::-1]  # worst first
        red_rows, black_rows = _take(good, n), _take(bad, n)
        word = m.alert_word()
        reached = "达到预警线" if m.direction == "up" else "未超过预警线"
        red_note = "" if len(red_rows) >= n else (
            f"没有{reached}的{unit_zh}" if not red_rows else f"仅 {len(red_rows)} 个{unit_zh}{reached}")
        black_note = "" if len(black_rows) >= n else (
            f"没有{word}预警线的{unit_zh}" if not black_rows else f"仅 {len(black_rows)} 个{word}预警线")
        rule = (f"红榜：{reached}（{m.format(line)}）的前 {n} 名；黑榜：{word}预警线的后 {n} 名；"
                f"红黑榜不重复")
    else:
        half = min(n, len(ranked) // 2)
        red_rows = _take(ranked, half)
        rest = [s for s in ranked if s.code not in {r.code for r in red_rows}][::-1]
        black_rows = _take(rest, min(half, len(rest)))
        short = f"有排名的{unit_zh}只有 {len(ranked)} 个" if half < n else ""
        red_note = black_note = short
        rule = f"红榜：前 {n} 名；黑榜：后 {n} 名（末位不论是否越过预警线）；红黑榜不重复"
    if small:
        need = m.minimum_sample(cfg)
        rule += f"；{len(small)} 个{unit_zh}样本不足（分母少于 {format_number(need)}），不排名、不上榜"
    return Boards(m, n, Board("红榜", red_rows, red_note), Board("黑榜", black_rows, black_note), small, rule)
