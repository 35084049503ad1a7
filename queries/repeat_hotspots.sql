-- 重复诉求热点：期间内重复诉求最多的社区/村或网格。
-- 回答：范围 $scope 内，哪些社区/村（或网格）在期间内的重复诉求最多？重复诉求占其受理量的多少？
-- 参数：
--   $scope      范围代码前缀（'' 全市）
--   $start_ts   期间开始（含）
--   $end_ts     期间结束（不含）
--   $group_len  12 按社区/村，15 按网格（未落到网格的工单不计入网格排名）
--   $limit      返回前多少名
WITH agg AS (
    SELECT area_key(community_code, grid_code, $group_len) AS area_code,
           count(*) FILTER (WHERE is_repeat) AS repeats,
           count(*)                          AS created
    FROM tickets
    WHERE created_at >= $start_ts AND created_at < $end_ts AND starts_with(community_code, $scope)
    GROUP BY 1
)
SELECT a.area_code, x.name AS area_name, c.name AS community_name, s.name AS street_name,
       a.repeats, a.created, a.repeats / a.created AS repeat_share
FROM agg a
JOIN areas x ON x.code = a.area_code
JOIN communities c ON c.community_code = left(a.area_code, 12)
JOIN streets s ON s.street_code = left(a.area_code, 9)
WHERE a.repeats > 0
ORDER BY a.repeats DESC, repeat_share DESC, a.area_code
LIMIT $limit
