-- 工单核心指标（docs/domain.md「诉求工单」）——本文件是这些指标的唯一定义，指标说明见 dashboard/core/metrics.py。
-- 回答：在期间 [$start_ts, $end_ts) 内，范围 $scope（和/或它的每个下级区域）受理多少、办结多少、
--       按期办结率、三率与综合得分、重复/退单/延期率、办理时长，以及期末积压、超期、即将超期各是多少？
--       范围本身在对比期内又是多少？——页面的指标卡和下级排名一次问完，只解析和规划一遍。
-- 参数：
--   $scope        范围代码前缀：'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村
--   $group_len    分组代码长度：等于 length($scope) 时只返回范围合计；
--                 为下一级长度（6/9/12）时按下级区域分组；15 时按网格分组（用工单的 grid_code）
--   $with_scope   按下级分组时是否也返回范围合计一行
--   $start_ts     期间开始（含）
--   $end_ts       期间结束（不含），= min(期末次日 0 点, 数据截至时间)；积压、超期按这一时点计算。
--                 期末落在一天当中时（数据截至时点；或对比期截到同一时刻，见 Filters.bounds），最后这半天
--                 从工单本身计数，日汇总只取完整的日子
--   $due_soon_ts  即将超期的截止时点：期末所在日之后第 N 个工作日的 23:59:59
--   $k            满意率中“基本满意”的折算系数
--   $w_response, $w_resolution, $w_satisfaction   三率综合得分权重（合计为 1）
--   $compare_start_ts, $compare_end_ts, $compare_due_soon_ts
--                 对比期（环比/同比）的同样三个时点；为空时不比较。对比期只返回范围合计
--   $on_time_basis   按期办结率的口径：'due' 按应办结（办结时限落在期间内的工单，到期未办结的算未按期）；
--                 'closed' 按已办结（期间内办结的工单）。on_time_num / on_time_den 为所用口径的分子、分母
--   $with_durations  是否计算办理时长的中位数与 P90（只有诉求工单页的指标卡显示它们；不需要时为空，省去一次扫描）
-- 返回：period = 'now'（本期）时范围合计和/或每个下级区域一行（没有工单的下级区域也返回，计数为 0，比率为空）；
--       period = 'before'（对比期）时范围合计一行。本期在前，范围合计在下级区域之前，下级按代码排列。
-- 口径：受理类指标按受理时间落在期间内；办结类和三率按办结时间落在期间内（三率只计有效回访）；
--       积压类按期末时点仍未办结。
-- 读取：受理类和办结类计数的定义在 queries/macros.sql 的 ticket_day_counts；积压、超期、按期办结的判定和各比率
--       也是那里的宏（open_at、overdue_at、on_time_closure、rate_of、satisfaction_of、composite_of），
--       按承办单位分组的 queries/handling_unit_metrics.sql 用的是同样的宏。范围合计和按区县、街道、社区分组时
--       把 ticket_daily（构建时由它生成的日汇总，按 daily_rows 选行）中期间内的日子相加；按网格分组时直接调用它。
--       办理时长的中位数和积压类读 ticket_closing（按办结时间存放，未办结的在最后），只需读取一段连续的数据块；
--       两个期间一起读，范围合计与下级区域用 GROUPING SETS 一次分组。
WITH periods AS (  -- the periods asked for; the comparison only when given
    SELECT * FROM (VALUES ('now', $start_ts, $end_ts, $due_soon_ts),
                          ('before', $compare_start_ts, $compare_end_ts, $compare_due_soon_ts))
                  p(period, start_ts, end_ts, due_soon_ts)
    WHERE start_ts IS NOT NULL
),
daily AS (
    SELECT p.period, $scope AS area_code, created, repeat_count, returned_count, extended_count, proactive_count,
           closed, closed_on_time, visited, contacted, resolved, satisfied, basic_satisfied
    FROM daily_rows($scope, length($scope), least($start_ts, coalesce($compare_start_ts, $start_ts)),
                    greatest($end_ts, coalesce($compare_end_ts, $end_ts))) d
    JOIN periods p ON d.day >= p.start_ts AND d.day + INTERVAL 1 DAY <= p.end_ts
    UNION ALL
    SELECT 'now', left(area_code, $group_len), created, repeat_count, returned_count, extended_count, proactive_count,
           closed, closed_on_time, visited, contacted, resolved, satisfied, basic_satisfied
    FROM daily_rows($scope, $group_len, $start_ts, $end_ts)
    WHERE $group_len > length($scope) AND $group_len < 15 AND day + INTERVAL 1 DAY <= $end_ts
    UNION ALL
    -- A period that ends during a day (at the data moment, or a comparison cut at the same time of day) counts
    -- its last, partial day from the tickets themselves: the day totals would count the whole day.
    SELECT 'now', $scope, created, repeat_count, returned_count, extended_count, proactive_count,
           closed, closed_on_time, visited, contacted, resolved, satisfied, basic_satisfied
    FROM ticket_day_counts($scope, length($scope), greatest(date_trunc('day', $end_ts), $start_ts), $end_ts)
    WHERE date_trunc('day', $end_ts) < $end_ts
    UNION ALL
    SELECT 'before', $scope, created, repeat_count, returned_count, extended_count, proactive_count,
           closed, closed_on_time, visited, contacted, resolved, satisfied, basic_satisfied
    FROM ticket_day_counts($scope, length($scope),
                           greatest(date_trunc('day', $compare_end_ts::TIMESTAMP), $compare_start_ts::TIMESTAMP),
                           $compare_end_ts::TIMESTAMP)
    WHERE $compare_end_ts IS NOT NULL AND date_trunc('day', $compare_end_ts::TIMESTAMP) < $compare_end_ts
    UNION ALL
    SELECT 'now', area_code, created, repeat_count, returned_count, extended_count, proactive_count,
           closed, closed_on_time, visited, contacted, resolved, satisfied, basic_satisfied
    FROM ticket_day_counts($scope, $group_len, greatest(date_trunc('day', $end_ts), $start_ts), $end_ts)
    WHERE $group_len > length($scope) AND $group_len < 15 AND date_trunc('day', $end_ts) < $end_ts
    UNION ALL
    SELECT 'now', area_code, created, repeat_count, returned_count, extended_count, proactive_count,
           closed, closed_on_time, visited, contacted, resolved, satisfied, basic_satisfied
    FROM ticket_day_counts($scope, 15, $start_ts, $end_ts)
    WHERE $group_len = 15
),
counts AS (
    SELECT period, area_code,
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
    GROUP BY 1, 2
),
-- 办理时长的中位数与 P90（同 quantile_cont：第 q×(n−1) 位，位于两值之间时线性插值）。办理时长是整数个工作日，
-- 先数每个时长有几件，再从累计件数找到所需位置上的值，比逐件排序快数倍。范围合计（grouped_by_area = 1）与
-- 下级区域一次分组。
duration_counts AS (
    SELECT period, CASE WHEN grouped_by_area = 1 THEN $scope ELSE k END AS area_code, v, n
    FROM (SELECT p.period, area_key(t.community_code, t.grid_code, $group_len) AS k, t.handling_workdays AS v,
                 count(*) AS n, grouping(area_key(t.community_code, t.grid_code, $group_len)) AS grouped_by_area
          FROM ticket_closing t
          JOIN periods p ON t.closed_key >= p.start_ts AND t.closed_key < p.end_ts
          WHERE t.closed_key >= least($start_ts, coalesce($compare_start_ts, $start_ts))
            AND t.closed_key < greatest($end_ts, coalesce($compare_end_ts, $end_ts))
            AND starts_with(t.community_code, $scope) AND t.handling_workdays IS NOT NULL AND $with_durations
          GROUP BY GROUPING SETS ((p.period, v), (p.period, k, v)))
),
duration_positions AS (
    SELECT period, area_code, v, sum(n) OVER (PARTITION BY period, area_code ORDER BY v) AS upto,
           sum(n) OVER (PARTITION BY period, area_code) - 1 AS last
    FROM duration_counts
),
durations AS (
    SELECT period, area_code,
           min(v) FILTER (WHERE upto > floor(0.5 * last)) + (0.5 * any_value(last) - floor(0.5 * any_value(last)))
               * (min(v) FILTER (WHERE upto > ceil(0.5 * last)) - min(v) FILTER (WHERE upto > floor(0.5 * last)))
                                                                               AS duration_median,
           min(v) FILTER (WHERE upto > floor(0.9 * last)) + (0.9 * any_value(last) - floor(0.9 * any_value(last)))
               * (min(v) FILTER (WHERE upto > ceil(0.9 * last)) - min(v) FILTER (WHERE upto > floor(0.9 * last)))
                                                                               AS duration_p90
    FROM duration_positions
    GROUP BY 1, 2
),
-- 期末仍未办结的工单：每个期间按其期末时点计，范围合计与下级区域一次分组。
open_at_end AS (
    SELECT period, CASE WHEN grouped_by_area = 1 THEN $scope ELSE k END AS area_code, backlog, overdue, due_soon
    FROM (SELECT p.period, area_key(t.community_code, t.grid_code, $group_len) AS k,
                 count(*)                                                            AS backlog,
                 count(*) FILTER (WHERE overdue_at(t.due_at, p.end_ts))              AS overdue,
                 count(*) FILTER (WHERE t.due_at >= p.end_ts AND t.due_at <= p.due_soon_ts) AS due_soon,
                 grouping(area_key(t.community_code, t.grid_code, $group_len))       AS grouped_by_area
          FROM ticket_closing t
          JOIN periods p ON open_at(t.created_at, t.closed_key, p.end_ts)
          WHERE t.closed_key >= least($end_ts, coalesce($compare_end_ts, $end_ts))
            AND starts_with(t.community_code, $scope)
          GROUP BY GROUPING SETS ((p.period), (p.period, k)))
),
-- 按应办结口径：办结时限落在期间内的工单（不论是否办结、何时受理），其中在时限前办结的为按期办结。
-- 到期仍未办结（或超时才办结）的工单都算未按期：拖着不办不能保护办结率。
due_in_period AS (
    SELECT period, CASE WHEN grouped_by_area = 1 THEN $scope ELSE k END AS area_code, due, due_on_time
    FROM (SELECT p.period, area_key(t.community_code, t.grid_code, $group_len) AS k,
                 count(*)                                                         AS due,
                 count(*) FILTER (WHERE on_time_closure(t.closed_at, t.due_at))   AS due_on_time,
                 grouping(area_key(t.community_code, t.grid_code, $group_len))    AS grouped_by_area
          FROM ticket_closing t
          JOIN periods p ON due_within(t.due_at, p.start_ts, p.end_ts)
          WHERE starts_with(t.community_code, $scope) AND $on_time_basis = 'due'
          GROUP BY GROUPING SETS ((p.period), (p.period, k)))
)
SELECT
    u.period, u.area_code, u.area_name, u.level, u.population,
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
    coalesce(q.due, 0)              AS due,
    coalesce(q.due_on_time, 0)      AS due_on_time,
    on_time_basis_of($on_time_basis, coalesce(q.due_on_time, 0), coalesce(d.closed_on_time, 0)) AS on_time_num,
    on_time_basis_of($on_time_basis, coalesce(q.due, 0), coalesce(d.closed, 0))                 AS on_time_den,
    1000.0 * coalesce(d.created, 0) / nullif(u.population, 0)         AS per_1000,
    rate_of(on_time_num, on_time_den)                                 AS on_time_rate,
    rate_of(d.contacted, d.visited)                                   AS response_rate,
    rate_of(d.resolved, d.visited)                                    AS resolution_rate,
    satisfaction_of(d.satisfied, d.basic_satisfied, d.visited, $k)    AS satisfaction_rate,
    composite_of(response_rate, resolution_rate, satisfaction_rate, $w_response, $w_resolution, $w_satisfaction)
                                                                      AS composite_score,
    d.repeat_count / nullif(d.created, 0)                             AS repeat_rate,
    d.returned_count / nullif(d.created, 0)                           AS return_rate,
    d.extended_count / nullif(d.created, 0)                           AS extension_rate,
    d.proactive_count / nullif(d.created, 0)                          AS proactive_rate
FROM report_rows($scope, $group_len, $with_scope, $compare_start_ts IS NOT NULL) u
LEFT JOIN counts d USING (period, area_code)
LEFT JOIN durations t USING (period, area_code)
LEFT JOIN open_at_end o USING (period, area_code)
LEFT JOIN due_in_period q USING (period, area_code)
ORDER BY u.period DESC, length(u.area_code), u.area_code
