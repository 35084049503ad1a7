"""筛选条件 — area scope, period and comparison, and how they live in the URL.

Pure logic with no Streamlit import, so tests can call it directly:

* ``parse_filters(query_params, areas, as_of, data_start)`` turns URL parameters into a
  valid ``Filters`` plus a list of Chinese warnings for anything invalid or stale (an
  unknown code, a street outside the chosen district, a malformed date), falling back
  to the nearest valid view instead of failing;
* ``Filters.to_query_params()`` is its inverse: a copied link reopens the same view;
* ``scope_to`` / ``drill_into`` are the only ways the scope changes (sidebar, breadcrumb,
  clicks on rankings, bars and map polygons all go through them).

Periods are relative to the data's as-of date (数据截至), not to today's date, so
"本月" of an export from last week still shows that export's month.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from dashboard.core.areas import AreaIndex
from dashboard.core.schema import CODE_LENGTH, LEVEL_ZH
from dashboard.core.text import echo

PRESETS = {"this_month": "本月", "last_month": "上月", "this_quarter": "本季度", "this_year": "本年",
           "last_30d": "近30天", "custom": "自定义"}
COMPARISONS = {"mom": "环比", "yoy": "同比", "none": "不对比"}
DEFAULT_PRESET = "this_month"
DEFAULT_COMPARE = "mom"
FILTER_PARAMS = ("district", "street", "community", "period", "start", "end", "compare")
SCOPE_LEVELS = ("district", "street", "community")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"


def _month_end(d: date) -> date:
    return d.replace(day=_cal.monthrange(d.year, d.month)[1])


def _shift_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def preset_period(preset: str, as_of: date, start: date | None = None, end: date | None = None) -> Period:
    if preset == "this_month":
        return Period(as_of.replace(day=1), as_of)
    if preset == "last_month":
        first = _shift_months(as_of.replace(day=1), -1)
        return Period(first, _month_end(first))
    if preset == "this_quarter":
        first = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
        return Period(first, as_of)
    if preset == "this_year":
        return Period(date(as_of.year, 1, 1), as_of)
    if preset == "last_30d":
        return Period(as_of - timedelta(days=29), as_of)
    if preset == "custom" and start and end:
        return Period(start, end)
    raise ValueError(f"unknown preset {preset!r}")


def comparison_period(preset: str, period: Period, mode: str) -> Period | None:
    """环比: the previous month/quarter/year up to the same day (or, for rolling and
    custom periods, the preceding window of equal length); 同比: the same dates a year
    earlier."""
    if mode == "none":
        return None
    if mode == "yoy":
        return Period(_shift_year(period.start, -1), _shift_year(period.end, -1))
    step = {"this_month": 1, "last_month": 1, "this_quarter": 3, "this_year": 12}.get(preset)
    if step is None and period.start.day == 1 and period.end == _month_end(period.end):
        # a custom period of whole months compares with the same number of months before it
        step = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        return Period(_shift_months(period.start, -step), _month_end(_shift_months(period.end, -step)))
    if step is not None:
        start = _shift_months(period.start, -step)
        unit_end = _month_end(_shift_months(start, step - 1))
        return Period(start, min(unit_end, start + timedelta(days=period.days - 1)))
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def period_kind(preset: str, period: Period) -> str | None:
    """What kind of period this is, for "the periods before it" (连续 N 期上黑榜): "month" (本月, 上月, or a
    custom period that is one whole calendar month), "quarter", "year", "rolling" (近30天: windows of the same
    length); None for any other custom period, which has no periods before it."""
    if preset in ("this_month", "last_month"):
        return "month"
    if preset == "this_quarter":
        return "quarter"
    if preset == "this_year":
        return "year"
    if preset == "last_30d":
        return "rolling"
    whole_months = period.start.day == 1 and period.end == _month_end(period.end)
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    if whole_months and months == 1:
        return "month"
    if whole_months and months == 3 and period.start.month % 3 == 1:
        return "quarter"
    if whole_months and months == 12 and period.start.month == 1:
        return "year"
    return None


def earlier_periods(preset: str, period: Period, count: int) -> list[Period]:
    """The ``count`` whole periods of the same kind just before ``period``, the nearest first: the months
    before 本月 (whole months, though 本月 runs only to the data moment), the quarters before 本季度, the
    30-day windows before 近30天. [] for a custom period that is not a whole month, quarter or year."""
    kind = period_kind(preset, period)
    if kind is None or count <= 0:
        return []
    if kind == "rolling":
        return [Period(period.start - timedelta(days=period.days * i), period.start - timedelta(days=period.days * (i - 1) + 1))
                for i in range(1, count + 1)]
    step = {"month": 1, "quarter": 3, "year": 12}[kind]
    out = []
    for i in range(1, count + 1):
        start = _shift_months(period.start, -step * i)
        out.append(Period(start, _month_end(_shift_months(start, step - 1))))
    return out


@dataclass(frozen=True)
class Filters:
    period: Period
    as_of: datetime  # the data's cut-off moment (数据截至)
    district: str | None = None
    street: str | None = None
    community: str | None = None
    preset: str = DEFAULT_PRESET
    compare: str = DEFAULT_COMPARE
    comparison: Period | None = None

    # -- scope ------------------------------------------------------------------------------------
    @property
    def scope(self) -> str:
        """The code of the current area ('' for the whole city)."""
        return self.community or self.street or self.district or ""

    @property
    def level(self) -> str:
        return "community" if self.community else "street" if self.street else "district" if self.district else "city"

    @property
    def child_level(self) -> str:
        return {"city": "district", "district": "street", "street": "community", "community": "grid"}[self.level]

    @property
    def child_len(self) -> int:
        return CODE_LENGTH[self.child_level]

    @property
    def child_level_zh(self) -> str:
        return LEVEL_ZH[self.child_level]

    # -- time -------------------------------------------------------------------------------------
    def bounds(self, period: Period | None = None) -> tuple[datetime, datetime]:
        """[start, end) timestamps of a period; the end never passes the data's as-of moment,
        so backlog and overdue are counted at the moment the data describes.

        Equal elapsed windows: when the period runs up to the data moment (本月 to the 20th, 18:00), its
        comparison stops at the same time of day on its last day (上月 to the 20th, 18:00), not at the
        end of that day — otherwise the comparison has hours more of tickets."""
        p = period or self.period
        start = datetime.combine(p.start, datetime.min.time())
        end = min(datetime.combine(p.end + timedelta(days=1), datetime.min.time()), self.as_of + timedelta(seconds=1))
        if period is not None and period == self.comparison and period != self.period and self.is_current:
            end = min(end, datetime.combine(p.end, self.as_of.time()) + timedelta(seconds=1))
        return start, end

    @property
    def is_current(self) -> bool:
        return self.period.end >= self.as_of.date()

    @property
    def comparison_label(self) -> str:
        """The comparison period as a label; cut at the data moment's time of day when the period is
        (“2026-10-01 至 2026-10-20 18:00”), so the equal window is visible. "" without a comparison."""
        if not self.comparison:
            return ""
        _, end = self.bounds(self.comparison)
        if end.time() == datetime.min.time():
            return self.comparison.label
        return f"{self.comparison.label} {self.as_of:%H:%M}"

    # -- URL ----------------------------------------------------------------------------------------
    def to_query_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in SCOPE_LEVELS:
            value = getattr(self, key)
            if value:
                out[key] = value
        out["period"] = self.preset
        if self.preset == "custom":
            out["start"] = self.period.start.isoformat()
            out["end"] = self.period.end.isoformat()
        out["compare"] = self.compare
        return out

    def describe_period(self) -> str:
        text = f"{PRESETS[self.preset]}（{self.period.label}）"
        if self.comparison:
            text += f"，{COMPARISONS[self.compare]}：{self.comparison_label}"
        return text


def default_filters(as_of: datetime) -> Filters:
    period = preset_period(DEFAULT_PRESET, as_of.date())
    return Filters(period, as_of, comparison=comparison_period(DEFAULT_PRESET, period, DEFAULT_COMPARE))


def _value(params: Mapping[str, Any], key: str) -> str | None:
    v = params.get(key)
    if isinstance(v, (list, tuple)):
        v = v[-1] if v else None
    v = None if v is None else str(v).strip()
    return v or None


def _parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_filters(params: Mapping[str, Any], areas: AreaIndex, as_of: datetime,
                  data_start: date) -> tuple[Filters, list[str]]:
    """Valid filters from URL parameters, and Chinese warnings for what had to be fixed."""
    warnings: list[str] = []
    scope: dict[str, str | None] = {"district": None, "street": None, "community": None}
    for level in SCOPE_LEVELS:
        code = _value(params, level)
        if code is None:
            continue
        area = areas.get(code)
        if area is None or area.level != level:
            warnings.append(f"地址中的{LEVEL_ZH[level]}代码“{echo(code)}”不存在，已忽略。")
            continue
        current = scope["street"] or scope["district"] or ""
        if not code.startswith(current):
            warnings.append(f"{LEVEL_ZH[level]}“{area.name}”不属于“{areas.name(current)}”，已显示“{areas.name(current)}”。")
            continue
        for anc in areas.ancestors(code):  # fill in the levels above from the code itself
            if anc.level in scope:
                scope[anc.level] = anc.code
    preset = _value(params, "period") or DEFAULT_PRESET
    if preset not in PRESETS:
        warnings.append(f"地址中的期间“{echo(preset)}”无法识别，已改为{PRESETS[DEFAULT_PRESET]}。")
        preset = DEFAULT_PRESET
    start = end = None
    if preset == "custom":
        start, end = _parse_date(_value(params, "start")), _parse_date(_value(params, "end"))
        if start is None or end is None:
            warnings.append("自定义期间的开始或结束日期缺失或格式不对（应为 YYYY-MM-DD），已改为本月。")
            preset = DEFAULT_PRESET
        elif start > end:
            warnings.append(f"自定义期间的开始日期 {start} 晚于结束日期 {end}，已改为本月。")
            preset = DEFAULT_PRESET
        elif end < data_start or start > as_of.date():
            warnings.append(f"自定义期间 {start} 至 {end} 不在数据范围（{data_start} 至 {as_of.date()}）内，已改为本月。")
            preset = DEFAULT_PRESET
        else:
            if start < data_start:  # e.g. a link saved before the data were imported again
                warnings.append(f"开始日期 {start} 早于数据起始日期 {data_start}，已按 {data_start} 计算。")
                start = data_start
            if end > as_of.date():
                warnings.append(f"结束日期 {end} 晚于数据截至日期 {as_of.date()}，已按 {as_of.date()} 计算。")
                end = as_of.date()
    period = preset_period(preset, as_of.date(), start, end)
    compare = _value(params, "compare") or DEFAULT_COMPARE
    if compare not in COMPARISONS:
        warnings.append(f"地址中的对比方式“{echo(compare)}”无法识别，已改为{COMPARISONS[DEFAULT_COMPARE]}。")
        compare = DEFAULT_COMPARE
    try:
        comparison = comparison_period(preset, period, compare)
    except (OverflowError, ValueError):  # a comparison before the year 1
        warnings.append(f"期间 {period.label} 没有可用的{COMPARISONS[compare]}对比期，已改为不对比。")
        compare, comparison = "none", None
    filters = Filters(period, as_of, scope["district"], scope["street"], scope["community"], preset, compare,
                      comparison)
    return filters, warnings


def scope_to(filters: Filters, code: str, areas: AreaIndex) -> Filters:
    """Move the scope to any area down to community level ('' = whole city)."""
    area = areas.get(code)
    if area is None or area.level == "grid":
        raise ValueError(f"cannot scope to {code!r}")
    chain = {a.level: a.code for a in areas.ancestors(code)}
    return replace(filters, district=chain.get("district"), street=chain.get("street"), community=chain.get("community"))


def drill_into(filters: Filters, code: str, areas: AreaIndex) -> Filters:
    """Drill from the current scope into one of its children (a click on a ranking row,
    a bar or a map polygon). Grids are leaves: the scope stays at their community."""
    area = areas.get(code)
    if area is None:
        raise ValueError(f"unknown area {code!r}")
    if area.level == "grid":
        code = area.parent_code or ""
    return scope_to(filters, code, areas)


def with_period(filters: Filters, preset: str, start: date | None = None, end: date | None = None) -> Filters:
    period = preset_period(preset, filters.as_of.date(), start, end)
    return replace(filters, preset=preset, period=period,
                   comparison=comparison_period(preset, period, filters.compare))


def with_compare(filters: Filters, compare: str) -> Filters:
    return replace(filters, compare=compare, comparison=comparison_period(filters.preset, filters.period, compare))
