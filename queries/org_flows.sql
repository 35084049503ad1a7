-- 社会组织登记与注销趋势（docs/domain.md「社会组织」）。
-- 回答：从 $from_date 到 $to_date，范围 $scope 内每月（或每年）新登记/备案多少社会组织、注销多少？
-- 参数：
--   $scope      范围代码前缀（'' 全市）
--   $from_date  起始日（含）；第一个时间段从它所在的月（年）初开始
--   $to_date    截止日（含），通常为期末日
--   $bucket     时间粒度：'month' 按月，'year' 按年
-- 返回：每个时间段一行（没有登记和注销的时间段也返回 0）：bucket 时间段起始日、registered 新登记数、
--       deregistered 注销数、net 净增数。只统计 $from_date 至 $to_date 之间的日期。
-- 口径：组织按住所所在的最细一级区域归属（与 org_metrics.sql 相同）。
WITH buckets AS (
    SELECT CAST(unnest(generate_series(CAST(date_trunc($bucket, CAST($from_date AS DATE)) AS TIMESTAMP),
                                       CAST($to_date AS TIMESTAMP),
                                       CASE $bucket WHEN 'year' THEN INTERVAL 1 YEAR ELSE INTERVAL 1 MONTH END)) AS DATE) AS bucket
),
orgs AS (
    SELECT registered_on, deregistered_on
    FROM social_orgs
    WHERE starts_with(coalesce(community_code, street_code, district_code), $scope)
),
registered AS (
    SELECT CAST(date_trunc($bucket, registered_on) AS DATE) AS bucket, count(*) AS registered
    FROM orgs
    WHERE registered_on BETWEEN $from_date AND $to_date
    GROUP BY 1
),
deregistered AS (
    SELECT CAST(date_trunc($bucket, deregistered_on) AS DATE) AS bucket, count(*) AS deregistered
    FROM orgs
    WHERE deregistered_on BETWEEN $from_date AND $to_date
    GROUP BY 1
)
SELECT b.bucket,
       coalesce(r.registered, 0)                                 AS registered,
       coalesce(d.deregistered, 0)                               AS deregistered,
       coalesce(r.registered, 0) - coalesce(d.deregistered, 0)   AS net
FROM buckets b
LEFT JOIN registered r USING (bucket)
LEFT JOIN deregistered d USING (bucket)
ORDER BY b.bucket
