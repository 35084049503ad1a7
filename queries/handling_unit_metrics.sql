-- 承办单位（工单的主办单位）指标：谁在一个数字背后。与 queries/ticket_metrics.sql 同一口径——受理类和办结类计数
-- （ticket_day_counts）、积压和超期的判定（open_at、overdue_at）、按期办结（on_time_closure、due_within）和各比率
-- （rate_of、satisfaction_of、composite_of）都是 queries/macros.sql 中的同一组宏，这里只把分组换成主办单位。
-- 回答：在期间 [$start_ts, $end_ts) 内，范围 $scope 内的工单按主办单位分组，各单位办结多少、按期办结率、三率与
--       综合得分各是多少？期末（$end_ts）积压、超期各多少件？只计范围内的工单：一个单位在范围外承办的工单不计入。
-- 参数：
--   $scope          范围代码前缀：'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村
--   $start_ts       期间开始（含）
--   $end_ts         期间结束（不含）；积压、超期按这一时点计算
--   $on_time_basis  按期办结率的口径：'due' 按应办结，'closed' 按已办结（同 ticket_metrics.sql）
--   $k              满意率中“基本满意”的折算系数
--   $w_response, $w_resolution, $w_satisfaction   三率综合得分权重
-- 返回：每个主办单位一行（handling_unit；未填主办单位的工单合为 handling_unit = '' 的一行），按单位名称排列；
--       min_code / max_code 为该单位在范围内这些工单所在社区/村代码的最小值和最大值（用于推定被督办区域）。
WITH counts AS (
    SELECT area_code                      AS handling_unit,
           sum(created)::BIGINT           AS created,
           sum(closed)::BIGINT            AS closed,
           sum(closed_on_time)::BIGINT    AS closed_on_time,
           sum(visited)::BIGINT           AS visited,
           sum(contacted)::BIGINT         AS contacted,
           sum(resolved)::BIGINT          AS resolved,
           sum(satisfied)::BIGINT         AS satisfied,
           sum(basic_satisfied)::BIGINT   AS basic_satisfied
    FROM ticket_day_counts($scope, -1, $start_ts, $end_ts)
    GROUP BY 1
),
-- 期末仍未办结的工单（积压）和其中已过办结时限的（超期）。
open_at_end AS (
    SELECT coalesce(handling_unit, '') AS handling_unit,
           count(*)                                          AS backlog,
           count(*) FILTER (WHERE overdue_at(due_at, $end_ts)) AS overdue
    FROM ticket_closing
    WHERE closed_key >= $end_ts AND open_at(created_at, closed_key, $end_ts) AND starts_with(community_code, $scope)
    GROUP BY 1
),
-- 按应办结口径：办结时限落在期间内的工单，其中在时限前办结的为按期办结。
due_in_period AS (
    SELECT coalesce(handling_unit, '') AS handling_unit,
           count(*)                                                   AS due,
           count(*) FILTER (WHERE on_time_closure(closed_at, due_at)) AS due_on_time
    FROM ticket_closing
    WHERE due_within(due_at, $start_ts, $end_ts) AND starts_with(community_code, $scope) AND $on_time_basis = 'due'
    GROUP BY 1
),
-- 每个单位在范围内的工单落在哪些社区/村：期间内受理或办结的，以及期末积压的。
places AS (
    SELECT coalesce(handling_unit, '') AS handling_unit, min(community_code) AS min_code, max(community_code) AS max_code
    FROM ticket_closing
    WHERE starts_with(community_code, $scope)
      AND ((created_at >= $start_ts AND created_at < $end_ts) OR (closed_key >= $start_ts AND closed_key < $end_ts)
           OR open_at(created_at, closed_key, $end_ts))
    GROUP BY 1
),
units AS (
    SELECT handling_unit FROM counts
    UNION SELECT handling_unit FROM open_at_end
    UNION SELECT handling_unit FROM due_in_period
)
SELECT
    u.handling_unit,
    p.min_code,
    p.max_code,
    coalesce(d.created, 0)          AS created,
    coalesce(d.closed, 0)           AS closed,
    coalesce(d.closed_on_time, 0)   AS closed_on_time,
    coalesce(d.visited, 0)          AS visited,
    coalesce(d.contacted, 0)        AS contacted,
    coalesce(d.resolved, 0)         AS resolved,
    coalesce(d.satisfied, 0)        AS satisfied,
    coalesce(d.basic_satisfied, 0)  AS basic_satisfied,
    coalesce(o.backlog, 0)          AS backlog,
    coalesce(o.overdue, 0)          AS overdue,
    coalesce(q.due, 0)              AS due,
    coalesce(q.due_on_time, 0)      AS due_on_time,
    on_time_basis_of($on_time_basis, coalesce(q.due_on_time, 0), coalesce(d.closed_on_time, 0)) AS on_time_num,
    on_time_basis_of($on_time_basis, coalesce(q.due, 0), coalesce(d.closed, 0))                 AS on_time_den,
    rate_of(on_time_num, on_time_den)                                 AS on_time_rate,
    rate_of(d.contacted, d.visited)                                   AS response_rate,
    rate_of(d.resolved, d.visited)                                    AS resolution_rate,
    satisfaction_of(d.satisfied, d.basic_satisfied, d.visited, $k)    AS satisfaction_rate,
    composite_of(response_rate, resolution_rate, satisfaction_rate, $w_response, $w_resolution, $w_satisfaction)
                                                                      AS composite_score
FROM units u
LEFT JOIN counts d USING (handling_unit)
LEFT JOIN open_at_end o USING (handling_unit)
LEFT JOIN due_in_period q USING (handling_unit)
LEFT JOIN places p USING (handling_unit)
ORDER BY u.handling_unit
