"""配置 — settings read from ``config/settings.toml`` (configuration is data: docs/domain.md「居村考核」).

Environment variables:
    DASHBOARD_CONFIG  path of another settings file
    DASHBOARD_DB      database file (overrides ``[database] path``)

Every value is checked when loaded; a bad file raises ``ConfigError`` whose message
says, in Chinese, which key is wrong and what it should be.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dashboard.core.schema import TICKET_URGENCIES

ROOT = Path(__file__).resolve().parents[2]  # the repository (dashboard/core/config.py)
DEFAULT_CONFIG = ROOT / "config" / "settings.toml"
UNITS = ("working_days", "hours")
BASEMAPS = ("none", "local", "tianditu", "amap")


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class TimeLimit:
    reply: int
    reply_unit: str
    resolve: int
    resolve_unit: str

    def describe(self) -> str:
        def one(v: int, u: str) -> str:
            return f"{v} 个工作日" if u == "working_days" else f"{v} 小时"
        return f"首次响应 {one(self.reply, self.reply_unit)}，办结 {one(self.resolve, self.resolve_unit)}"


@dataclass(frozen=True)
class AuthSettings:
    """``[auth]``: who may log in and how (see dashboard/accounts/access.py)."""
    mode: str = "local"  # local | header | oidc
    app_database: Path = Path("data/app.sqlite3")
    idle_minutes: int = 30
    max_failures: int = 5
    lockout_minutes: int = 15
    audit_retention_days: int = 180
    header_name: str = "X-Remote-User"
    gateway_secret_env: str = "DASHBOARD_GATEWAY_SECRET"
    sensitive_roles: tuple[str, ...] = ("city", "admin")
    session_hours: int = 12  # a browser's login (its cookie) lasts at most this long, idle or not
    oidc_provider: str = ""  # oidc mode: the provider's name under [auth.<name>] in secrets.toml ('' = [auth] itself)
    oidc_claim: str = "email"  # oidc mode: the identity claim that is an account's user name


AUTH_MODES = ("local", "header", "oidc")
OIDC_CLAIMS = ("email", "sub", "preferred_username")


@dataclass(frozen=True)
class RefreshSettings:
    """``[refresh]``: data refresh from the 12345 export (dashboard/store/refresh.py)."""
    keep_versions: int = 3  # database versions kept on disk (the newest ones; rollback to any of them)
    memory_limit: str = "8GB"  # DuckDB's memory limit while building (bounded memory on a large city)


def _refresh(raw: dict, path: Path) -> RefreshSettings:
    section = raw.get("refresh", {})
    unknown = set(section) - set(RefreshSettings.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"配置文件 {path} 的 [refresh] 中有未知的配置项：{'、'.join(sorted(unknown))}")
    keep = _get(raw, "refresh.keep_versions", int, path) if "keep_versions" in section else RefreshSettings.keep_versions
    limit = _get(raw, "refresh.memory_limit", str, path) if "memory_limit" in section else RefreshSettings.memory_limit
    if not 2 <= keep <= 50:
        raise ConfigError(f"配置文件 {path} 中 refresh.keep_versions 应为 2–50 之间的整数（至少保留当前和上一版本）")
    import re as _re

    if not _re.fullmatch(r"\d+(\.\d+)?\s*(MB|GB|MiB|GiB)", limit):
        raise ConfigError(f"配置文件 {path} 中 refresh.memory_limit 应写成如 \"4GB\"、\"512MB\"")
    return RefreshSettings(keep, limit)


@dataclass(frozen=True)
class DubanSettings:
    """``[duban]``: the supervision loop (dashboard/supervision/duban.py)."""
    default_workdays: int = 5
    criticism_after: int = 2  # late items (逾期未反馈 + 逾期反馈) that flag a unit for 通报批评 …
    criticism_window_days: int = 365  # … counted over the items issued within this many days
    show_on_assessment: bool = True  # the units' 督办 record on the 居村考核 page (evidence for the next round)


def _duban(raw: dict, path: Path) -> DubanSettings:
    section = raw.get("duban", {})
    d = DubanSettings()
    unknown = set(section) - set(DubanSettings.__dataclass_fields__)
    if unknown:
        raise ConfigError(f"配置文件 {path} 的 [duban] 中有未知的配置项：{'、'.join(sorted(unknown))}")
    values = {k: (_get(raw, f"duban.{k}", bool if k == "show_on_assessment" else int, path) if k in section
                  else getattr(d, k)) for k in DubanSettings.__dataclass_fields__}
    if not 1 <= values["default_workdays"] <= 60 or values["criticism_after"] < 1 or values["criticism_window_days"] < 1:
        raise ConfigError(f"配置文件 {path} 中 [duban] 的期限应为 1–60 个工作日，通报批评次数和统计天数应为正整数")
    return DubanSettings(**values)


def _auth(raw: dict, path: Path) -> AuthSettings:
    section = raw.get("auth", {})
    d = AuthSettings()
    if not isinstance(section, dict):
        raise ConfigError(f"配置文件 {path} 中 [auth] 应为表")
    known = {f for f in AuthSettings.__dataclass_fields__}
    unknown = set(section) - known
    if unknown:
        raise ConfigError(f"配置文件 {path} 的 [auth] 中有未知的配置项：{'、'.join(sorted(unknown))}")
    get = lambda key, kind: _get(raw, f"auth.{key}", kind, path) if key in section else getattr(d, key)  # noqa: E731
    mode = get("mode", str)
    if mode not in AUTH_MODES:
        raise ConfigError(f"配置文件 {path} 中 auth.mode 应为 {' / '.join(AUTH_MODES)} 之一，而不是 {mode!r}")
    ints = {k: get(k, int) for k in ("idle_minutes", "max_failures", "lockout_minutes", "audit_retention_days",
                                     "session_hours")}
    if min(ints["idle_minutes"], ints["max_failures"], ints["lockout_minutes"], ints["session_hours"]) < 1:
        raise ConfigError(f"配置文件 {path} 中 auth.idle_minutes、max_failures、lockout_minutes、session_hours 应为正整数")
    claim = get("oidc_claim", str)
    if claim not in OIDC_CLAIMS:
        raise ConfigError(f"配置文件 {path} 中 auth.oidc_claim 应为 {' / '.join(OIDC_CLAIMS)} 之一，而不是 {claim!r}")
    if ints["audit_retention_days"] < 180:
        raise ConfigError(f"配置文件 {path} 中 auth.audit_retention_days 不能少于 180 天（等级保护要求审计记录至少保存六个月）")
    roles = tuple(get("sensitive_roles", list))
    if any(r not in ("city", "district", "street", "admin") for r in roles):
        raise ConfigError(f"配置文件 {path} 中 auth.sensitive_roles 只能包含 city、district、street、admin")
    app_db = get("app_database", str) if "app_database" in section else str(d.app_database)
    return AuthSettings(mode=mode, app_database=_resolve(app_db), header_name=get("header_name", str),
                        gateway_secret_env=get("gateway_secret_env", str), sensitive_roles=roles,
                        oidc_provider=get("oidc_provider", str), oidc_claim=claim, **ints)


@dataclass(frozen=True)
class Settings:
    path: Path
    database: Path
    calendar_override: Path
    allow_weekend_fallback: bool
    provisional_calendar: bool  # years the holiday library lacks: the law's days off, flagged 暂定
    time_limits: dict[str, TimeLimit]
    due_soon_workdays: int
    aging_buckets: tuple[int, ...]
    basic_satisfied_factor: float
    composite_weights: dict[str, float]  # response / resolution / satisfaction
    households_per_grid: tuple[int, int]
    org_per_10k_target: float
    community_orgs_urban_target: int
    community_orgs_rural_target: int
    rating_valid_years: int
    high_rating: str
    grade_cutoffs: dict[str, float]  # grade -> minimum total, highest first
    resident_group: str
    resident_min_share: float
    red_black_size: int
    basemap: str
    local_tile_url: str
    local_tile_attribution: str
    tianditu_key: str
    meeting_topics: tuple[str, ...] = ("overview", "tickets", "map", "orgs", "assessment")
    meeting_interval: int = 0
    thresholds: dict[str, float] = field(default_factory=dict)
    auth: AuthSettings = field(default_factory=AuthSettings)
    duban: DubanSettings = field(default_factory=DubanSettings)
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    # Rankings and boards (docs/metrics.md): fewest units in a rate's denominator for it to be ranked,
    # per metric key (0 = no minimum); whether the 黑榜 lists the last places even above the alert line.
    min_sample: dict[str, int] = field(default_factory=dict)
    rank_last_regardless: bool = False
    # 按期办结率: "due" (应办结 = time limit in the period; open overdue tickets count against) or "closed".
    on_time_basis: str = "due"
    # Alerts listed per area on the 总览 (the worst first); 0 = all.
    alert_limit: int = 10
    # “连续 N 期上黑榜”: how many earlier periods (or assessment rounds) are looked at; 0 = not shown.
    streak_periods: int = 6


def _get(d: dict, dotted: str, kind, where: Path):
    node = d
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ConfigError(f"配置文件 {where} 缺少 {dotted}")
        node = node[part]
    if kind is float and isinstance(node, int) and not isinstance(node, bool):
        node = float(node)
    if not isinstance(node, kind) or (kind is int and isinstance(node, bool)):
        names = {int: "整数", float: "数字", str: "文本", bool: "true/false", list: "列表", dict: "表"}
        raise ConfigError(f"配置文件 {where} 中 {dotted} 应为{names.get(kind, kind)}，而不是 {node!r}")
    return node


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _thresholds(table, where: Path) -> dict[str, float]:
    """``[thresholds]``: each key a metric of the registry that has an alert line, each value a number."""
    if not isinstance(table, dict):
        raise ConfigError(f"配置文件 {where} 中 [thresholds] 应为表，如 on_time_rate = 0.92")
    from dashboard.core.metrics import REGISTRY  # the registry reads the settings: imported when needed

    known = sorted(k for k, m in REGISTRY.items() if m.threshold is not None or m.threshold_setting)
    out = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"配置文件 {where} 中 [thresholds] 的 {key!r} 不是有预警线的指标；可用的指标名：{'、'.join(known)}")
        if not _is_number(value):
            raise ConfigError(f"配置文件 {where} 中 thresholds.{key} 应为数字（如 {REGISTRY[key].threshold or 0.9:g}，不加引号），而不是 {value!r}")
        if REGISTRY[key].fmt == "pct" and not 0 <= value <= 1:
            raise ConfigError(f"配置文件 {where} 中 thresholds.{key} 是比率，应在 0 到 1 之间（如 0.92 表示 92%），而不是 {value:g}")
        out[str(key)] = float(value)
    return out


def _resolve(path_text: str) -> Path:
    p = Path(path_text)
    return p if p.is_absolute() else ROOT / p


def load_settings(path: Path | None = None) -> Settings:
    path = Path(path or os.environ.get("DASHBOARD_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到配置文件 {path}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件 {path} 格式错误：{e}") from None

    limits: dict[str, TimeLimit] = {}
    table = _get(raw, "tickets.time_limits", dict, path)
    for urgency in TICKET_URGENCIES:
        if urgency not in table:
            raise ConfigError(f"配置文件 {path} 缺少 [tickets.time_limits.\"{urgency}\"]（每个紧急程度都需要时限）")
        key = f"tickets.time_limits.{urgency}"
        tl = TimeLimit(*(_get(raw, f"{key}.{k}", kind, path) for k, kind in
                         (("reply", int), ("reply_unit", str), ("resolve", int), ("resolve_unit", str))))
        for unit in (tl.reply_unit, tl.resolve_unit):
            if unit not in UNITS:
                raise ConfigError(f"配置文件 {path} 中 {key} 的单位应为 working_days 或 hours，而不是 {unit!r}")
        if tl.reply <= 0 or tl.resolve <= 0:
            raise ConfigError(f"配置文件 {path} 中 {key} 的时限必须为正数")
        limits[urgency] = tl

    weights = {k: _get(raw, f"tickets.composite.{k}", float, path) for k in ("response", "resolution", "satisfaction")}
    if any(w < 0 for w in weights.values()) or abs(sum(weights.values()) - 1) > 1e-6:
        raise ConfigError(f"配置文件 {path} 中三率权重 [tickets.composite] 应为非负数且合计为 1，目前合计 {sum(weights.values()):g}")
    k = _get(raw, "tickets.satisfaction.basic_satisfied_factor", float, path)
    if not 0 <= k <= 1:
        raise ConfigError(f"配置文件 {path} 中基本满意折算系数应在 0 到 1 之间，而不是 {k}")
    buckets = tuple(_get(raw, "tickets.aging_buckets", list, path))
    if not buckets or any(not isinstance(b, int) for b in buckets) or list(buckets) != sorted(set(buckets)):
        raise ConfigError(f"配置文件 {path} 中 tickets.aging_buckets 应为递增的整数列表，如 [3, 7, 15, 30]")

    cut_raw = _get(raw, "assessment.grade_cutoffs", dict, path)
    bad = {g: v for g, v in cut_raw.items() if not _is_number(v)}
    if bad:
        raise ConfigError(f"配置文件 {path} 中 assessment.grade_cutoffs 的分档线应为数字，而不是 "
                          + "、".join(f"{g} = {v!r}" for g, v in bad.items()) + "（如 优秀 = 90，不加引号）")
    cutoffs = {g: float(v) for g, v in sorted(cut_raw.items(), key=lambda kv: -kv[1])}
    if not cutoffs or any(not 0 <= v <= 100 for v in cutoffs.values()):
        raise ConfigError(f"配置文件 {path} 中 assessment.grade_cutoffs 应为 0–100 之间的分档线")
    if len(set(cutoffs.values())) < len(cutoffs):
        raise ConfigError(f"配置文件 {path} 中 assessment.grade_cutoffs 的分档线不能相同：{cut_raw}")
    share = _get(raw, "assessment.resident_evaluation_min_share", float, path)
    if not 0 <= share <= 1:
        raise ConfigError(f"配置文件 {path} 中 assessment.resident_evaluation_min_share 应在 0 到 1 之间，而不是 {share:g}")
    red_black = _get(raw, "assessment.red_black_size", int, path)
    if not 1 <= red_black <= 50:
        raise ConfigError(f"配置文件 {path} 中 assessment.red_black_size（红黑榜各列几名）应为 1 到 50 的整数，而不是 {red_black}")
    households = (_get(raw, "grids.households_per_grid_min", int, path), _get(raw, "grids.households_per_grid_max", int, path))
    if households[0] < 0 or households[0] > households[1]:
        raise ConfigError(f"配置文件 {path} 中综合网格户数范围应为 0 ≤ households_per_grid_min ≤ households_per_grid_max，"
                          f"而不是 {households[0]}–{households[1]}")
    for key, kind, low in (("tickets.due_soon_workdays", int, 0), ("orgs.per_10k_target", float, 0),
                           ("orgs.community_orgs_urban_target", int, 0), ("orgs.community_orgs_rural_target", int, 0),
                           ("orgs.rating_valid_years", int, 1)):
        if _get(raw, key, kind, path) < low:
            raise ConfigError(f"配置文件 {path} 中 {key} 不能小于 {low}，而不是 {_get(raw, key, kind, path)}")
    if buckets[0] <= 0:
        raise ConfigError(f"配置文件 {path} 中 tickets.aging_buckets 应为正整数，如 [3, 7, 15, 30]")

    basemap = _get(raw, "map.basemap", str, path)
    if basemap not in BASEMAPS:
        raise ConfigError(f"配置文件 {path} 中 map.basemap 应为 {' / '.join(BASEMAPS)} 之一，而不是 {basemap!r}")
    thresholds = _thresholds(raw.get("thresholds", {}), path)
    topics = tuple(_get(raw, "meeting.topics", list, path))
    known = ("overview", "tickets", "map", "orgs", "assessment")
    if not topics or any(t not in known for t in topics):
        raise ConfigError(f"配置文件 {path} 中 meeting.topics 只能包含 {', '.join(known)}，而不是 {list(topics)}")
    interval = _get(raw, "meeting.interval_seconds", int, path)
    if interval < 0:
        raise ConfigError(f"配置文件 {path} 中 meeting.interval_seconds 不能为负数")

    ranking = raw.get("ranking", {})
    if not isinstance(ranking, dict):
        raise ConfigError(f"配置文件 {path} 中 [ranking] 应为表")
    min_sample = {}
    for key, v in ranking.get("min_sample", {}).items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise ConfigError(f"配置文件 {path} 中 ranking.min_sample.{key} 应为不小于 0 的整数，而不是 {v!r}")
        min_sample[str(key)] = v
    regardless = ranking.get("rank_last_regardless", False)
    if not isinstance(regardless, bool):
        raise ConfigError(f"配置文件 {path} 中 ranking.rank_last_regardless 应为 true/false，而不是 {regardless!r}")
    alert_limit = ranking.get("alert_limit", 10)
    if not isinstance(alert_limit, int) or isinstance(alert_limit, bool) or alert_limit < 0:
        raise ConfigError(f"配置文件 {path} 中 ranking.alert_limit 应为不小于 0 的整数，而不是 {alert_limit!r}")
    streak = ranking.get("streak_periods", 6)
    if not isinstance(streak, int) or isinstance(streak, bool) or not 0 <= streak <= 24:
        raise ConfigError(f"配置文件 {path} 中 ranking.streak_periods（连续上黑榜往前看几期）应为 0 到 24 的整数，而不是 {streak!r}")
    basis = raw.get("tickets", {}).get("on_time_basis", "due")
    if basis not in ("due", "closed"):
        raise ConfigError(f"配置文件 {path} 中 tickets.on_time_basis 应为 due（按应办结）或 closed（按已办结），而不是 {basis!r}")

    db = os.environ.get("DASHBOARD_DB") or _get(raw, "database.path", str, path)
    return Settings(
        path=path,
        database=_resolve(db),
        calendar_override=_resolve(_get(raw, "calendar.override_file", str, path)),
        allow_weekend_fallback=_get(raw, "calendar.allow_weekend_fallback", bool, path),
        provisional_calendar=(_get(raw, "calendar.provisional", bool, path)
                              if "provisional" in raw.get("calendar", {}) else True),
        time_limits=limits,
        due_soon_workdays=_get(raw, "tickets.due_soon_workdays", int, path),
        aging_buckets=buckets,
        basic_satisfied_factor=k,
        composite_weights=weights,
        households_per_grid=households,
        org_per_10k_target=_get(raw, "orgs.per_10k_target", float, path),
        community_orgs_urban_target=_get(raw, "orgs.community_orgs_urban_target", int, path),
        community_orgs_rural_target=_get(raw, "orgs.community_orgs_rural_target", int, path),
        rating_valid_years=_get(raw, "orgs.rating_valid_years", int, path),
        high_rating=_get(raw, "orgs.high_rating", str, path),
        grade_cutoffs=cutoffs,
        resident_group=_get(raw, "assessment.resident_evaluation_group", str, path),
        resident_min_share=share,
        red_black_size=red_black,
        basemap=basemap,
        local_tile_url=_get(raw, "map.local_tile_url", str, path),
        local_tile_attribution=_get(raw, "map.local_tile_attribution", str, path),
        tianditu_key=_get(raw, "map.tianditu_key", str, path),
        meeting_topics=topics,
        meeting_interval=interval,
        thresholds=thresholds,
        auth=_auth(raw, path),
        duban=_duban(raw, path),
        refresh=_refresh(raw, path),
        min_sample=min_sample,
        rank_last_regardless=regardless,
        on_time_basis=basis,
        alert_limit=alert_limit,
        streak_periods=streak,
    )


@lru_cache(maxsize=4)
def _cached(path_key: str, db_env: str) -> Settings:
    return load_settings(Path(path_key) if path_key else None)


def settings() -> Settings:
    """The current settings (re-read when DASHBOARD_CONFIG / DASHBOARD_DB change)."""
    return _cached(os.environ.get("DASHBOARD_CONFIG", ""), os.environ.get("DASHBOARD_DB", ""))
