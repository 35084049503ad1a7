"""The common way, for comparison: every ticket loaded into one pandas DataFrame when the
process starts, and each ticket question of a page answered by filtering and grouping
that DataFrame in Python.

Each function answers the same question as the ``queries/<name>.sql`` of the same name,
with the same parameters, so the benchmark can replay a page's ticket queries here and
check that the answers agree (``bench.run`` compares the counts).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

COLUMNS = ("ticket_id, title, category_l1, category_l2, urgency, channel, status, created_at, original_due_at, "
           "due_at, closed_at, extension_count, return_count, is_repeat, is_proactive, visited, contacted, "
           "resolved, satisfaction, handling_workdays, district_code, street_code, community_code, grid_code, "
           "handling_unit")


class PandasTickets:
    def __init__(self, path: str):
        con = duckdb.connect(path, read_only=True)
        self.t = con.execute(f"SELECT {COLUMNS} FROM tickets").df()
        self.areas = con.execute("SELECT code, level, parent_code, name, population FROM areas").df()
        cal = con.execute("SELECT day, workday_seq FROM workday_calendar").df()
        self.seq = pd.Series(cal["workday_seq"].to_numpy(), index=pd.to_datetime(cal["day"]))
        self.names = {lvl: self.areas[self.areas["level"] == lvl].set_index("code")["name"]
                      for lvl in ("district", "street", "community", "grid")}
        con.close()

    # -- helpers ---------------------------------------------------------------------------------------------
    def _scope(self, scope: str) -> pd.DataFrame:
        return self.t[self.t["community_code"].str.startswith(scope)] if scope else self.t

    @staticmethod
    def _key(df: pd.DataFrame, n: int) -> pd.Series:
        return df["grid_code"] if n == 15 else df["community_code"].str[:n]

    def _units(self, scope: str, n: int) -> pd.DataFrame:
        a = self.areas
        units = a[a["code"] == scope] if n == len(scope) else a[a["parent_code"] == scope]
        return units.rename(columns={"code": "area_code", "name": "area_name"})[
            ["area_code", "area_name", "level", "population"]]

    @staticmethod
    def _open(df: pd.DataFrame, end_ts) -> pd.DataFrame:
        return df[(df["created_at"] < end_ts) & (df["closed_at"].isna() | (df["closed_at"] >= end_ts))]

    # -- the questions ---------------------------------------------------------------------------------------
    def ticket_metrics(self, scope, group_len, start_ts, end_ts, due_soon_ts, k, w_response, w_resolution,
                       w_satisfaction, with_durations=True, with_scope=False, compare_start_ts=None,
                       compare_end_ts=None, compare_due_soon_ts=None, on_time_basis="due", **_) -> pd.DataFrame:
        """The same rows as queries/ticket_metrics.sql: now (scope and/or children), then the comparison."""
        weights = (k, w_response, w_resolution, w_satisfaction, with_durations, on_time_basis)
        parts = []
        if group_len == len(scope) or with_scope:
            parts.append(self._ticket_metrics(scope, len(scope), start_ts, end_ts, due_soon_ts, *weights))
        if group_len > len(scope):
            parts.append(self._ticket_metrics(scope, group_len, start_ts, end_ts, due_soon_ts, *weights))
        parts = [p.assign(period="now") for p in parts]
        if compare_start_ts is not None:
            parts.append(self._ticket_metrics(scope, len(scope), compare_start_ts, compare_end_ts, compare_due_soon_ts,
                                              *weights).assign(period="before"))
        return pd.concat(parts, ignore_index=True)

    def _ticket_metrics(self, scope, group_len, start_ts, end_ts, due_soon_ts, k, w_response, w_resolution,
                        w_satisfaction, with_durations, on_time_basis="due") -> pd.DataFrame:
        df = self._scope(scope)
        c = df[(df["created_at"] >= start_ts) & (df["created_at"] < end_ts)]
        created = pd.DataFrame({"area_code": self._key(c, group_len), "n": 1, "rep": c["is_repeat"],
                                "ret": c["return_count"] > 0, "ext": c["extension_count"] > 0,
                                "pro": c["is_proactive"]}).groupby("area_code").sum()
        created.columns = ["created", "repeat_count", "returned_count", "extended_count", "proactive_count"]
        d = df[(df["closed_at"] >= start_ts) & (df["closed_at"] < end_ts)]
        v = d["visited"]
        closed = pd.DataFrame({"area_code": self._key(d, group_len), "closed": 1,
                               "closed_on_time": d["closed_at"] <= d["due_at"], "visited": v,
                               "contacted": v & d["contacted"].fillna(False), "resolved": v & d["resolved"].fillna(False),
                               "satisfied": v & (d["satisfaction"] == "满意"),
                               "basic_satisfied": v & (d["satisfaction"] == "基本满意")}).groupby("area_code").sum()
        if with_durations:
            dur = d.groupby(self._key(d, group_len))["handling_workdays"]
            closed["duration_median"] = dur.median()
            closed["duration_p90"] = dur.quantile(0.9)
        o = self._open(df, end_ts)
        backlog = pd.DataFrame({"area_code": self._key(o, group_len), "backlog": 1, "overdue": o["due_at"] < end_ts,
                                "due_soon": (o["due_at"] >= end_ts) & (o["due_at"] <= due_soon_ts)}).groupby("area_code").sum()
        q = df[(df["due_at"] >= start_ts) & (df["due_at"] < end_ts)]  # 应办结: time limit in the period
        due = pd.DataFrame({"area_code": self._key(q, group_len), "due": 1,
                            "due_on_time": q["closed_at"].notna() & (q["closed_at"] <= q["due_at"])}).groupby("area_code").sum()
        out = self._units(scope, group_len).set_index("area_code").join([created, closed, backlog, due])
        counts = [c for c in out.columns if c not in ("area_name", "level", "population", "duration_median", "duration_p90")]
        out[counts] = out[counts].fillna(0).astype("int64")
        rate = lambda a, b: out[a] / out[b].where(out[b] > 0)  # noqa: E731
        out["per_1000"] = 1000.0 * out["created"] / out["population"].where(out["population"] > 0)
        out["on_time_rate"] = rate("due_on_time", "due") if on_time_basis == "due" else rate("closed_on_time", "closed")
        out["response_rate"] = rate("contacted", "visited")
        out["resolution_rate"] = rate("resolved", "visited")
        out["satisfaction_rate"] = (out["satisfied"] + k * out["basic_satisfied"]) / out["visited"].where(out["visited"] > 0)
        out["composite_score"] = 100 * (w_response * out["response_rate"] + w_resolution * out["resolution_rate"]
                                        + w_satisfaction * out["satisfaction_rate"])
        for name, col in (("repeat_rate", "repeat_count"), ("return_rate", "returned_count"),
                          ("extension_rate", "extended_count"), ("proactive_rate", "proactive_count")):
            out[name] = rate(col, "created")
        return out.reset_index().sort_values("area_code", ignore_index=True)

    def ticket_trend(self, scope, start_ts, end_ts, bucket, **_) -> pd.DataFrame:
        df = self._scope(scope)
        freq = {"day": "D", "week": "W-MON", "month": "MS"}[bucket]
        trunc = (lambda s: s.dt.to_period("W-SUN").dt.start_time) if bucket == "week" else (
            lambda s: s.dt.to_period("M").dt.start_time if bucket == "month" else s.dt.floor("D"))
        c = df[(df["created_at"] >= start_ts) & (df["created_at"] < end_ts)]
        d = df[(df["closed_at"] >= start_ts) & (df["closed_at"] < end_ts)]
        created = trunc(c["created_at"]).value_counts().rename("created")
        closed = trunc(d["closed_at"]).value_counts().rename("closed")
        start = trunc(pd.Series([pd.Timestamp(start_ts)])).iloc[0]
        buckets = pd.date_range(start, pd.Timestamp(end_ts) - pd.Timedelta(seconds=1), freq=freq if bucket != "week" else "7D")
        out = pd.DataFrame(index=buckets).join(created).join(closed).fillna(0).astype("int64")
        return out.rename_axis("bucket").reset_index()

    def backlog_aging(self, scope, end_ts, age_seq, bounds, **_) -> pd.DataFrame:
        o = self._open(self._scope(scope), end_ts)
        seq = self.seq.reindex(o["created_at"].dt.floor("D")).to_numpy()
        age = age_seq - seq
        bucket = (age[:, None] > np.asarray(bounds)[None, :]).sum(axis=1)
        return (pd.DataFrame({"category_l1": o["category_l1"].to_numpy(), "bucket": bucket})
                .value_counts().rename("tickets").reset_index().sort_values(["category_l1", "bucket"], ignore_index=True))

    def supervision_list(self, scope, end_ts, due_soon_ts, age_seq, limit, **_) -> pd.DataFrame:
        o = self._open(self._scope(scope), end_ts)
        o = o[o["due_at"] <= due_soon_ts].copy()
        o["is_overdue"] = o["due_at"] < end_ts
        o = o.sort_values(["is_overdue", "due_at", "created_at", "ticket_id"], ascending=[False, True, True, True])
        total = len(o)
        o = o.head(limit).copy()
        o["district_name"] = o["district_code"].map(self.names["district"])
        o["street_name"] = o["street_code"].map(self.names["street"])
        o["community_name"] = o["community_code"].map(self.names["community"])
        o["grid_name"] = o["grid_code"].map(self.names["grid"])
        o["overdue_workdays"] = np.maximum(age_seq - self.seq.reindex(o["due_at"].dt.floor("D")).to_numpy(), 0)
        o["age_workdays"] = age_seq - self.seq.reindex(o["created_at"].dt.floor("D")).to_numpy()
        o["total_rows"] = total
        return o.reset_index(drop=True)

    def ticket_categories(self, scope, start_ts, end_ts, **_) -> pd.DataFrame:
        df = self._scope(scope)
        c = df[(df["created_at"] >= start_ts) & (df["created_at"] < end_ts)]
        out = c.groupby(["category_l1", "category_l2"]).agg(tickets=("ticket_id", "size"), repeats=("is_repeat", "sum"))
        return out.reset_index().sort_values(["tickets", "category_l1", "category_l2"], ascending=[False, True, True],
                                             ignore_index=True)

    def repeat_hotspots(self, scope, start_ts, end_ts, limit, **_) -> pd.DataFrame:
        """Both rankings, as queries/repeat_hotspots.sql returns them."""
        return pd.concat([self._repeat_hotspots(scope, n, start_ts, end_ts, limit).assign(level=level)
                          for level, n in (("community", 12), ("grid", 15))], ignore_index=True)

    def _repeat_hotspots(self, scope, group_len, start_ts, end_ts, limit) -> pd.DataFrame:
        df = self._scope(scope)
        c = df[(df["created_at"] >= start_ts) & (df["created_at"] < end_ts)]
        agg = pd.DataFrame({"area_code": self._key(c, group_len), "repeats": c["is_repeat"], "created": 1}) \
            .groupby("area_code").sum()
        agg = agg[agg["repeats"] > 0].reset_index()
        agg["repeat_share"] = agg["repeats"] / agg["created"]
        level = {6: "district", 9: "street", 12: "community", 15: "grid"}[group_len]
        agg["area_name"] = agg["area_code"].map(self.names[level])
        agg["community_name"] = agg["area_code"].str[:12].map(self.names["community"])
        agg["street_name"] = agg["area_code"].str[:9].map(self.names["street"])
        return agg.sort_values(["repeats", "repeat_share", "area_code"], ascending=[False, False, True]).head(limit)


TICKET_QUERIES = ("ticket_metrics", "ticket_trend", "backlog_aging", "supervision_list", "ticket_categories",
                  "repeat_hotspots")
