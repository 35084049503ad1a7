"""暂定法定节假日 — a provisional statutory calendar for years the holiday library lacks.

China's public holidays are fixed by 《全国年节及纪念日放假办法》 (revised 2024, in force
from 2025); only the 调休 arrangement (which weekend days are swapped to make long breaks)
comes from the State Council's yearly notice, published around November of the year
before. So for a year that ``chinese_calendar`` does not cover yet, the holiday days
themselves can be computed from the law:

=========  ===============================================  =======
holiday    date                                             days
=========  ===============================================  =======
元旦       1 January                                        1
春节       除夕 (the day before 正月初一) and 正月初一–初三  4
清明节     the day of the 清明 solar term                   1
劳动节     1–2 May                                          2
端午节     农历五月初五                                      1
中秋节     农历八月十五                                      1
国庆节     1–3 October                                      3
=========  ===============================================  =======

Article 6 of the law: a holiday of all citizens that falls on a Saturday or Sunday is made
up on a working day (补假). The provisional calendar gives each such day (and a day on
which two holidays coincide) one 补假 on the first working day after the holiday's block
of days off. It has no 调休 make-up working days: those exist only in the notice. It is
therefore an honest lower bound of the official arrangement, flagged 暂定 on every page
whose deadlines depend on it, and replaced as soon as the notice is entered in the
override file (see ``dashboard/store/workdays.py``).

Lunar dates and the 清明 solar term come from ``lunar-python`` (6tail's lunar calendar,
pure Python, no data files, covers years 1–9999 and computes solar terms astronomically).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from lunar_python import Lunar, Solar


@dataclass(frozen=True)
class HolidayDay:
    day: date
    name: str  # 元旦、春节 … ; 补假 days carry the holiday's name too
    kind: str  # "statutory" (the law's own day) or "makeup" (补假 for one on a weekend)


def _lunar_to_solar(year: int, month: int, day: int) -> date:
    s = Lunar.fromYmd(year, month, day).getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def _qingming(year: int) -> date:
    # The jieqi table of a lunar date in March lists the solar terms around that lunar year;
    # 清明 of the Gregorian year is the one dated in that year.
    table = Solar.fromYmd(year, 3, 1).getLunar().getJieQiTable()
    s = table["清明"]
    if s.getYear() != year:  # pragma: no cover - defensive; the table always holds it
        s = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"]
    return date(s.getYear(), s.getMonth(), s.getDay())


def statutory_days(year: int) -> list[tuple[date, str]]:
    """The law's holiday days of ``year`` as (day, name), in date order (no 补假)."""
    spring = _lunar_to_solar(year, 1, 1)
    days = [(date(year, 1, 1), "元旦")]
    days += [(spring + timedelta(days=i), "春节") for i in (-1, 0, 1, 2)]  # 除夕 … 初三
    days += [(_qingming(year), "清明节")]
    days += [(date(year, 5, 1), "劳动节"), (date(year, 5, 2), "劳动节")]
    days += [(_lunar_to_solar(year, 5, 5), "端午节")]
    days += [(_lunar_to_solar(year, 8, 15), "中秋节")]
    days += [(date(year, 10, d), "国庆节") for d in (1, 2, 3)]
    return sorted(days)


def provisional_holidays(year: int) -> list[HolidayDay]:
    """Every day off of ``year`` under the law alone: statutory days plus 补假.

    A statutory day on a Saturday or Sunday, or on a day already taken by another
    holiday, earns one 补假 on the first weekday after its holiday's days off that is not
    itself a day off."""
    taken: dict[date, HolidayDay] = {}
    owed: list[tuple[date, str]] = []
    for day, name in statutory_days(year):
        if day in taken or day.weekday() >= 5:
            owed.append((day, name))
        taken.setdefault(day, HolidayDay(day, name, "statutory"))
    for day, name in owed:  # in date order: each 补假 goes after the days off already placed
        candidate = day + timedelta(days=1)
        while candidate.weekday() >= 5 or candidate in taken:
            candidate += timedelta(days=1)
        taken[candidate] = HolidayDay(candidate, name, "makeup")
    return [taken[d] for d in sorted(taken) if d.year == year]


def main(argv: list[str] | None = None) -> int:
    """``python -m dashboard.store.holidays 2027``: print a year's provisional days off.

    ``--csv`` prints them as rows of the override file (date,is_workday,name), a starting
    point for entering the State Council's notice: correct the rows to the notice, add its
    调休 working days (is_workday=1), and append them to config/calendar_override.csv."""
    parser = argparse.ArgumentParser(prog="python -m dashboard.store.holidays",
                                     description="按《全国年节及纪念日放假办法》推算某年的暂定放假安排")
    parser.add_argument("year", type=int)
    parser.add_argument("--csv", action="store_true", help="按覆盖文件格式输出（date,is_workday,name）")
    args = parser.parse_args(argv)
    if not 1900 <= args.year <= 2999:
        print("年份应在 1900–2999 之间", file=sys.stderr)
        return 1
    days = provisional_holidays(args.year)
    if args.csv:
        print("date,is_workday,name")
        for h in days:
            print(f"{h.day.isoformat()},0,{h.name}{'（补假）' if h.kind == 'makeup' else ''}")
    else:
        print(f"{args.year} 年暂定放假安排（按《全国年节及纪念日放假办法》推算，未含国务院通知的调休上班日）：")
        weekdays = "一二三四五六日"
        for h in days:
            note = "补假" if h.kind == "makeup" else "法定"
            print(f"  {h.day.isoformat()} 周{weekdays[h.day.weekday()]}  {h.name}（{note}）")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


def enter_notice(override_file: Path | str, year: int, rows: list[tuple[date, bool, str]]) -> int:
    """Write the State Council's notice for ``year`` into the override file: its rows
    (day, is_workday, name) replace any rows of that year; other years stay. The file is
    replaced atomically. Returns the number of rows written for the year."""
    import csv
    import os

    path = Path(override_file)
    for day, _, _ in rows:
        if day.year != year:
            raise ValueError(f"{day.isoformat()} 不在 {year} 年内")
    if len({d for d, _, _ in rows}) != len(rows):
        raise ValueError("同一天出现了两次，请每天只保留一行")
    kept = []
    if path.exists():
        with open(path, encoding="utf-8-sig", newline="") as fh:
            kept = [r for r in csv.DictReader(fh) if not r.get("date", "").startswith(f"{year}-")]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "is_workday", "name"])
        for r in kept:
            w.writerow([r["date"], r["is_workday"], r.get("name", "")])
        for day, workday, name in sorted(rows):
            w.writerow([day.isoformat(), 1 if workday else 0, name])
    os.replace(tmp, path)
    return len(rows)
