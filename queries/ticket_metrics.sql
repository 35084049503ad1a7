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
-- 返回：每个区域一行（没有工单的下级区域也返回，计数为 0，比率为空）。
-- 口径：受理类指标按受理时间落在期间内；办结类和三率按办结时间落在期间内（三率只计有效回访）；
--       积压类按期末时点仍未办结。受理类读 tickets（按受理时间存放），办结类和积压类读 ticket_closing
--       （按办结时间存放，未办结的在最后），各自只需读取一段连续的数据块。
WITH created AS (
    SELECT area_key(community_code, grid_code, $group_len) AS area_code,
           count(*)                                   AS created,
           count(*) FILTER (WHERE is_repeat)          AS repeat_count,
           count(*) FILTER (WHERE return_count > 0)   AS returned_count,
           count(*) FILTER (WHERE extension_count > 0) AS extended_count,
           count(*) FILTER (WHERE is_proactive)       AS proactive_count
    FROM tickets
    WHERE created_at >= $start_ts AND created_at < $end_ts AND starts_with(community_code, $scope)
    GROUP BY 1
),
closed AS (
    SELECT area_key(community_code, grid_code, $group_len) AS area_code,
           count(*)                                                     AS closed,
           count(*) FILTER (WHERE closed_at <= due_at)                  AS closed_on_time,
           count(*) FILTER (WHERE visited)                              AS visited,
           count(*) FILTER (WHERE visited AND contacted)                AS contacted,
           count(*) FILTER (WHERE visited AND resolved)                 AS resolved,
           count(*) FILTER (WHERE visited AND satisfaction = '满意')     AS satisfied,
           count(*) FILTER (WHERE visited AND satisfaction = '基本满意') AS basic_satisfied,
           median(handling_workdays)                                    AS duration_median,
           quantile_cont(handling_workdays, 0.9)                        AS duration_p90
    FROM ticket_closing
    WHERE closed_key >= $start_ts AND closed_key < $end_ts AND starts_with(community_code, $scope)
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
    coalesce(c.created, 0)          AS created,
    coalesce(c.repeat_count, 0)     AS repeat_count,
    coalesce(c.returned_count, 0)   AS returned_count,
    coalesce(c.extended_count, 0)   AS extended_count,
    coalesce(c.proactive_count, 0)  AS proactive_count,
    coalesce(d.closed, 0)           AS closed,
    coalesce(d.closed_on_time, 0)   AS closed_on_time,
    coalesce(d.visited, 0)          AS visited,
    coalesce(d.contacted, 0)        AS contacted,
    coalesce(d.resolved, 0)         AS resolved,
    coalesce(d.satisfied, 0)        AS satisfied,
    coalesce(d.basic_satisfied, 0)  AS basic_satisfied,
    d.duration_median,
    d.duration_p90,
    coalesce(o.backlog, 0)          AS backlog,
    coalesce(o.overdue, 0)          AS overdue,
    coalesce(o.due_soon, 0)         AS due_soon,
    1000.0 * coalesce(c.created, 0) / nullif(u.population, 0)         AS per_1000,
    d.closed_on_time / nullif(d.closed, 0)                            AS on_time_rate,
    d.contacted / nullif(d.visited, 0)                                AS response_rate,
    d.resolved / nullif(d.visited, 0)                                 AS resolution_rate,
    (d.satisfied + $k * d.basic_satisfied) / nullif(d.visited, 0)     AS satisfaction_rate,
    100 * ($w_response * response_rate + $w_resolution * resolution_rate + $w_satisfaction * satisfaction_rate)
                                                                      AS composite_score,
    c.repeat_count / nullif(c.created, 0)                             AS repeat_rate,
    c.returned_count / nullif(c.created, 0)                           AS return_rate,
    c.extended_count / nullif(c.created, 0)                           AS extension_rate,
    c.proactive_count / nullif(c.created, 0)                          AS proactive_rate
FROM report_units($scope, $group_len) u
LEFT JOIN created c USING (area_code)
LEFT JOIN closed d USING (area_code)
LEFT JOIN open_at_end o USING (area_code)
ORDER BY u.area_code
