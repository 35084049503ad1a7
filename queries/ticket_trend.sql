-- 工单受理与办结趋势。
-- 回答：期间内每天（或每周、每月）范围 $scope 受理多少工单、办结多少工单？没有工单的日子也返回 0。
-- 参数：
--   $scope     范围代码前缀（'' 全市）
--   $start_ts  期间开始（含）
--   $end_ts    期间结束（不含）
--   $bucket    时间粒度：'day' 按日，'week' 按周（周一开始），'month' 按月
WITH buckets AS (
    SELECT unnest(generate_series(date_trunc($bucket, $start_ts::TIMESTAMP), $end_ts::TIMESTAMP - INTERVAL 1 SECOND,
           CASE $bucket WHEN 'day' THEN INTERVAL 1 DAY WHEN 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 MONTH END)) AS bucket
),
-- 读取：ticket_daily（构建时由 queries/macros.sql 的 ticket_day_counts 生成的日汇总），按 daily_rows 选行。
counts AS (
    SELECT date_trunc($bucket, day)::TIMESTAMP AS bucket, sum(created)::BIGINT AS created, sum(closed)::BIGINT AS closed
    FROM daily_rows($scope, length($scope), $start_ts, $end_ts)
    GROUP BY 1
)
SELECT b.bucket, coalesce(c.created, 0) AS created, coalesce(c.closed, 0) AS closed
FROM buckets b
LEFT JOIN counts c USING (bucket)
ORDER BY b.bucket
