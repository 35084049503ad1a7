-- 红黑榜的往期（连续 N 期上黑榜）。
-- 回答：范围 $scope 的每个下级区域在此前若干个完整期间（如本月之前的各月）的三率、综合得分与按期办结率，
-- 一次问完，供“连续 N 期上黑榜”按同样的规则（预警线、最小样本）排出每一期的黑榜（dashboard/core/ranking.py）。
-- 参数：
--   $scope          范围代码前缀：'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村
--   $group_len      下级区域代码长度（6/9/12；15 为网格，用工单的 grid_code）
--   $history_starts 各期开始时点（含，0 点）的列表，最近的一期在前
--   $history_ends   各期结束时点（不含，0 点）的列表，与 $history_starts 一一对应
--   $k, $w_response, $w_resolution, $w_satisfaction, $on_time_basis   与 queries/ticket_metrics.sql 相同
-- 返回：每期（period_index = 1 为最近的一期）每个下级区域一行（没有工单的也返回，计数为 0，比率为空），
--       按期次、代码排列。
-- 口径：与 queries/ticket_metrics.sql 相同——三率按办结时间落在期间内且有效回访的工单（计数来自日汇总
--       ticket_daily / 宏 ticket_day_counts，公式为宏 satisfaction_of、composite_of）；按期办结率按配置的口径：
--       'due' 为办结时限落在期间内的工单中在时限前办结的比例，'closed' 为期间内办结的工单中按期办结的比例。
--       往期都是完整的日子，不需要按时刻截断。
WITH periods AS (
    SELECT i AS period_index, $history_starts[i] AS start_ts, $history_ends[i] AS end_ts
    FROM range(1, len($history_starts) + 1) r(i)
),
daily AS (
    SELECT p.period_index, left(d.area_code, $group_len) AS area_code,
           d.closed, d.closed_on_time, d.visited, d.contacted, d.resolved, d.satisfied, d.basic_satisfied
    FROM daily_rows($scope, $group_len, list_min($history_starts), list_max($history_ends)) d
    JOIN periods p ON d.day >= p.start_ts AND d.day < p.end_ts
    WHERE $group_len < 15
    UNION ALL
    SELECT p.period_index, c.area_code,
           c.closed, c.closed_on_time, c.visited, c.contacted, c.resolved, c.satisfied, c.basic_satisfied
    FROM ticket_day_counts($scope, 15, list_min($history_starts), list_max($history_ends)) c
    JOIN periods p ON c.day >= p.start_ts AND c.day < p.end_ts
    WHERE $group_len = 15
),
counts AS (
    SELECT period_index, area_code,
           sum(closed)::BIGINT AS closed, sum(closed_on_time)::BIGINT AS closed_on_time,
           sum(visited)::BIGINT AS visited, sum(contacted)::BIGINT AS contacted, sum(resolved)::BIGINT AS resolved,
           sum(satisfied)::BIGINT AS satisfied, sum(basic_satisfied)::BIGINT AS basic_satisfied
    FROM daily
    GROUP BY 1, 2
),
due_in_period AS (  -- 按应办结口径，同 queries/ticket_metrics.sql 的 due_in_period
    SELECT p.period_index, area_key(t.community_code, t.grid_code, $group_len) AS area_code,
           count(*)                                                                    AS due,
           count(*) FILTER (WHERE t.closed_at IS NOT NULL AND t.closed_at <= t.due_at) AS due_on_time
    FROM ticket_closing t
    JOIN periods p ON t.due_at >= p.start_ts AND t.due_at < p.end_ts
    WHERE starts_with(t.community_code, $scope) AND $on_time_basis = 'due'
    GROUP BY 1, 2
)
SELECT
    p.period_index, u.area_code, u.area_name, u.level, u.population,
    coalesce(d.closed, 0)          AS closed,
    coalesce(d.closed_on_time, 0)  AS closed_on_time,
    coalesce(d.visited, 0)         AS visited,
    coalesce(d.contacted, 0)       AS contacted,
    coalesce(d.resolved, 0)        AS resolved,
    coalesce(d.satisfied, 0)       AS satisfied,
    coalesce(d.basic_satisfied, 0) AS basic_satisfied,
    coalesce(q.due, 0)             AS due,
    coalesce(q.due_on_time, 0)     AS due_on_time,
    on_time_basis_of($on_time_basis, coalesce(q.due_on_time, 0), coalesce(d.closed_on_time, 0)) AS on_time_num,
    on_time_basis_of($on_time_basis, coalesce(q.due, 0), coalesce(d.closed, 0))                 AS on_time_den,
    rate_of(on_time_num, on_time_den)                                 AS on_time_rate,
    rate_of(d.contacted, d.visited)                                   AS response_rate,
    rate_of(d.resolved, d.visited)                                    AS resolution_rate,
    satisfaction_of(d.satisfied, d.basic_satisfied, d.visited, $k)    AS satisfaction_rate,
    composite_of(response_rate, resolution_rate, satisfaction_rate, $w_response, $w_resolution, $w_satisfaction)
                                                                      AS composite_score
FROM periods p
CROSS JOIN report_units($scope, $group_len) u
LEFT JOIN counts d ON d.period_index = p.period_index AND d.area_code = u.area_code
LEFT JOIN due_in_period q ON q.period_index = p.period_index AND q.area_code = u.area_code
ORDER BY p.period_index, u.area_code
