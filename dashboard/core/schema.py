"""数据模型 — the data contract of the dashboard database.

This module is the single source of truth for every table and column: the DDL, the
Chinese column comments stored in the DuckDB file (``COMMENT ON``), the import
validation of users' own files (``dashboard.store.build``) and ``docs/data_model.md`` are
all generated from ``TABLES``.

Conventions
-----------
* Area codes follow the national division codes (docs/domain.md「区域层级」): district 6 digits,
  street 9, community 12, grid 15 (community code + 3 digits). Each code starts with
  its parent's code, so "everything inside area X" is ``starts_with(code, X)``.
* Geometry is WGS-84, stored as WKB in ``geom`` (import as WKT text or GeoJSON).
* Columns marked *derived* are computed by the builder (from the working-day calendar
  and ``config/settings.toml``) when the import does not supply them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 3

CODE_LENGTH = {"district": 6, "street": 9, "community": 12, "grid": 15}
LEVELS = ("city", "district", "street", "community", "grid")
LEVEL_ZH = {"city": "全市", "district": "区县", "street": "街道/乡镇", "community": "社区/村", "grid": "网格"}

TICKET_CHANNELS = ("12345热线", "网格员上报", "网上/APP")
TICKET_URGENCIES = ("一般", "紧急", "复杂")
TICKET_STATUSES = ("待签收", "办理中", "已办结", "延期", "退单")
SATISFACTION = ("满意", "基本满意", "不满意")
ORG_TYPES = ("社会团体", "社会服务机构", "基金会", "社区社会组织")
ORG_RATINGS = ("5A", "4A", "3A", "2A", "1A")


# Assessment scores are exact decimals: totals are sums of indicator scores compared with grade cut-offs,
# and a binary float sum (37.1 + 29.5 + 6.3 + 9.3 + 5.3 + 2.5 = 89.99999999999999) would miss 优秀 at 90.
SCORE_TYPE = "DECIMAL(7,2)"

@dataclass(frozen=True)
class Column:
    name: str
    type: str
    zh: str
    required: bool = True
    enum: tuple[str, ...] | None = None
    pattern: str | None = None  # regular expression the text form must match
    derived: bool = False  # computed by the builder when not supplied
    note: str = ""

    @property
    def sql_type(self) -> str:
        return self.type


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    order_by: tuple[str, ...] = ()
    imported: bool = True  # False: written by the builder, never by users
    file_stem: str = ""  # import file name without extension (defaults to name)
    examples: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def import_file(self) -> str:
        return self.file_stem or self.name


def _code(level: str, zh: str, required: bool = True, note: str = "") -> Column:
    n = CODE_LENGTH[level]
    return Column(f"{level}_code", "VARCHAR", zh, required, pattern=rf"^\d{{{n}}}$", note=note or f"{n} 位数字")


def _area_common() -> tuple[Column, ...]:
    return (
        Column("population", "INTEGER", "常住人口（人）"),
        Column("households", "INTEGER", "户数（户）"),
        Column("area_km2", "DOUBLE", "面积（平方公里）", required=False, derived=True,
               note="未提供时由边界计算（WGS-84 椭球面积）"),
        Column("geom", "BLOB", "边界（WGS-84，WKB）", note="导入时用 WKT 文本列 geometry 或 GeoJSON 文件"),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "city", "城市", "看板所覆盖的城市（一行）。", (
            Column("city_code", "VARCHAR", "市级行政区划代码", pattern=r"^\d{6}$", note="6 位，如 990100；前 4 位是所有下级代码的前缀"),
            Column("name", "VARCHAR", "城市名称"),
        ), ("city_code",),
    ),
    Table(
        "districts", "区县", "区/县（含县级市）。", (
            _code("district", "区县代码"),
            Column("name", "VARCHAR", "区县名称"),
            Column("kind", "VARCHAR", "类型", enum=("区", "县", "县级市")),
            *_area_common(),
        ), ("district_code",), ("district_code",),
    ),
    Table(
        "streets", "街道/乡镇", "街道办事处、镇、乡。", (
            _code("street", "街道/乡镇代码", note="9 位；前 6 位为所属区县代码"),
            _code("district", "所属区县代码"),
            Column("name", "VARCHAR", "街道/乡镇名称"),
            Column("kind", "VARCHAR", "类型", enum=("街道", "镇", "乡")),
            *_area_common(),
        ), ("street_code",), ("street_code",),
    ),
    Table(
        "communities", "社区/村", "社区（居委会）和行政村（村委会），是网格的上一级。", (
            _code("community", "社区/村代码", note="12 位；前 9 位为所属街道/乡镇代码"),
            _code("street", "所属街道/乡镇代码"),
            _code("district", "所属区县代码"),
            Column("name", "VARCHAR", "社区/村名称"),
            Column("kind", "VARCHAR", "类型：社区=居委会（城市），村=村委会（农村）", enum=("社区", "村")),
            *_area_common(),
        ), ("community_code",), ("community_code",),
    ),
    Table(
        "grids", "网格", "网格化管理的最小单元。每个网格属于且只属于一个社区/村；同一社区内的网格应无缝隙、无重叠地铺满社区。", (
            _code("grid", "网格编码", note="15 位 = 社区/村代码 + 3 位序号"),
            _code("community", "所属社区/村代码"),
            _code("street", "所属街道/乡镇代码"),
            _code("district", "所属区县代码"),
            Column("name", "VARCHAR", "网格名称"),
            Column("kind", "VARCHAR", "网格类型", enum=("综合网格", "专属网格")),
            Column("dedicated_type", "VARCHAR", "专属网格类别（综合网格为空）", required=False,
                   enum=("学校", "医院", "产业园区", "商圈市场", "机关企事业单位", "其他")),
            *_area_common(),
        ), ("grid_code",), ("grid_code",),
    ),
    Table(
        "grid_workers", "网格员", "网格员（专职/兼职）。网格长是在网格中的职责，见 grid_assignments。", (
            Column("worker_id", "VARCHAR", "网格员编号"),
            Column("name", "VARCHAR", "姓名"),
            Column("employment", "VARCHAR", "用工类型", enum=("专职", "兼职")),
            _code("community", "所属社区/村代码"),
            Column("active", "BOOLEAN", "是否在岗", required=False, note="缺省为是"),
        ), ("worker_id",), ("worker_id",),
    ),
    Table(
        "grid_assignments", "网格员配置", "网格员与网格的对应关系；一人可负责多个网格。", (
            Column("worker_id", "VARCHAR", "网格员编号"),
            _code("grid", "网格编码"),
            Column("duty", "VARCHAR", "在该网格的职责", enum=("网格长", "网格员")),
        ), ("worker_id", "grid_code"), ("grid_code", "worker_id"),
    ),
    Table(
        "tickets", "诉求工单", "12345 热线、网格员上报、网上/APP 等渠道的诉求工单。按受理时间排序存储。", (
            Column("ticket_id", "VARCHAR", "工单编号"),
            Column("channel", "VARCHAR", "来源渠道", enum=TICKET_CHANNELS),
            Column("title", "VARCHAR", "标题"),
            Column("content", "VARCHAR", "主要内容", required=False),
            Column("category_l1", "VARCHAR", "一级分类"),
            Column("category_l2", "VARCHAR", "二级分类"),
            Column("category_l3", "VARCHAR", "三级分类", required=False),
            Column("urgency", "VARCHAR", "紧急程度（决定办理时限）", enum=TICKET_URGENCIES),
            Column("created_at", "TIMESTAMP", "受理时间（来电/上报时间）"),
            Column("signed_at", "TIMESTAMP", "签收时间", required=False),
            Column("first_contact_at", "TIMESTAMP", "首次联系诉求人时间", required=False),
            Column("closed_at", "TIMESTAMP", "办结时间（未办结为空）", required=False),
            Column("status", "VARCHAR", "工单状态（截至数据日期）", enum=TICKET_STATUSES),
            Column("extension_count", "INTEGER", "延期次数", required=False, note="缺省 0"),
            Column("extension_workdays", "INTEGER", "延期合计工作日数", required=False, note="缺省 0；延期顺延办结时限"),
            Column("return_count", "INTEGER", "退单次数", required=False, note="缺省 0"),
            Column("is_repeat", "BOOLEAN", "是否重复诉求", required=False, note="缺省否"),
            Column("is_proactive", "BOOLEAN", "是否主动发现/未诉先办", required=False, note="缺省否"),
            _code("district", "被反映区代码"),
            _code("street", "被反映街乡镇代码"),
            _code("community", "村/社区代码"),
            _code("grid", "网格编码", required=False),
            Column("lon", "DOUBLE", "经度（WGS-84）", required=False),
            Column("lat", "DOUBLE", "纬度（WGS-84）", required=False),
            Column("handling_unit", "VARCHAR", "主办单位", required=False),
            Column("visited", "BOOLEAN", "是否有效回访", required=False, note="缺省否；否则不计入三率分母"),
            Column("contacted", "BOOLEAN", "是否联系（回访结果）", required=False),
            Column("resolved", "BOOLEAN", "是否解决（回访结果）", required=False),
            Column("satisfaction", "VARCHAR", "是否满意（回访结果）", required=False, enum=SATISFACTION),
            Column("reply_due_at", "TIMESTAMP", "首次响应时限", required=False, derived=True,
                   note="未提供时按紧急程度的响应时限计算"),
            Column("original_due_at", "TIMESTAMP", "原办结时限（不含延期）", required=False, derived=True,
                   note="未提供时按紧急程度的办结时限计算（工作日，次日起算，截至当日 23:59:59）"),
            Column("due_at", "TIMESTAMP", "办结时限（含延期）", required=False, derived=True,
                   note="未提供时 = 原办结时限顺延 extension_workdays 个工作日"),
            Column("handling_workdays", "INTEGER", "办理时长（工作日，受理日到办结日）", required=False, derived=True,
                   note="由工作日历计算；未办结为空"),
        ), ("ticket_id",), ("created_at", "ticket_id"),
    ),
    Table(
        "social_orgs", "社会组织", "登记或备案的社会组织。区域代码填到能确定的最细一级。", (
            Column("org_id", "VARCHAR", "统一社会信用代码或备案编号"),
            Column("name", "VARCHAR", "组织名称"),
            Column("legal_type", "VARCHAR", "组织类型", enum=ORG_TYPES,
                   note="社会服务机构即原民办非企业单位；社区社会组织在街道/乡镇备案"),
            Column("field", "VARCHAR", "业务领域", note="如 公益慈善、社区服务、养老服务、文体、教育、行业协会商会"),
            Column("registrar", "VARCHAR", "登记/备案机关层级", enum=("市级", "区级", "街道/乡镇备案")),
            _code("district", "住所所在区县代码"),
            _code("street", "住所所在街道/乡镇代码", required=False),
            _code("community", "住所所在社区/村代码", required=False),
            Column("registered_on", "DATE", "登记/备案日期"),
            Column("deregistered_on", "DATE", "注销/撤销日期（存续为空）", required=False),
            Column("rating", "VARCHAR", "评估等级（未评估为空）", required=False, enum=ORG_RATINGS),
            Column("rated_on", "DATE", "评估日期", required=False, note="等级有效期 5 年，过期视为未评估"),
        ), ("org_id",), ("org_id",),
    ),
    Table(
        "assessment_rounds", "考核轮次", "居委会/村委会考核的轮次（年度，可选季度）。", (
            Column("round_id", "VARCHAR", "轮次编号"),
            Column("name", "VARCHAR", "轮次名称"),
            Column("kind", "VARCHAR", "类型", enum=("年度", "季度")),
            Column("period_start", "DATE", "考核期开始"),
            Column("period_end", "DATE", "考核期结束"),
            Column("published_on", "DATE", "结果公布日期", required=False),
        ), ("round_id",), ("period_end", "round_id"),
    ),
    Table(
        "assessment_indicators", "考核指标", "每一轮的指标体系：指标分组、名称和分值（权重）。分值合计一般为 100。", (
            Column("round_id", "VARCHAR", "轮次编号"),
            Column("indicator_code", "VARCHAR", "指标编号"),
            Column("group_name", "VARCHAR", "指标分组", note="如 居民评议、居民自治、服务群众、党建引领、减负增效"),
            Column("name", "VARCHAR", "指标名称"),
            Column("max_score", SCORE_TYPE, "分值（满分，即权重）", note="精确小数，最多 2 位小数"),
            Column("description", "VARCHAR", "评分说明", required=False),
            Column("sort_order", "INTEGER", "显示顺序", required=False),
        ), ("round_id", "indicator_code"), ("round_id", "sort_order", "indicator_code"),
    ),
    Table(
        "assessment_scores", "考核得分", "每个社区/村在每一轮每项指标上的得分（0 至该指标分值）。", (
            Column("round_id", "VARCHAR", "轮次编号"),
            _code("community", "社区/村代码"),
            Column("indicator_code", "VARCHAR", "指标编号"),
            Column("score", SCORE_TYPE, "得分", note="精确小数（最多 2 位小数），总分按精确小数相加，90.0 分不会因二进制误差变成 89.999…"),
        ), ("round_id", "community_code", "indicator_code"), ("round_id", "community_code", "indicator_code"),
    ),
    Table(
        "workday_calendar", "工作日历", "由构建程序按法定节假日和调休生成，覆盖数据所需的日期范围。", (
            Column("day", "DATE", "日期"),
            Column("is_workday", "BOOLEAN", "是否工作日（含调休上班日）"),
            Column("workday_seq", "INTEGER", "工作日序号（截至当日的累计工作日数）"),
            Column("holiday_name", "VARCHAR", "节假日/调休名称", required=False),
            Column("source", "VARCHAR", "来源：override 覆盖文件（国务院通知）；chinese_calendar 法定节假日库；"
                   "provisional 暂定（按放假办法推算，无调休）；weekend_fallback 无节假日数据、按周末计",
                   enum=("override", "chinese_calendar", "provisional", "weekend_fallback")),
        ), ("day",), ("day",), imported=False,
    ),
    Table(
        "ticket_closing", "工单办结索引",
        "tickets 的投影，按办结时间排序（未办结的排在最后）。“期间内办结”和“期末仍未办结”两类统计"
        "以及督办清单只需读取其中一段连续的数据块，不必扫描全部工单；由构建程序从 tickets 生成，随数据一起刷新。", (
            Column("ticket_row", "BIGINT", "在 tickets 表中的行号（rowid）；也用作同一时限的工单的排序"),
            Column("closed_key", "TIMESTAMP", "排序键：办结时间；未办结为 9999-12-31"),
            Column("closed_at", "TIMESTAMP", "办结时间", required=False),
            Column("created_at", "TIMESTAMP", "受理时间"),
            Column("due_at", "TIMESTAMP", "办结时限（含延期）"),
            Column("community_code", "VARCHAR", "社区/村代码"),
            Column("grid_code", "VARCHAR", "网格编码", required=False),
            Column("category_l1", "VARCHAR", "一级分类"),
            Column("visited", "BOOLEAN", "是否有效回访"),
            Column("contacted", "BOOLEAN", "回访：是否联系过诉求人", required=False),
            Column("resolved", "BOOLEAN", "回访：问题是否解决", required=False),
            Column("satisfaction", "VARCHAR", "回访：满意度", required=False),
            Column("handling_workdays", "INTEGER", "办理时长（工作日）", required=False),
            # For the 督办清单 (open tickets at a period end): the details it lists.
            Column("ticket_id", "VARCHAR", "工单编号"),
            Column("title", "VARCHAR", "标题"),
            Column("category_l2", "VARCHAR", "二级分类"),
            Column("urgency", "VARCHAR", "紧急程度"),
            Column("channel", "VARCHAR", "来源渠道"),
            Column("status", "VARCHAR", "工单状态（截至数据日期）"),
            Column("original_due_at", "TIMESTAMP", "原办结时限（不含延期）", required=False),
            Column("extension_count", "INTEGER", "延期次数"),
            Column("return_count", "INTEGER", "退单次数"),
            Column("is_repeat", "BOOLEAN", "是否重复诉求"),
            Column("handling_unit", "VARCHAR", "主办单位", required=False),
            Column("district_code", "VARCHAR", "区县代码"),
            Column("street_code", "VARCHAR", "街道/乡镇代码"),
        ), ("ticket_row",), ("closed_key", "created_at"), imported=False,
    ),
    Table(
        "grid_staffing", "网格员配备",
        "每个网格当前的在岗网格员配备（由 queries/macros.sql 的 grid_staff 定义）。由构建程序从 grid_assignments "
        "和 grid_workers 生成，随数据一起刷新；没有在岗网格员的网格不在表中。", (
            Column("grid_code", "VARCHAR", "网格编码"),
            Column("fulltime_workers", "INTEGER", "在岗专职网格员数"),
            Column("parttime_workers", "INTEGER", "在岗兼职网格员数"),
            Column("grid_leaders", "INTEGER", "在岗网格长数"),
            Column("workers", "VARCHAR", "在岗网格员名单（专职在前）"),
        ), ("grid_code",), ("grid_code",), imported=False,
    ),
    Table(
        "multi_grid_workers", "一人多格网格员",
        "同时分管两个及以上网格的在岗网格员（由 queries/macros.sql 的 multi_grid_staff 定义，按当前配置）。"
        "由构建程序从 grid_assignments、grid_workers、grids 和 communities 生成，随数据一起刷新。", (
            Column("worker_id", "VARCHAR", "网格员编号"),
            Column("name", "VARCHAR", "姓名"),
            Column("employment", "VARCHAR", "用工类型"),
            Column("is_leader", "BOOLEAN", "是否在某个分管网格任网格长"),
            Column("grid_count", "INTEGER", "分管网格数"),
            Column("community_count", "INTEGER", "分管网格涉及的社区/村数"),
            Column("grid_names", "VARCHAR", "分管网格名称"),
            Column("community_names", "VARCHAR", "所属社区/村名称"),
            Column("grid_codes", "VARCHAR[]", "分管网格编码（按范围筛选用）"),
        ), ("worker_id",), ("worker_id",), imported=False,
    ),
    Table(
        "ticket_daily", "工单日汇总",
        "每个街道/乡镇和每个社区/村每天受理、办结的工单计数（由 queries/macros.sql 的 ticket_day_counts 定义，"
        "与直接从工单计算的口径相同）。期间类计数只需把期间内的日汇总相加；由构建程序从 tickets 生成，随数据一起刷新。", (
            Column("unit_len", "TINYINT", "汇总单元的代码长度：9 街道/乡镇，12 社区/村"),
            Column("area_code", "VARCHAR", "街道/乡镇或社区/村代码"),
            Column("day", "DATE", "日期：受理类计数按受理日，办结类计数按办结日"),
            Column("created", "INTEGER", "受理量"),
            Column("repeat_count", "INTEGER", "重复诉求数"),
            Column("returned_count", "INTEGER", "退单过的工单数"),
            Column("extended_count", "INTEGER", "延期过的工单数"),
            Column("proactive_count", "INTEGER", "主动发现数"),
            Column("closed", "INTEGER", "办结量"),
            Column("closed_on_time", "INTEGER", "按期办结数"),
            Column("visited", "INTEGER", "有效回访数"),
            Column("contacted", "INTEGER", "回访已联系数"),
            Column("resolved", "INTEGER", "回访已解决数"),
            Column("satisfied", "INTEGER", "回访满意数"),
            Column("basic_satisfied", "INTEGER", "回访基本满意数"),
        ), ("unit_len", "area_code", "day"), ("unit_len", "area_code", "day"), imported=False,
    ),
    Table(
        "meta", "元数据", "数据集说明：是否示例数据、数据截至时间、构建时间、使用的时限配置等。", (
            Column("key", "VARCHAR", "键"),
            Column("value", "VARCHAR", "值"),
        ), ("key",), ("key",), imported=False,
    ),
)

TABLE_BY_NAME = {t.name: t for t in TABLES}
IMPORTED_TABLES = tuple(t for t in TABLES if t.imported)
AREA_TABLES = {"district": "districts", "street": "streets", "community": "communities", "grid": "grids"}

# A view over all area levels, used for hierarchy look-ups (names, parents, children).
# Written as a table when the database is built (the area tables never change
# afterwards): a view over five tables costs every query that reads it ~2 ms of planning.
AREAS_TABLE = """
CREATE TABLE areas AS
SELECT '' AS code, 'city' AS level, NULL::VARCHAR AS parent_code, name, NULL::VARCHAR AS kind,
       (SELECT sum(population) FROM districts)::BIGINT AS population,
       (SELECT sum(households) FROM districts)::BIGINT AS households,
       (SELECT sum(area_km2) FROM districts) AS area_km2
FROM city
UNION ALL SELECT district_code, 'district', '', name, kind, population, households, area_km2 FROM districts
UNION ALL SELECT street_code, 'street', district_code, name, kind, population, households, area_km2 FROM streets
UNION ALL SELECT community_code, 'community', street_code, name, kind, population, households, area_km2 FROM communities
UNION ALL SELECT grid_code, 'grid', community_code, name, kind, population, households, area_km2 FROM grids
"""
AREAS_COLUMNS = {"code": "区域代码（全市为空字符串）", "level": "层级：city/district/street/community/grid",
                 "parent_code": "上级区域代码", "name": "名称", "kind": "类型（如 社区/村、综合网格/专属网格）",
                 "population": "常住人口", "households": "户数", "area_km2": "面积（平方公里）"}
AREAS_COMMENT = "所有层级区域的统一表（构建时由各区域表生成）：code（全市为空字符串）、level、parent_code、名称、人口、户数。"
# The standard views' answers, kept in each build when it is written (dashboard/store/stored_views.py).
VIEW_RESULTS_COMMENT = ("预先计算的常用视图答案（构建时写入，不导入）：key 为查询名、SQL 文本、宏定义、DuckDB 版本与全部参数（含设置中的"
                        "权重、阈值）的 SHA-256；看板遇到同一个 key 时直接取答案，设置或查询一变即为新 key、实时计算。")


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(table: Table) -> str:
    cols = []
    for c in table.columns:
        null = " NOT NULL" if (c.required and not c.derived) or c.name in table.primary_key else ""
        cols.append(f"    {c.name} {c.sql_type}{null}")
    # Primary keys are checked by the builder (dashboard.store.build) instead of declared: an
    # ART index over 10 M ticket ids costs minutes and gigabytes and helps no query here.
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(cols) + "\n)"


def comment_sql(table: Table) -> list[str]:
    out = [f"COMMENT ON TABLE {table.name} IS {_sql_str(table.zh + '：' + table.description)}"]
    for c in table.columns:
        text = c.zh + (f"（{c.note}）" if c.note else "")
        out.append(f"COMMENT ON COLUMN {table.name}.{c.name} IS {_sql_str(text)}")
    return out


def ddl() -> str:
    """The full DDL, with comments, as one SQL script (what docs/schema.sql holds)."""
    parts = [f"-- 基层治理督查考评看板 数据模型 v{SCHEMA_VERSION}（由 dashboard/core/schema.py 生成，请勿手工修改）"]
    for t in TABLES:
        parts.append(f"-- {t.zh}：{t.description}")
        parts.append(create_table_sql(t) + ";")
        parts.extend(s + ";" for s in comment_sql(t))
    parts.append(AREAS_TABLE.strip() + ";")
    parts.append(f"COMMENT ON TABLE areas IS {_sql_str(AREAS_COMMENT)};")
    parts.extend(f"COMMENT ON COLUMN areas.{c} IS {_sql_str(zh)};" for c, zh in AREAS_COLUMNS.items())
    return "\n\n".join(parts) + "\n"


def markdown() -> str:
    """docs/data_model.md: the import contract in plain language."""
    lines = [
        "# 数据模型（导入契约）",
        "",
        "由 `dashboard/core/schema.py` 生成（`python -m dashboard.core.schema --write-docs`），请勿手工修改。",
        "DDL 见 [`schema.sql`](schema.sql)；数据库文件中每张表、每一列也带有同样的中文注释（`COMMENT ON`）。",
        "",
        "约定：区域代码遵循国家行政区划代码——区县 6 位、街道/乡镇 9 位、社区/村 12 位、网格 15 位，"
        "下级代码以上级代码开头。几何为 WGS-84。标 *派生* 的列在导入时可省略，由构建程序根据工作日历和"
        "`config/settings.toml` 计算。必填列不可为空。",
        "",
    ]
    for t in TABLES:
        source = f"导入文件 `{t.import_file}.csv`（或 .xlsx；区域表也可用 .geojson）" if t.imported else "由构建程序生成，不导入"
        lines += [f"## `{t.name}` — {t.zh}", "", t.description, "", f"{source}；主键 {', '.join(t.primary_key)}。", "",
                  "| 列 | 类型 | 含义 | 必填 | 取值/说明 |", "|---|---|---|---|---|"]
        for c in t.columns:
            req = "派生" if c.derived else ("是" if c.required else "否")
            values = " / ".join(c.enum) if c.enum else ""
            note = "；".join(x for x in (values, c.note) if x)
            lines.append(f"| `{c.name}` | {c.type} | {c.zh} | {req} | {note} |")
        lines.append("")
    lines += ["## `areas`（由构建程序生成）", "", AREAS_COMMENT, ""]
    lines += ["## `view_results`（由构建程序生成）", "", VIEW_RESULTS_COMMENT, ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - tiny CLI
    import argparse
    from pathlib import Path

    ap = argparse.ArgumentParser(description="生成数据模型文档 docs/data_model.md 与 docs/schema.sql")
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args()
    root = Path(__file__).resolve().parents[2]
    if args.write_docs:
        (root / "docs" / "data_model.md").write_text(markdown(), encoding="utf-8")
        (root / "docs" / "schema.sql").write_text(ddl(), encoding="utf-8")
        print("已写入 docs/data_model.md 和 docs/schema.sql")
    else:
        print(ddl())
