-- 工单核心指标（DESIGN §3.1）——本文件是这些指标的唯一定义，指标说明见 dashboard/metrics.py。
-- 回答：在期间 [$start_ts, $end_ts) 内，范围 $scope（或它的每个下级区域）受理多少、办结多少、
--       按期办结率、三率与综合得分、重复/退单/延期率、办理时长，以及期末积压、超期、即将超期各是多少？
-- 参数：
--   $scope        范围代码前缀：'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村
--   $group_len    分组代码长度：等于 length($scope) 时返回范围合计一行；
--                 为下一级长度（6/9/12）时按下级区域分组；15 时按网格分组（用工单的 grid_code）
--   $start_ts     期间开始（含）
--   $end_ts       期间结束（不含），= min(期末次日 0 点, 数据截至时间)；积压、超期按这一时点计算
--   $due_soon_ts  即将超期的截止时点：期末所在日之后第 N 个工作日的 23:59:59
--   $k            满意率中“基本满意”的折算系数
--   $w_response, $w_resolution, $w_satisfaction   三率综合得分权重（合计为 1）
--   $with_durations  是否计算办理时长的中位数与 P90（只有诉求工单页的指标卡显示它们；不需要时为空，省去一次扫描）
-- 返回：每个区域一行（没有工单的下级区域也返回，计数为 0，比率为空）。
-- 口径：受理类指标按受理时间落在期间内；办结类和三率按办结时间落在期间内（三率只计有效回访）；
--       积压类按期末时点仍未办结。
-- 读取：受理类和办结类计数的定义在 queries/macros.sql 的 ticket_day_counts。按区县、街道、社区分组时
--       把 ticket_daily（构建时由它生成的日汇总，按 daily_rows 选行）中期间内的日子相加；按网格分组时直接调用它。
--       办理时长的中位数和积压类读 ticket_closing（按办结时间存放，未办结的在最后），只需读取一段连续的数据块。
WITH daily AS (
    SELECT area_code, created, repeat_count, returned_count, extended_count, proactive_count, closed, closed_on_time,
           visited, contacted, resolved, satisfied, basic_satisfied
    FROM daily_rows($scope, $group_len, $start_ts, $end_ts)
    UNION ALL
    SELECT area_code, created, repeat_count, returned_count, extended_count, proactive_count, closed, closed_on_time,
           visited, contacted, resolved, satisfied, basic_satisfied
    FROM ticket_day_counts($scope, 15, $start_ts, $end_ts)
    WHERE $group_len = 15
),
counts AS (
    SELECT left(area_code, $group_len)        AS area_code,
           sum(created)::BIGINT               AS created,
           sum(repeat_count)::BIGINT          AS repeat_count,
           sum(returned_count)::BIGINT        AS returned_count,
           sum(extended_count)::BIGINT        AS extended_count,
           sum(proactive_count)::BIGINT       AS proactive_count,
           sum(closed)::BIGINT                AS closed,
           sum(closed_on_time)::BIGINT        AS closed_on_time,
           sum(visited)::BIGINT               AS visited,
           sum(contacted)::BIGINT             AS contacted,
           sum(resolved)::BIGINT              AS resolved,
           sum(satisfied)::BIGINT             AS satisfied,
           sum(basic_satisfied)::BIGINT       AS basic_satisfied
    FROM daily
    GROUP BY 1
),
-- 办理时长的中位数与 P90（同 quantile_cont：第 q×(n−1) 位，位于两值之间时线性插值）。办理时长是整数个工作日，
-- 先数每个时长有几件，再从累计件数找到所需位置上的值，比逐件排序快数倍。
duration_counts AS (
    SELECT area_key(community_code, grid_code, $group_len) AS area_code, handling_workdays AS v, count(*) AS n
    FROM ticket_closing
    WHERE closed_key >= $start_ts AND closed_key < $end_ts AND starts_with(community_code, $scope)
      AND handling_workdays IS NOT NULL AND $with_durations
    GROUP BY 1, 2
),
duration_positions AS (
    SELECT area_code, v, sum(n) OVER (PARTITION BY area_code ORDER BY v) AS upto,
           sum(n) OVER (PARTITION BY area_code) - 1 AS last
    FROM duration_counts
),
durations AS (
    SELECT area_code,
           min(v) FILTER (WHERE upto > floor(0.5 * last)) + (0.5 * any_value(last) - floor(0.5 * any_value(last)))
               * (min(v) FILTER (WHERE upto > ceil(0.5 * last)) - min(v) FILTER (WHERE upto > floor(0.5 * last)))
                                                                               AS duration_median,
           min(v) FILTER (WHERE upto > floor(0.9 * last)) + (0.9 * any_value(last) - floor(0.9 * any_value(last)))
               * (min(v) FILTER (WHERE upto > ceil(0.9 * last)) - min(v) FILTER (WHERE upto > floor(0.9 * last)))
                                                                               AS duration_p90
    FROM duration_positions
    GROUP BY 1
),
open_at_end AS (
    SELECT area_key(community_code, grid_code, $group_len) AS area_code,
           count(*)                                                    AS backlog,
           count(*) FILTER (WHERE due_at < $end_ts)                    AS overdue,
           count(*) FILTER (WHERE due_at >= $end_ts AND due_at <= $due_soon_ts) AS due_soon
    FROM ticket_closing
    WHERE closed_key >= $end_ts AND created_at < $end_ts AND starts_with(community_code, $scope)
    GROUP BY 1
)
SELECT
    u.area_code, u.area_name, u.level, u.population,
    coalesce(d.created, 0)          AS created,
    coalesce(d.repeat_count, 0)     AS repeat_count,
    coalesce(d.returned_count, 0)   AS returned_count,
    coalesce(d.extended_count, 0)   AS extended_count,
    coalesce(d.proactive_count, 0)  AS proactive_count,
    coalesce(d.closed, 0)           AS closed,
    coalesce(d.closed_on_time, 0)   AS closed_on_time,
    coalesce(d.visited, 0)          AS visited,
    coalesce(d.contacted, 0)        AS contacted,
    coalesce(d.resolved, 0)         AS resolved,
    coalesce(d.satisfied, 0)        AS satisfied,
    coalesce(d.basic_satisfied, 0)  AS basic_satisfied,
    t.duration_median,
    t.duration_p90,
    coalesce(o.backlog, 0)          AS backlog,
    coalesce(o.overdue, 0)          AS overdue,
    coalesce(o.due_soon, 0)         AS due_soon,
    1000.0 * coalesce(d.created, 0) / nullif(u.population, 0)         AS per_1000,
    d.closed_on_time / nullif(d.closed, 0)                            AS on_time_rate,
    d.contacted / nullif(d.visited, 0)                                AS response_rate,
    d.resolved / nullif(d.visited, 0)                                 AS resolution_rate,
    (d.satisfied + $k * d.basic_satisfied) / nullif(d.visited, 0)     AS satisfaction_rate,
    100 * ($w_response * response_rate + $w_resolution * resolution_rate + $w_satisfaction * satisfaction_rate)
                                                                      AS composite_score,
    d.repeat_count / nullif(d.created, 0)                             AS repeat_rate,
    d.returned_count / nullif(d.created, 0)                           AS return_rate,
    d.extended_count / nullif(d.created, 0)                           AS extension_rate,
    d.proactive_count / nullif(d.created, 0)                          AS proactive_rate
FROM report_units($scope, $group_len) u
LEFT JOIN counts d USING (area_code)
LEFT JOIN durations t USING (area_code)
LEFT JOIN open_at_end o USING (area_code)
ORDER BY u.area_code
