"""诉求工单 — 12345 hotline, grid-worker and app tickets over the two years before as-of.

``plan_tickets`` fixes everything that spans the whole period: how many tickets
arrive on each day (weekly rhythm, statutory holidays from the working-day calendar,
a seasonal curve, mild growth, day-to-day noise; the exact total of the scale), how
they spread over the grids (by population, with hot spots), and the lookup tables.
``ticket_chunks`` then yields one data frame per calendar month, each drawn from its
own random stream, so memory stays flat at any scale and the months are independent.

Within a ticket the story is consistent:

* created (受理) → signed (签收) → first contact (首次联系) → closed (办结), all before
  as-of; a ticket whose closing would fall after as-of is still open then, so recent
  tickets are more often open, and a small tail of old tickets is stuck open;
* closure is drawn in working days on the statutory calendar against the configured
  time limit (``config/settings.toml``): most on time, some late with a long tail,
  more late in weakly governed streets (latent ``street_quality``) and in hard
  categories; extensions (延期, 5 or 10 working days, at most two) move the due date,
  which never leaves the years the holiday data covers; returns (退单) add delay;
* status matches: 已办结 exactly when closed; open ones are 待签收 (not yet signed),
  退单, 延期 or 办理中;
* follow-up visits (回访) only for closed tickets, with answers that depend on
  on-time closure, repeats, returns and the street's quality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.core.config import Settings
from dashboard.core.schema import SATISFACTION, TICKET_CHANNELS, TICKET_STATUSES, TICKET_URGENCIES
from dashboard.store.workdays import WorkdayCalendar
from sample_data.areas import CityMap
from sample_data.categories import BUREAUS, CATEGORIES, monthly_weights
from sample_data.random import stream

DAY_S = 86_400
HOUR_S = 3_600
HOTLINE, REPORT, APP = range(3)  # indices into TICKET_CHANNELS
REPORT_SHARE_STAFFED = 0.22  # 网格员上报 share in grids with an active 专职网格员 …
REPORT_SHARE_UNSTAFFED = 0.06  # … and in grids without one
APP_SHARE_OF_REST = 0.125  # 网上/APP among the non-report tickets (≈ 10 % overall)
HOURLY = np.array([  # relative arrivals per hour of day, per channel
    [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.6, 1.5, 3.5, 5.5, 6.0, 5.5, 4.0, 3.5, 5.0, 5.5, 5.0, 4.5, 3.5, 3.0, 2.6, 2.0, 1.2, 0.6],
    [0, 0, 0, 0, 0, 0, 0.2, 1.0, 4.0, 6.0, 6.0, 4.5, 1.5, 2.0, 5.0, 6.0, 5.0, 3.0, 0.8, 0.2, 0, 0, 0, 0],
    [0.8, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.5, 3.0, 3.0, 3.0, 3.0, 2.8, 2.8, 2.8, 2.8, 2.8, 3.0, 3.5, 4.0, 4.0, 3.0, 1.8],
])
MONTHLY = (1.08, 0.86, 0.95, 0.96, 1.0, 1.08, 1.2, 1.2, 1.0, 0.92, 0.98, 1.06)
LATE_BASE = 0.05  # share closed after the due time at average quality
STUCK_BASE = 0.0025  # old tickets that stay open
EXTENSION_BASE = 0.045
RETURN_BASE = 0.03
REPEAT_BASE = 0.065
BUREAU_SHARE = 0.35  # tickets handled by a bureau rather than the street office
PHRASES = pa.array([c.phrase for c in CATEGORIES], pa.string())  # title = place + phrase


@dataclass
class TicketPlan:
    """What all monthly chunks share."""

    as_of: np.datetime64  # [s]
    days: np.ndarray  # datetime64[D], first day .. as-of day
    day_counts: np.ndarray  # tickets per day (sums to the scale's total)
    calendar: WorkdayCalendar
    due_cap: np.datetime64  # last day covered by holiday data: no due date after it
    reply_value: np.ndarray  # per urgency
    reply_in_hours: np.ndarray
    resolve_value: np.ndarray
    resolve_in_hours: np.ndarray
    grid_cdf: np.ndarray  # cumulative ticket probability over grids
    grid_report_share: np.ndarray
    grid_repeat: np.ndarray  # repeat probability per grid
    grid_quality: np.ndarray
    grid_place: pa.Array  # title place per grid (community or unit name)
    grid_points: np.ndarray
    grid_district: np.ndarray
    grid_street: np.ndarray
    grid_community: np.ndarray
    codes: dict[str, np.ndarray]  # grid/community/street/district codes by row
    units: np.ndarray  # handling units: street offices, then district × 一级分类 bureaus
    n_streets: int


def plan_tickets(city: CityMap, has_fulltime: np.ndarray, total: int, seed: int, as_of: datetime,
                 settings: Settings) -> TicketPlan:
    rng = stream(seed, "ticket_plan")
    first = _years_before(as_of.date(), 2)
    calendar = WorkdayCalendar.build(first - timedelta(days=7), as_of.date() + timedelta(days=400),
                                     settings.calendar_override)
    days = np.arange(np.datetime64(first), np.datetime64(as_of.date()) + 1)
    weight = _daily_volume(days, calendar, rng)
    weight[-1] *= _share_of_day_before(as_of)
    day_counts = rng.multinomial(total, weight / weight.sum())

    grids = city.grids
    hot = _hot_spots(city, rng)
    comprehensive = (grids["kind"] == "综合网格").to_numpy()
    w = grids["population"].to_numpy() * hot * np.where(comprehensive, 1.0, 0.5) + 1.0
    quality = city.street_quality[city.grid_street]
    limits = [settings.time_limits[u] for u in TICKET_URGENCIES]
    dedicated = ~comprehensive
    place = np.where(dedicated, grids["name"].str.removesuffix("网格").to_numpy(),
                     city.communities["name"].to_numpy()[city.grid_community])
    districts = city.districts["name"].to_numpy()
    offices = [n + ("办事处" if k == "街道" else "人民政府") for n, k in zip(city.streets["name"], city.streets["kind"])]
    bureaus = [d + BUREAUS[l1] for d in districts for l1 in BUREAUS]
    return TicketPlan(
        as_of=np.datetime64(as_of, "s"), days=days, day_counts=day_counts, calendar=calendar,
        due_cap=_coverage_end(calendar, as_of.date()),
        reply_value=np.array([t.reply for t in limits]), reply_in_hours=np.array([t.reply_unit == "hours" for t in limits]),
        resolve_value=np.array([t.resolve for t in limits]),
        resolve_in_hours=np.array([t.resolve_unit == "hours" for t in limits]),
        grid_cdf=np.cumsum(w) / w.sum(),
        grid_report_share=np.where(has_fulltime, REPORT_SHARE_STAFFED, REPORT_SHARE_UNSTAFFED),
        grid_repeat=np.clip(REPEAT_BASE * np.sqrt(hot) * np.exp(-0.25 * quality), 0, 0.6),
        grid_quality=quality, grid_place=pa.array(place, pa.string()), grid_points=city.grid_points,
        grid_district=city.grid_district, grid_street=city.grid_street, grid_community=city.grid_community,
        codes={"grid": grids["grid_code"].to_numpy(), "community": city.communities["community_code"].to_numpy(),
               "street": city.streets["street_code"].to_numpy(), "district": city.districts["district_code"].to_numpy()},
        units=np.array(offices + bureaus, dtype=object), n_streets=len(offices),
    )


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years) + timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28) + timedelta(days=1)


def _daily_volume(days: np.ndarray, calendar: WorkdayCalendar, rng) -> np.ndarray:
    """Expected relative volume per day: weekdays high, weekends and holidays low,
    seasonal curve, +15 % growth over the period, gamma noise."""
    idx = (days - np.datetime64(calendar.first_day)).astype(np.int64)
    workday = calendar.is_workday[idx]
    holiday = np.array([calendar.holiday_name[i] is not None for i in idx]) & ~workday
    weekday = (days.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    factor = np.where(workday, np.where(weekday == 0, 1.1, np.where(weekday >= 4, 0.93, 1.0)), 0.6)
    factor = np.where(holiday, 0.42, factor)
    month = days.astype("datetime64[M]").view("int64") % 12
    growth = 1 + 0.15 * np.arange(len(days)) / len(days)
    return factor * np.array(MONTHLY)[month] * growth * rng.gamma(60, 1 / 60, len(days))


def _share_of_day_before(moment: datetime) -> float:
    """Share of a day's hotline arrivals before ``moment``'s time of day."""
    cdf = np.concatenate([[0], np.cumsum(HOURLY[HOTLINE])]) / HOURLY[HOTLINE].sum()
    return float(np.interp((moment.hour * HOUR_S + moment.minute * 60 + moment.second) / HOUR_S, np.arange(25), cdf))


def _coverage_end(calendar: WorkdayCalendar, as_of: date) -> np.datetime64:
    """The last day of the contiguous stretch from as-of that the holiday data covers."""
    start = (as_of - calendar.first_day).days
    src = np.array(calendar.source[start:])
    uncovered = np.nonzero(src == "weekend_fallback")[0]
    end = start + (int(uncovered[0]) - 1 if len(uncovered) else len(src) - 1)
    return np.datetime64(calendar.first_day) + end


def _hot_spots(city: CityMap, rng) -> np.ndarray:
    """Ticket-rate multiplier per grid: ~1.5 % hot grids (3–10×), ~2 % hot communities (3×)."""
    n = len(city.grids)
    mult = np.ones(n)
    hot_grids = rng.choice(n, size=max(1, round(0.015 * n)), replace=False)
    mult[hot_grids] = rng.uniform(3, 10, len(hot_grids))
    n_comm = len(city.communities)
    hot_comms = rng.choice(n_comm, size=max(1, round(0.02 * n_comm)), replace=False)
    mult[np.isin(city.grid_community, hot_comms)] *= 3
    return mult


# -- monthly chunks -------------------------------------------------------------------------------

def ticket_chunks(plan: TicketPlan, seed: int) -> Iterator[pd.DataFrame]:
    """One data frame per calendar month, in time order."""
    months = plan.days.astype("datetime64[M]")
    for chunk, month in enumerate(np.unique(months)):
        idx = np.nonzero(months == month)[0]
        if plan.day_counts[idx].sum():
            yield _month(plan, idx, int(month.astype(np.int64) % 12) + 1, stream(seed, "tickets", chunk))


def _month(plan: TicketPlan, day_idx: np.ndarray, month: int, rng: np.random.Generator) -> pd.DataFrame:
    counts = plan.day_counts[day_idx]
    n = int(counts.sum())
    day = np.repeat(plan.days[day_idx], counts)
    grid = np.minimum(np.searchsorted(plan.grid_cdf, rng.uniform(size=n), side="right"), len(plan.grid_cdf) - 1)
    u = rng.uniform(size=n)
    channel = np.where(u < plan.grid_report_share[grid], REPORT,
                       np.where(rng.uniform(size=n) < APP_SHARE_OF_REST, APP, HOTLINE))
    created = _arrival_times(day, channel, plan.as_of, rng)
    order = np.argsort(created, kind="stable")
    created, grid, channel, day = created[order], grid[order], channel[order], day[order]

    category = np.empty(n, dtype=np.int64)
    for proactive in (False, True):
        sel = (channel == REPORT) == proactive
        category[sel] = rng.choice(len(CATEGORIES), size=int(sel.sum()), p=monthly_weights(month, proactive))
    urgency = _urgency(category, rng)
    quality = plan.grid_quality[grid]
    t = _timeline(plan, created, urgency, category, quality, rng)
    visit = _visits(plan, t, channel, quality, plan.grid_repeat[grid] > rng.uniform(size=n), rng)
    return _frame(plan, day, created, grid, channel, category, urgency, t, visit, rng)


def _arrival_times(day: np.ndarray, channel: np.ndarray, as_of: np.datetime64, rng) -> np.ndarray:
    """Creation times (datetime64[s]) by the channel's hourly profile, never after as-of."""
    seconds = np.empty(len(day))
    last_day = as_of.astype("datetime64[D]")
    limit_h = (as_of - last_day.astype("datetime64[s]")).astype(np.int64) / HOUR_S
    for c in range(len(TICKET_CHANNELS)):
        sel = channel == c
        cdf = np.concatenate([[0], np.cumsum(HOURLY[c])]) / HOURLY[c].sum()
        top = np.where(day[sel] == last_day, np.interp(limit_h, np.arange(25), cdf), 1.0)
        hours = np.interp(rng.uniform(size=int(sel.sum())) * top, cdf, np.arange(25))
        seconds[sel] = hours * HOUR_S
    created = day.astype("datetime64[s]") + np.floor(seconds).astype("timedelta64[s]")
    return np.minimum(created, as_of - np.timedelta64(60, "s"))


def _urgency(category: np.ndarray, rng) -> np.ndarray:
    urgent = np.array([c.urgent for c in CATEGORIES])[category]
    complex_ = np.array([c.complex for c in CATEGORIES])[category]
    u = rng.uniform(size=len(category))
    return np.where(u < urgent, 1, np.where(u < urgent + complex_, 2, 0))  # indices into TICKET_URGENCIES


@dataclass
class _Timeline:
    signed: np.ndarray  # datetime64[s], NaT if after as-of
    first_contact: np.ndarray
    closed: np.ndarray
    due: np.ndarray
    reply_late: np.ndarray
    extension_count: np.ndarray
    extension_workdays: np.ndarray
    return_count: np.ndarray
    status: np.ndarray  # indices into TICKET_STATUSES


def _timeline(plan: TicketPlan, created, urgency, category, quality, rng) -> _Timeline:
    n = len(created)
    cal = plan.calendar
    cday = created.astype("datetime64[D]")
    in_hours = plan.resolve_in_hours[urgency]
    resolve = plan.resolve_value[urgency]
    difficulty = np.array([c.difficulty for c in CATEGORIES])[category]

    ext_count, ext_days = _extensions(plan, cday, resolve, in_hours, quality, rng)
    returned = (~in_hours) & (rng.uniform(size=n) < RETURN_BASE * np.exp(-0.3 * quality))
    return_count = returned * (1 + (rng.uniform(size=n) < 0.15))

    limit = resolve + ext_days  # working days (or hours for 紧急)
    late = rng.uniform(size=n) < _sigmoid(_logit(LATE_BASE) - 0.65 * quality + difficulty)
    stuck = rng.uniform(size=n) < STUCK_BASE * np.exp(-0.6 * quality)

    # working-day tickets: the closing day as an offset h in working days
    frac = rng.beta(2.0, 2.6, n)
    h_on_time = np.where(ext_days > 0, resolve + 1 + np.floor(frac * ext_days), np.floor(frac * (resolve + 1)))
    h_on_time = np.minimum(h_on_time + return_count * rng.integers(1, 4, n), limit)
    tail = np.floor(rng.exponential(3.0, n)) + (rng.uniform(size=n) < 0.1) * rng.integers(10, 80, n)
    h = np.where(late, limit + 1 + tail, h_on_time).astype(np.int64)
    close_day = np.where(h == 0, cday, cal.nth_workday_after(cday, np.maximum(h, 1)))
    office_time = np.round(rng.uniform(8.5, 17.5, n) * HOUR_S).astype("timedelta64[s]")
    same_day = created + np.round(rng.uniform(0.5, 5.0, n) * HOUR_S).astype("timedelta64[s]")
    closed_wd = np.where(h == 0, same_day, close_day.astype("datetime64[s]") + office_time)
    # hour-limited tickets (紧急): hours to close
    hours = np.where(late, resolve + rng.exponential(20.0, n), 1 + (resolve - 2) * rng.beta(1.5, 2.5, n))
    closed_h = created + np.round(hours * HOUR_S).astype("timedelta64[s]")
    closed = np.where(in_hours, closed_h, closed_wd)

    due_day = cal.nth_workday_after(cday, np.maximum(limit, 1))
    due = np.where(in_hours, created + (limit * HOUR_S).astype("timedelta64[s]"),
                   due_day.astype("datetime64[s]") + np.timedelta64(DAY_S - 1, "s"))

    signed, first_contact, reply_late = _first_steps(plan, created, urgency, quality, rng)
    is_closed = ~stuck & (closed <= plan.as_of)
    span = (closed - created).astype(np.int64)
    signed = np.where(is_closed, np.minimum(signed, created + (span * 0.3).astype("timedelta64[s]")), signed)
    first_contact = np.where(is_closed, np.clip(first_contact, signed, created + (span * 0.8).astype("timedelta64[s]")),
                             first_contact)
    nat = np.datetime64("NaT", "s")
    signed = np.where(signed <= plan.as_of, signed, nat)
    first_contact = np.where(first_contact <= plan.as_of, first_contact, nat)
    closed = np.where(is_closed, closed, nat)

    status = np.where(is_closed, 2, np.where(np.isnat(signed), 0, 1))  # 已办结 / 待签收 / 办理中
    open_signed = ~is_closed & ~np.isnat(signed)
    status = np.where(open_signed & (ext_count > 0), 3, status)  # 延期
    status = np.where(open_signed & (return_count > 0) & (rng.uniform(size=n) < 0.5), 4, status)  # 退单
    return _Timeline(signed, first_contact, closed, due, reply_late, ext_count, ext_days, return_count, status)


def _extensions(plan: TicketPlan, cday, resolve, in_hours, quality, rng) -> tuple[np.ndarray, np.ndarray]:
    """延期: 1–2 extensions of 5 or 10 working days, capped so the due date stays covered."""
    n = len(cday)
    extended = (~in_hours) & (rng.uniform(size=n) < EXTENSION_BASE * np.exp(-0.3 * quality))
    count = np.where(extended, 1 + (rng.uniform(size=n) < 0.2), 0)
    step = lambda: np.where(rng.uniform(size=n) < 0.6, 5, 10)  # noqa: E731
    days = np.where(count >= 1, step(), 0) + np.where(count == 2, step(), 0)
    room = plan.calendar.seq([plan.due_cap])[0] - plan.calendar.seq(cday) - resolve
    days = np.minimum(days, np.maximum(room, 0) // 5 * 5)
    count = np.clip(count, -(-days // 10), days // 5)  # each extension is 5 or 10 working days
    return count.astype(np.int64), days.astype(np.int64)


def _first_steps(plan: TicketPlan, created, urgency, quality, rng):
    """签收 and 首次联系 times; first contact is late for a few tickets (more in weak streets)."""
    n = len(created)
    urgent = plan.reply_in_hours[urgency]
    tod = (created - created.astype("datetime64[D]")).astype(np.int64)
    off_hours = (~urgent) & ((tod < 8 * HOUR_S) | (tod >= 18 * HOUR_S))
    next_morning = (created.astype("datetime64[D]") + (tod >= 18 * HOUR_S)).astype("datetime64[s]") + np.timedelta64(
        int(8.5 * HOUR_S), "s")
    delay = np.where(urgent, 120 + rng.exponential(0.25 * HOUR_S, n), 300 + rng.exponential(1.5 * HOUR_S, n))
    base = np.where(off_hours, next_morning, created)
    signed = base + np.round(delay).astype("timedelta64[s]")

    reply = plan.reply_value[urgency]
    late = rng.uniform(size=n) < np.clip(0.06 * np.exp(-0.5 * quality), 0.01, 0.3)
    # working-day reply limit: contact on working day k after creation (0 = same day)
    k = np.minimum(rng.choice(4, size=n, p=[0.54, 0.3, 0.11, 0.05]), reply)
    k = np.where(late, reply + rng.integers(1, 5, n), k)
    contact_day = plan.calendar.nth_workday_after(created.astype("datetime64[D]"), np.maximum(k, 1))
    office_time = np.round(rng.uniform(8.5, 18, n) * HOUR_S).astype("timedelta64[s]")
    later = np.where(k == 0, signed + np.round(rng.exponential(1.5 * HOUR_S, n)).astype("timedelta64[s]"),
                     contact_day.astype("datetime64[s]") + office_time)
    # hour reply limit (紧急)
    quick = np.where(late, created + np.round((reply + rng.exponential(3.0, n)) * HOUR_S).astype("timedelta64[s]"),
                     signed + np.round(rng.uniform(5, 60, n) * 60).astype("timedelta64[s]"))
    first_contact = np.maximum(np.where(urgent, quick, later), signed)
    return signed, first_contact, late


def _visits(plan: TicketPlan, t: _Timeline, channel, quality, repeat, rng) -> dict[str, np.ndarray]:
    """回访 of closed tickets and the answers (联系, 解决, 满意)."""
    n = len(channel)
    closed = ~np.isnat(t.closed)
    age_days = np.where(closed, (plan.as_of - t.closed).astype(np.int64) / DAY_S, 0)
    p_visit = np.where(channel == REPORT, 0.45, 0.8) * np.where(age_days < 2, 0.2, 1.0)
    visited = closed & (rng.uniform(size=n) < p_visit)
    on_time = closed & (t.closed <= t.due)
    contacted = rng.uniform(size=n) < _sigmoid(3.2 + 0.6 * quality - 0.8 * t.reply_late)
    resolved = rng.uniform(size=n) < _sigmoid(1.3 + 0.7 * quality + 1.0 * on_time - 0.7 * repeat
                                             - 0.5 * (t.return_count > 0))
    mood = (0.4 + 0.6 * quality + 1.6 * resolved + 0.6 * on_time + 0.3 * contacted
            + rng.logistic(0, 0.8, n))
    satisfaction = np.where(mood > 1.3, 0, np.where(mood > 0.0, 1, 2))  # indices into SATISFACTION
    return {"visited": visited, "contacted": contacted, "resolved": resolved, "satisfaction": satisfaction,
            "repeat": repeat}


def _frame(plan: TicketPlan, day, created, grid, channel, category, urgency, t: _Timeline, visit, rng) -> pd.DataFrame:
    n = len(created)
    visited = visit["visited"]
    seq = np.arange(n) - np.searchsorted(day, day)  # sequence within the day (day is sorted)
    ymd = _yyyymmdd(day)
    ids = pc.binary_join_element_wise("GD", pc.cast(pa.array(ymd * 1_000_000 + seq + 1), pa.string()), "")
    titles = pc.binary_join_element_wise(plan.grid_place.take(pa.array(grid)), PHRASES.take(pa.array(category)), "")
    l1_index = {l1: i for i, l1 in enumerate(BUREAUS)}
    cat_l1 = np.array([l1_index[c.l1] for c in CATEGORIES])[category]
    bureau = rng.uniform(size=n) < BUREAU_SHARE
    unit = np.where(bureau, plan.n_streets + plan.grid_district[grid] * len(BUREAUS) + cat_l1, plan.grid_street[grid])
    point = plan.grid_points[grid, rng.integers(plan.grid_points.shape[1], size=n)]
    proactive = (channel == REPORT) & (rng.uniform(size=n) < 0.85)
    codes = plan.codes
    return pd.DataFrame({
        "ticket_id": pd.arrays.ArrowStringArray(pc.cast(ids, pa.large_string())),
        "channel": _labels(TICKET_CHANNELS, channel),
        "title": pd.arrays.ArrowStringArray(pc.cast(titles, pa.large_string())),
        "category_l1": _labels([c.l1 for c in CATEGORIES], category),
        "category_l2": _labels([c.l2 for c in CATEGORIES], category),
        "category_l3": _labels([c.l3 for c in CATEGORIES], category),
        "urgency": _labels(TICKET_URGENCIES, urgency),
        "created_at": created,
        "signed_at": t.signed,
        "first_contact_at": t.first_contact,
        "closed_at": t.closed,
        "status": _labels(TICKET_STATUSES, t.status),
        "extension_count": t.extension_count.astype(np.int32),
        "extension_workdays": t.extension_workdays.astype(np.int32),
        "return_count": t.return_count.astype(np.int32),
        "is_repeat": visit["repeat"],
        "is_proactive": proactive,
        "district_code": _labels(codes["district"], plan.grid_district[grid]),
        "street_code": _labels(codes["street"], plan.grid_street[grid]),
        "community_code": _labels(codes["community"], plan.grid_community[grid]),
        "grid_code": _labels(codes["grid"], grid),
        "lon": point[:, 0],
        "lat": point[:, 1],
        "handling_unit": _labels(plan.units, unit),
        "visited": visited,
        "contacted": _answer(visit["contacted"], visited),
        "resolved": _answer(visit["resolved"], visited),
        "satisfaction": _labels(SATISFACTION, np.where(visited, visit["satisfaction"], -1)),
    })


def _labels(values, index: np.ndarray) -> pd.Categorical:
    """A categorical column of ``values[index]`` (index -1 = NULL); ``values`` may repeat."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return pd.Categorical.from_codes(np.where(index >= 0, codes[index], -1), categories=uniques)


def _answer(values: np.ndarray, visited: np.ndarray) -> pd.arrays.BooleanArray:
    """A visit answer: NULL where the ticket was not visited."""
    return pd.arrays.BooleanArray(values.astype(bool), ~visited)


def _yyyymmdd(day: np.ndarray) -> np.ndarray:
    y = day.astype("datetime64[Y]").astype(np.int64) + 1970
    m = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (day - day.astype("datetime64[M]")).astype(np.int64) + 1
    return y * 10_000 + m * 100 + d


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))
