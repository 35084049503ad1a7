"""工作日历 — working days on China's statutory calendar (法定节假日与调休).

Each day's status comes from the first of these sources that knows its year:

1. ``override`` — the override file (CSV, UTF-8, ``date,is_workday,name``): one row per
   day off (``is_workday=0``) and per 调休 working day (``is_workday=1``) of the State
   Council's notice. A year that appears in the file counts as official; its days not
   listed follow the weekend rule. Rows may also correct days of covered years.
2. ``chinese_calendar`` — the maintained package, which knows every holiday and every
   调休 make-up working day the State Council has published.
3. ``provisional`` — for a later year: the days off that the law fixes, computed by
   ``dashboard.store.holidays`` (暂定; no 调休 working days, which only the notice can give).
   Pages whose deadlines depend on such a year say so.
4. ``weekend_fallback`` — only when the provisional calendar is switched off
   (``[calendar] provisional = false``): the builder then refuses the year unless the
   configuration explicitly allows "weekends only" (and every page says so).

Time-limit rules (docs/domain.md「诉求工单」, configured in ``config/settings.toml``):

* ``N`` working days: counting starts the day after creation (期限次日起算); the
  deadline is the end (23:59:59) of the N-th working day after the creation date.
* ``N`` hours: calendar hours from the creation time (used for 紧急).
* Working-day age of a ticket on day ``d``: ``workday_seq(d) - workday_seq(created)``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Iterable

import chinese_calendar
import numpy as np
import pandas as pd

from dashboard.store.holidays import provisional_holidays

DAY = np.timedelta64(1, "D")
END_OF_DAY = np.timedelta64(86399, "s")  # 23:59:59

HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


class CalendarCoverageError(ValueError):
    """Raised when dates fall in a year that neither the library nor the override knows."""

    def __init__(self, years: Iterable[int], override_path: Path | None = None):
        self.years = sorted(set(years))
        lo, hi = library_years()
        where = str(override_path) if override_path else "config/calendar_override.csv"
        super().__init__(
            f"法定节假日数据未覆盖 {'、'.join(str(y) for y in self.years)} 年"
            f"（已安装的 chinese-calendar 覆盖 {lo}–{hi} 年）。"
            f"请升级 chinese-calendar，或在覆盖文件 {where} 中列出该年全部放假日（is_workday=0）"
            f"和调休上班日（is_workday=1），然后重新构建数据库；"
            f"若确需按“仅周末休息”临时计算，可在 config/settings.toml 设置 "
            f"[calendar] allow_weekend_fallback = true（各页面会提示结果可能不准确）。"
        )


def provisional_notice(years: str | Iterable[int]) -> str:
    """The sentence every deadline-dependent page shows while a year's days off are 暂定.

    ``years`` is the meta value (``"2027"`` or ``"2027,2028"``) or a list of years."""
    if isinstance(years, str):
        years = [int(y) for y in years.split(",") if y.strip()]
    text = "、".join(str(y) for y in sorted(years))
    first = min(years)
    return (f"**{text} 年的法定节假日为暂定**：按《全国年节及纪念日放假办法》推算（含周末补假），尚未含国务院放假通知的"
            f"调休安排，涉及 {text} 年的办理时限、超期和账龄可能变化。\n\n"
            f"管理员：通知发布后，在 `config/calendar_override.csv` 录入该年全部放假日（is_workday=0）和调休上班日"
            f"（is_workday=1），重新构建数据库后生效；可用 `python -m dashboard.store.holidays {first} --csv` 生成草稿再按通知修改。")


def library_years() -> tuple[int, int]:
    """First and last year the installed chinese_calendar covers."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return years[0], years[-1]


def read_override(path: Path | None) -> dict[date, tuple[bool, str]]:
    """Read the override CSV into {date: (is_workday, name)}; raise ValueError in Chinese."""
    if path is None or not Path(path).exists():
        return {}
    out: dict[date, tuple[bool, str]] = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"date", "is_workday"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"节假日覆盖文件 {path} 缺少列：{'、'.join(sorted(missing))}（需要 date,is_workday,name）")
        for lineno, row in enumerate(reader, start=2):
            try:
                day = date.fromisoformat(row["date"].strip())
            except ValueError:
                raise ValueError(f"节假日覆盖文件 {path} 第 {lineno} 行：日期“{row['date']}”格式不对，应为 YYYY-MM-DD") from None
            flag = row["is_workday"].strip().lower()
            if flag not in {"0", "1", "true", "false", "是", "否"}:
                raise ValueError(f"节假日覆盖文件 {path} 第 {lineno} 行：is_workday 应为 0 或 1，而不是“{row['is_workday']}”")
            out[day] = (flag in {"1", "true", "是"}, (row.get("name") or "").strip())
    return out


@dataclass(frozen=True)
class WorkdayCalendar:
    """A day-by-day table from ``first_day`` with working-day flags and sequence numbers."""

    first_day: date
    is_workday: np.ndarray  # bool, one per day
    workday_seq: np.ndarray  # int32: working days up to and including the day
    holiday_name: tuple[str | None, ...]
    source: tuple[str, ...]  # override | chinese_calendar | provisional | weekend_fallback

    # -- construction -------------------------------------------------------------
    @classmethod
    def build(cls, start: date, end: date, override_path: Path | None = None,
              provisional: bool = True) -> "WorkdayCalendar":
        """Days from ``start`` to ``end``; ``provisional`` computes the law's days off for
        years neither the override file nor the library covers (else: weekends only)."""
        override = read_override(override_path)
        override_years = {d.year for d in override}
        lo, hi = library_years()
        law: dict[date, str] = {}
        if provisional:
            for year in range(start.year, end.year + 1):
                if year not in override_years and not lo <= year <= hi:
                    law.update({h.day: h.name + ("（补假）" if h.kind == "makeup" else "") for h in provisional_holidays(year)})
        n = (end - start).days + 1
        flags = np.zeros(n, dtype=bool)
        names: list[str | None] = []
        sources: list[str] = []
        for i in range(n):
            d = start + timedelta(days=i)
            if d in override:
                flags[i], name = override[d]
                names.append(name or None)
                sources.append("override")
            elif lo <= d.year <= hi:
                flags[i] = chinese_calendar.is_workday(d)
                on_holiday, name = chinese_calendar.get_holiday_detail(d)
                names.append(HOLIDAY_NAMES_ZH.get(name, name) if name else None)
                sources.append("chinese_calendar")
            elif d.year in override_years:
                flags[i] = d.weekday() < 5
                names.append(None)
                sources.append("override")
            elif provisional:
                flags[i] = d not in law and d.weekday() < 5
                names.append(law.get(d))
                sources.append("provisional")
            else:
                flags[i] = d.weekday() < 5
                names.append(None)
                sources.append("weekend_fallback")
        seq = np.cumsum(flags, dtype=np.int32)
        return cls(start, flags, seq, tuple(names), tuple(sources))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "WorkdayCalendar":
        frame = frame.sort_values("day")
        first = pd.Timestamp(frame["day"].iloc[0]).date()
        return cls(first, frame["is_workday"].to_numpy(bool), frame["workday_seq"].to_numpy(np.int32),
                   tuple(frame["holiday_name"].where(frame["holiday_name"].notna(), None)),
                   tuple(frame["source"]))

    # -- properties -----------------------------------------------------------------
    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=len(self.is_workday) - 1)

    def _years_from(self, source: str, days: Iterable[date] | None) -> list[int]:
        src = np.array(self.source)
        if days is None:
            idx = np.nonzero(src == source)[0]
        else:
            idx = self._index(np.array(list(days), dtype="datetime64[D]"))
            idx = idx[src[idx] == source]
        return sorted({(self.first_day + timedelta(days=int(i))).year for i in idx})

    def uncovered_years(self, days: Iterable[date] | None = None) -> list[int]:
        """Years with weekend-fallback days (optionally only among ``days``)."""
        return self._years_from("weekend_fallback", days)

    def provisional_years(self, days: Iterable[date] | None = None) -> list[int]:
        """Years whose days off are the provisional ones computed from the law (暂定)."""
        return self._years_from("provisional", days)

    def to_frame(self) -> pd.DataFrame:
        days = np.datetime64(self.first_day, "D") + np.arange(len(self.is_workday)) * DAY
        return pd.DataFrame({
            "day": days.astype("datetime64[s]").astype("datetime64[ns]"),
            "is_workday": self.is_workday,
            "workday_seq": self.workday_seq,
            "holiday_name": list(self.holiday_name),
            "source": list(self.source),
        })

    # -- look-ups (vectorised) ------------------------------------------------------------
    def _index(self, days: np.ndarray) -> np.ndarray:
        idx = (days.astype("datetime64[D]") - np.datetime64(self.first_day, "D")).astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self.is_workday)):
            raise ValueError(f"日期超出工作日历范围 {self.first_day} 至 {self.last_day}")
        return idx

    def is_workday_on(self, day: date) -> bool:
        return bool(self.is_workday[self._index(np.array([day], dtype="datetime64[D]"))[0]])

    def seq(self, days) -> np.ndarray:
        """Working-day sequence number of each day (vectorised)."""
        return self.workday_seq[self._index(np.asarray(days, dtype="datetime64[D]"))]

    def workdays_between(self, start_days, end_days) -> np.ndarray:
        """Working days from ``start`` to ``end`` (same day → 0; Friday → Monday → 1)."""
        return self.seq(end_days) - self.seq(start_days)

    def nth_workday_after(self, days, n) -> np.ndarray:
        """The date of the n-th working day after each day (n ≥ 1), as datetime64[D]."""
        target = self.seq(days) + np.asarray(n, dtype=np.int64)
        work_idx = np.nonzero(self.is_workday)[0]
        work_seq = self.workday_seq[work_idx]
        pos = np.searchsorted(work_seq, target)
        if pos.size and pos.max() >= len(work_idx):
            raise ValueError(f"时限超出工作日历范围（至 {self.last_day}），请扩大日历范围")
        return np.datetime64(self.first_day, "D") + work_idx[pos] * DAY

    def deadline(self, created, value, unit) -> np.ndarray:
        """Deadline timestamps (datetime64[s]) for creation times and limits.

        ``unit`` is ``"working_days"`` (end of the N-th working day after the creation
        date) or ``"hours"`` (creation time + N hours); arrays broadcast.
        """
        created = np.asarray(created, dtype="datetime64[s]")
        value = np.broadcast_to(np.asarray(value, dtype=np.int64), created.shape)
        unit = np.broadcast_to(np.asarray(unit), created.shape)
        out = np.empty(created.shape, dtype="datetime64[s]")
        hours = unit == "hours"
        if hours.any():
            out[hours] = created[hours] + value[hours].astype("timedelta64[h]")
        wd = ~hours
        if wd.any():
            day = self.nth_workday_after(created[wd].astype("datetime64[D]"), value[wd])
            out[wd] = day.astype("datetime64[s]") + END_OF_DAY
        return out

    def next_workday_end(self, moment: datetime) -> datetime:
        """End of the next working day after ``moment``'s date (for 即将超期)."""
        day = self.nth_workday_after(np.array([moment.date()], dtype="datetime64[D]"), 1)[0]
        return pd.Timestamp(day.astype("datetime64[s]") + END_OF_DAY).to_pydatetime()
