"""查询参数 — every ``$parameter`` of ``queries/*.sql`` resolved by its name.

A question's parameters come from three places, and each name means one thing everywhere:

* the **filters** (area and period, chosen in the sidebar): ``scope``, ``group_len``, ``start_ts`` …;
* the **settings** (``config/settings.toml``): ``k``, the 三率 weights, grade cut-offs, targets …;
* the **call** itself, for what only the caller knows: a ``limit``, a ``bucket``, a round, a grid code.

``resolve(name, ctx, **given)`` returns exactly the parameters ``queries/<name>.sql`` names: a value
given by the caller wins, every other one comes from ``RESOLVERS`` below; a name nobody supplies is
an error that says which. This module imports no Streamlit: the builder, the command-line tools, the
tests and the benchmark resolve parameters the same way the pages do.

The table of names (what each means, where it comes from) is in docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, Callable, Literal

import pandas as pd

from dashboard.core.filters import Filters, Period

Group = Literal["scope", "children"]


@dataclass(frozen=True)
class Context:
    """What a question is asked about.

    ``group``: ``"scope"`` groups rows at the scope's own level, ``"children"`` one level finer (the
    rankings); ``compare``: the comparison period's bounds are filled in (None without one);
    ``in_comparison``: the question is asked about the comparison period instead of the period."""
    filters: Filters | None  # None for a question about no area or period (e.g. an indicator system's weights)
    settings: Any  # dashboard.core.config.Settings
    calendar: Any = None  # dashboard.store.workdays.WorkdayCalendar (needed by the working-day parameters)
    group: Group = "scope"
    compare: bool = False
    in_comparison: bool = False

    @cached_property
    def period(self) -> Period:
        return self.filters.comparison if self.in_comparison else self.filters.period

    @cached_property
    def bounds(self) -> tuple[datetime, datetime]:
        return self.filters.bounds(self.period)

    @cached_property
    def before(self) -> Period | None:
        """The comparison period, when asked for and the filters have one."""
        return self.filters.comparison if self.compare else None

    @cached_property
    def before_bounds(self) -> tuple[datetime | None, datetime | None]:
        return self.filters.bounds(self.before) if self.before else (None, None)

    def last_day(self, period: Period | None) -> date:
        _, end_ts = self.filters.bounds(period)
        return (end_ts - timedelta(microseconds=1)).date()

    def due_soon(self, end_ts: datetime | None) -> datetime | None:
        """The end of the N-th working day after the period's last day (即将超期 looks that far ahead)."""
        if end_ts is None:
            return None
        last_day = (end_ts - timedelta(microseconds=1)).date()
        if last_day < self.calendar.first_day:  # a period before the data (and its calendar) began: no tickets
            return end_ts
        day = self.calendar.nth_workday_after([last_day], self.settings.due_soon_workdays)[0]
        return pd.Timestamp(day).to_pydatetime() + timedelta(seconds=86399)


def _age_seq(c: Context) -> int:
    """The working-day number of the period's last day (the age of open tickets counts from it)."""
    last_day = max(c.last_day(c.period), c.calendar.first_day)  # before the calendar there are no tickets
    return int(c.calendar.seq([last_day])[0])


RESOLVERS: dict[str, Callable[[Context], Any]] = {
    # area
    "scope": lambda c: c.filters.scope,
    "group_len": lambda c: len(c.filters.scope) if c.group == "scope" else c.filters.child_len,
    "with_scope": lambda c: False,
    # period (tickets: half-open timestamps; stock figures: the last day)
    "start_ts": lambda c: c.bounds[0],
    "end_ts": lambda c: c.bounds[1],
    "due_soon_ts": lambda c: c.due_soon(c.bounds[1]),
    "compare_start_ts": lambda c: c.before_bounds[0],
    "compare_end_ts": lambda c: c.before_bounds[1],
    "compare_due_soon_ts": lambda c: c.due_soon(c.before_bounds[1]),
    "age_seq": _age_seq,
    "at_date": lambda c: c.last_day(c.period),
    "compare_at_date": lambda c: c.last_day(c.before) if c.before else None,
    # settings: tickets
    "k": lambda c: c.settings.basic_satisfied_factor,
    "w_response": lambda c: c.settings.composite_weights["response"],
    "w_resolution": lambda c: c.settings.composite_weights["resolution"],
    "w_satisfaction": lambda c: c.settings.composite_weights["satisfaction"],
    "on_time_basis": lambda c: c.settings.on_time_basis,
    "with_durations": lambda c: False,
    "bounds": lambda c: list(c.settings.aging_buckets),
    # settings: organisations
    "valid_years": lambda c: c.settings.rating_valid_years,
    "high_rating": lambda c: c.settings.high_rating,
    "urban_target": lambda c: c.settings.community_orgs_urban_target,
    "rural_target": lambda c: c.settings.community_orgs_rural_target,
    # settings: assessment
    "grade_names": lambda c: list(c.settings.grade_cutoffs.keys()),
    "grade_mins": lambda c: [float(v) for v in c.settings.grade_cutoffs.values()],
    "resident_group": lambda c: c.settings.resident_group,
}


class UnresolvedParameter(TypeError):
    """A query names a parameter that neither the caller nor ``RESOLVERS`` supplies."""


def value(name: str, ctx: Context) -> Any:
    """One parameter's value in a context (e.g. the 即将超期 deadline a page prints)."""
    return RESOLVERS[name](ctx)


def resolve(query_name: str, ctx: Context, **given: Any) -> dict[str, Any]:
    """Exactly the parameters ``queries/<query_name>.sql`` names, given ones first."""
    from dashboard.store.sql import load_query

    needed = load_query(query_name).params
    unknown = given.keys() - needed
    if unknown:
        raise UnresolvedParameter(f"query {query_name!r} has no parameters {sorted(unknown)}")
    missing = sorted(p for p in needed if p not in given and p not in RESOLVERS)
    if missing:
        raise UnresolvedParameter(f"query {query_name!r}: give {missing} (they follow from neither the filters "
                                  f"nor the settings)")
    return {p: given[p] if p in given else RESOLVERS[p](ctx) for p in needed}
