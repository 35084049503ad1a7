-- 共享的 SQL 片段（宏）。查询文件直接调用这里的宏；运行器只为用到它们的查询定义它们，
-- 因此同一条规则（如考核等级）在整个项目里只写一次。每个宏以分号结束。

-- 考核等级：总分 ≥ 分档线即为该等级（分档线从高到低），低于最低一档为“不合格”。
--   total  总分；names  等级名称列表（如 ['优秀','合格','基本合格']）；mins  对应的分档线列表
CREATE OR REPLACE TEMP MACRO grade_of(total, names, mins) AS
    coalesce(names[list_position(list_transform(mins, lambda m: total >= m), true)], '不合格');

-- 各社区/村在一轮（round_now = round_before）或两轮考核中的总分和等级：
--   total 各项指标得分之和；grade 按 grade_of 定的等级；grade_level 等级序号（1 最高，不合格为 len(names) + 1）。
CREATE OR REPLACE TEMP MACRO committee_results(scope, round_now, round_before, names, mins) AS TABLE
    SELECT round_id, community_code, total,
           grade_of(total, names, mins)                                                   AS grade,
           coalesce(list_position(names, grade_of(total, names, mins)), len(names) + 1)   AS grade_level
    FROM (SELECT round_id, community_code, sum(score) AS total
          FROM assessment_scores
          WHERE round_id IN (round_now, round_before) AND starts_with(community_code, scope)
          GROUP BY 1, 2);

-- 满意率与三率综合得分——这两个公式的唯一定义（queries/ticket_metrics.sql 与 queries/ticket_history.sql 共用）。
--   满意率 =（满意 + k × 基本满意）÷ 有效回访；综合得分 = 100 ×（w₁·响应率 + w₂·解决率 + w₃·满意率）。
CREATE OR REPLACE TEMP MACRO satisfaction_of(satisfied, basic_satisfied, visited, k) AS
    (satisfied + k * basic_satisfied) / nullif(visited, 0);

CREATE OR REPLACE TEMP MACRO composite_of(response, resolution, satisfaction, w_response, w_resolution, w_satisfaction) AS
    100 * (w_response * response + w_resolution * resolution + w_satisfaction * satisfaction);

-- 区域分组键：按长度 n 截取区域代码（0 = 全市，6 区县，9 街道/乡镇，12 社区/村）；n = 15 时用网格编码。
CREATE OR REPLACE TEMP MACRO area_key(community_code, grid_code, n) AS
    CASE WHEN n = 15 THEN grid_code ELSE left(community_code, n) END;

-- 工单分组键：area_key 的各级区域，另加 n = -1 按主办单位（承办单位；未填主办单位的为空串）。
CREATE OR REPLACE TEMP MACRO ticket_key(community_code, grid_code, handling_unit, n) AS
    CASE WHEN n = -1 THEN coalesce(handling_unit, '') ELSE area_key(community_code, grid_code, n) END;

-- 工单指标的判定与比率——按区域（ticket_metrics.sql）和按承办单位（handling_unit_metrics.sql）共用的唯一定义。
-- 按期办结：在办结时限（含延期）之前（含当时）办结；未办结（closed_at 为空）时结果为空，FILTER 中不计。
CREATE OR REPLACE TEMP MACRO on_time_closure(closed_at, due_at) AS
    closed_at <= due_at;
-- 期末时点 end_ts 的积压：受理早于该时点、且该时点时尚未办结（closed_key 为办结时间，未办结为 9999-12-31）。
CREATE OR REPLACE TEMP MACRO open_at(created_at, closed_key, end_ts) AS
    closed_key >= end_ts AND created_at < end_ts;
-- 超期：积压工单中办结时限（含延期）早于期末时点。
CREATE OR REPLACE TEMP MACRO overdue_at(due_at, end_ts) AS
    due_at < end_ts;
-- 应办结（按期办结率的“应办结”口径）：办结时限落在 [start_ts, end_ts) 内。
CREATE OR REPLACE TEMP MACRO due_within(due_at, start_ts, end_ts) AS
    due_at >= start_ts AND due_at < end_ts;
-- 按期办结率所用口径的计数：basis = 'due' 取应办结口径的值，否则取已办结口径的值。
CREATE OR REPLACE TEMP MACRO on_time_basis_of(basis, due_value, closed_value) AS
    CASE WHEN basis = 'due' THEN due_value ELSE closed_value END;
-- 比率：分子 ÷ 分母，分母为 0 时为空（不是 0）。
CREATE OR REPLACE TEMP MACRO rate_of(num, den) AS
    num / nullif(den, 0);
-- 满意率：（满意 + k × 基本满意）÷ 有效回访。
CREATE OR REPLACE TEMP MACRO satisfaction_of(satisfied, basic_satisfied, visited, k) AS
    (satisfied + k * basic_satisfied) / nullif(visited, 0);
-- 三率综合得分：100 ×（响应率、解决率、满意率的加权和）。
CREATE OR REPLACE TEMP MACRO composite_of(response_rate, resolution_rate, satisfaction_rate, w_response, w_resolution,
                                          w_satisfaction) AS
    100 * (w_response * response_rate + w_resolution * resolution_rate + w_satisfaction * satisfaction_rate);

-- 报告单元：当前范围本身（n = length(scope)）或它的下一级区域。
CREATE OR REPLACE TEMP MACRO report_units(scope, n) AS TABLE
    SELECT code AS area_code, name AS area_name, level, kind AS area_kind, population, households
    FROM areas
    WHERE CASE WHEN n = length(scope) THEN code = scope ELSE parent_code = scope END;

-- 一个视图的报告行：本期（'now'）的范围合计（n = length(scope) 或 with_scope 时）和下级区域（n 为下一级长度时），
-- 以及对比期（'before'，compared 时）的范围合计。页面的指标卡、对比和下级排名一次问完时，指标查询按这些行返回结果。
CREATE OR REPLACE TEMP MACRO report_rows(scope, n, with_scope, compared) AS TABLE
    SELECT 'now' AS period, * FROM report_units(scope, length(scope)) WHERE n = length(scope) OR with_scope
    UNION ALL
    SELECT 'now', * FROM report_units(scope, n) WHERE n > length(scope)
    UNION ALL
    SELECT 'before', * FROM report_units(scope, length(scope)) WHERE compared;

-- 社会组织在某日是否存续：登记/备案日期不晚于该日，且未注销或注销日期晚于该日。
CREATE OR REPLACE TEMP MACRO org_active(registered_on, deregistered_on, at_date) AS
    registered_on <= at_date AND (deregistered_on IS NULL OR deregistered_on > at_date);

-- 社会组织评估等级在某日是否有效：已评估、评估日期不晚于该日、且在有效年数之内（过期视为未评估）。
CREATE OR REPLACE TEMP MACRO rating_valid(rating, rated_on, at_date, valid_years) AS
    rating IS NOT NULL AND rated_on <= at_date AND rated_on > at_date - to_years(CAST(valid_years AS INTEGER));

-- 评估等级的 A 数（'5A' → 5；不是等级的文字为 NULL），用于“3A 及以上”的比较。
CREATE OR REPLACE TEMP MACRO rating_stars(rating) AS
    TRY_CAST(left(rating, 1) AS INTEGER);

-- 每个社区/村的社区社会组织数与目标（城市社区 urban_target、村 rural_target）：只计在 at_date 存续、
-- 登记到社区/村一级的社区社会组织。社区社会组织达标的唯一定义。
CREATE OR REPLACE TEMP MACRO community_org_status(scope, at_date, urban_target, rural_target) AS TABLE
    SELECT c.code AS community_code, c.kind,
           CASE WHEN c.kind = '村' THEN rural_target ELSE urban_target END AS target,
           coalesce(n.community_orgs, 0)                                  AS community_orgs
    FROM areas c
    LEFT JOIN (SELECT community_code, count(*) AS community_orgs
               FROM social_orgs
               WHERE legal_type = '社区社会组织' AND community_code IS NOT NULL
                 AND org_active(registered_on, deregistered_on, at_date) AND starts_with(community_code, scope)
               GROUP BY 1) n ON n.community_code = c.code
    WHERE c.level = 'community' AND starts_with(c.code, scope);

-- 工单按区域、按日的计数（docs/domain.md「诉求工单」）——受理类和办结类计数的唯一定义。
-- 受理类按受理日、办结类按办结日计入 unit_len 长度的区域（9 街道/乡镇，12 社区/村，15 网格；-1 按主办单位）；
-- 只计 [start_ts, end_ts) 内受理或办结的工单。构建程序用它生成 ticket_daily（街道和社区两级），
-- queries/ticket_metrics.sql 按网格分组时、queries/handling_unit_metrics.sql 按主办单位分组时直接调用它。
CREATE OR REPLACE TEMP MACRO ticket_day_counts(scope, unit_len, start_ts, end_ts) AS TABLE
    SELECT area_code, day,
           coalesce(c.created, 0)::INTEGER         AS created,
           coalesce(c.repeat_count, 0)::INTEGER    AS repeat_count,
           coalesce(c.returned_count, 0)::INTEGER  AS returned_count,
           coalesce(c.extended_count, 0)::INTEGER  AS extended_count,
           coalesce(c.proactive_count, 0)::INTEGER AS proactive_count,
           coalesce(d.closed, 0)::INTEGER          AS closed,
           coalesce(d.closed_on_time, 0)::INTEGER  AS closed_on_time,
           coalesce(d.visited, 0)::INTEGER         AS visited,
           coalesce(d.contacted, 0)::INTEGER       AS contacted,
           coalesce(d.resolved, 0)::INTEGER        AS resolved,
           coalesce(d.satisfied, 0)::INTEGER       AS satisfied,
           coalesce(d.basic_satisfied, 0)::INTEGER AS basic_satisfied
    FROM (SELECT ticket_key(community_code, grid_code, handling_unit, unit_len) AS area_code, created_at::DATE AS day,
                 count(*)                                    AS created,
                 count(*) FILTER (WHERE is_repeat)           AS repeat_count,
                 count(*) FILTER (WHERE return_count > 0)    AS returned_count,
                 count(*) FILTER (WHERE extension_count > 0) AS extended_count,
                 count(*) FILTER (WHERE is_proactive)        AS proactive_count
          FROM tickets
          WHERE created_at >= start_ts AND created_at < end_ts AND starts_with(community_code, scope)
          GROUP BY 1, 2) c
    FULL JOIN
         (SELECT ticket_key(community_code, grid_code, handling_unit, unit_len) AS area_code, closed_at::DATE AS day,
                 count(*)                                                     AS closed,
                 count(*) FILTER (WHERE on_time_closure(closed_at, due_at))   AS closed_on_time,
                 count(*) FILTER (WHERE visited)                              AS visited,
                 count(*) FILTER (WHERE visited AND contacted)                AS contacted,
                 count(*) FILTER (WHERE visited AND resolved)                 AS resolved,
                 count(*) FILTER (WHERE visited AND satisfaction = '满意')     AS satisfied,
                 count(*) FILTER (WHERE visited AND satisfaction = '基本满意') AS basic_satisfied
          FROM ticket_closing
          WHERE closed_key >= start_ts AND closed_key < end_ts AND starts_with(community_code, scope)
          GROUP BY 1, 2) d
    USING (area_code, day);

-- 每个网格当前的网格员配备（docs/domain.md「网格与网格员」）——“有专职网格员”等配备口径的唯一定义：只计在岗（active）网格员，
-- 按数据截至时的当前配置。构建程序用它生成 grid_staffing 表；workers 为在岗网格员名单（专职在前）。
CREATE OR REPLACE TEMP MACRO grid_staff() AS TABLE
    SELECT a.grid_code,
           count(*) FILTER (WHERE w.employment = '专职')  AS fulltime_workers,
           count(*) FILTER (WHERE w.employment = '兼职')  AS parttime_workers,
           count(*) FILTER (WHERE a.duty = '网格长')      AS grid_leaders,
           string_agg(w.name || '（' || w.employment || CASE WHEN a.duty = '网格长' THEN '，网格长' ELSE '' END || '）',
                      '、' ORDER BY w.employment DESC, w.worker_id) AS workers
    FROM grid_assignments a JOIN grid_workers w USING (worker_id)
    WHERE w.active
    GROUP BY 1;

-- 一人多格：同时分管两个及以上网格的在岗网格员（docs/domain.md「网格与网格员」），按当前配置——这一口径的唯一定义。
-- 构建程序用它生成 multi_grid_workers 表；grid_codes 为其分管的全部网格编码，用于按范围筛选。
CREATE OR REPLACE TEMP MACRO multi_grid_staff() AS TABLE
    WITH per_worker AS (
        SELECT a.worker_id,
               count(DISTINCT a.grid_code)  AS grid_count,
               bool_or(a.duty = '网格长')    AS is_leader,
               list(DISTINCT a.grid_code ORDER BY a.grid_code) AS grid_codes
        FROM grid_assignments a
        GROUP BY 1
        HAVING count(DISTINCT a.grid_code) >= 2
    ),
    names AS (
        SELECT a.worker_id,
               string_agg(DISTINCT g.name, '、' ORDER BY g.name)  AS grid_names,
               string_agg(DISTINCT c.name, '、' ORDER BY c.name)  AS community_names,
               count(DISTINCT g.community_code)                  AS community_count
        FROM grid_assignments a
        SEMI JOIN per_worker p ON p.worker_id = a.worker_id
        JOIN grids g USING (grid_code)
        JOIN communities c ON c.community_code = g.community_code
        GROUP BY 1
    )
    SELECT w.worker_id, w.name, w.employment, p.is_leader, p.grid_count, n.community_count,
           n.grid_names, n.community_names, p.grid_codes
    FROM per_worker p
    JOIN names n USING (worker_id)
    JOIN grid_workers w USING (worker_id)
    WHERE w.active;

-- 期间内的工单日汇总行（ticket_daily），按分组代码长度 n 选汇总单元：n ≤ 9（全市、区县、街道/乡镇）读街道一级的行，
-- n = 12 读社区/村一级的行；n = 15（网格）没有日汇总，不返回行（按网格请直接调用 ticket_day_counts）。
-- 日汇总按整日计：start_ts 总是 0 点，end_ts 是 0 点或数据截至时间（其后没有工单），所以与按时刻筛选相同。
CREATE OR REPLACE TEMP MACRO daily_rows(scope, n, start_ts, end_ts) AS TABLE
    SELECT * FROM ticket_daily
    WHERE unit_len = CASE WHEN n <= 9 THEN 9 WHEN n = 12 THEN 12 END
      AND starts_with(area_code, scope) AND day >= start_ts AND day < end_ts;
