-- 重复诉求热点：期间内重复诉求最多的社区/村和网格。
-- 回答：范围 $scope 内，哪些社区/村、哪些网格在期间内的重复诉求最多？重复诉求占其受理量的多少？
--       两份排名读同一段工单，一次分组（GROUPING SETS）。
-- 参数：
--   $scope      范围代码前缀（'' 全市）
--   $start_ts   期间开始（含）
--   $end_ts     期间结束（不含）
--   $limit      每份排名返回前多少名
-- 返回：level = 'community'（社区/村）和 'grid'（网格）两份排名，各按重复诉求数从多到少；
--       未落到网格的工单只计入社区/村排名。
WITH agg AS (
    SELECT CASE WHEN grouping(grid_code) = 1 THEN 'community' ELSE 'grid' END AS level,
           coalesce(grid_code, community_code)  AS area_code,
           count(*) FILTER (WHERE is_repeat)    AS repeats,
           count(*)                             AS created
    FROM tickets
    WHERE created_at >= $start_ts AND created_at < $end_ts AND starts_with(community_code, $scope)
    GROUP BY GROUPING SETS ((community_code), (grid_code))
    HAVING grouping(grid_code) = 1 OR grid_code IS NOT NULL
)
SELECT a.level, a.area_code, x.name AS area_name, c.name AS community_name, s.name AS street_name,
       a.repeats, a.created, a.repeats / a.created AS repeat_share
FROM agg a
JOIN areas x ON x.code = a.area_code
JOIN communities c ON c.community_code = left(a.area_code, 12)
JOIN streets s ON s.street_code = left(a.area_code, 9)
WHERE a.repeats > 0
QUALIFY row_number() OVER (PARTITION BY a.level ORDER BY a.repeats DESC, repeat_share DESC, a.area_code) <= $limit
ORDER BY a.level, a.repeats DESC, repeat_share DESC, a.area_code
