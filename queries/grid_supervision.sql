-- 网格员配备督查（DESIGN §3.2）的两份名单：没有在岗专职网格员的网格；户数不在合理范围内的综合网格。
-- 回答：范围 $scope 内哪些网格没有在岗专职网格员？哪些综合网格的户数少于 $low 或多于 $high？各有多少个？
-- 参数：
--   $scope  范围代码前缀（'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村）
--   $low, $high  综合网格的合理户数范围（config/settings.toml 的 [grids]）
--   $limit  每份名单最多返回几行（页面只画前若干行）；为空时返回全部（下载）
-- 返回：每份名单中的每个网格一行，list 为 'no_fulltime'（按网格编码）或 'household_outside'（户数多的在前），
--       row_no 为名单内序号；total_rows 为名单的总行数，below_rows 为其中户数少于 $low 的个数（均不受 $limit 影响）。
-- 口径：网格员配置为当前配置（数据截至时），只计在岗（active）网格员；配备数读 grid_staffing
--       （queries/macros.sql 的 grid_staff），与 grid_metrics.sql 的专职网格员配备率同一口径；
--       “不在合理范围”只看综合网格（专属网格如学校、园区不是居住网格），户数为空的不计。
--       workers（在岗网格员名单）只对没有专职网格员的网格给出。
WITH staffed AS (
    SELECT g.grid_code, g.kind, g.households,
           coalesce(st.fulltime_workers, 0) = 0 AS no_fulltime
    FROM grids g
    LEFT JOIN grid_staffing st USING (grid_code)
    WHERE starts_with(g.grid_code, $scope)
),
outside AS (
    SELECT grid_code, households
    FROM staffed
    WHERE kind = '综合网格' AND (households < $low OR households > $high)
),
totals AS (
    SELECT (SELECT count(*) FROM staffed WHERE no_fulltime)  AS no_fulltime_total,
           count(*)                                          AS outside_total,
           count(*) FILTER (WHERE households < $low)         AS outside_below
    FROM outside
),
first_rows AS (  -- each list's first $limit rows (a top-N, not a sort of the whole list)
    SELECT *, row_number() OVER (PARTITION BY list ORDER BY sort_key, grid_code) AS row_no
    FROM ((SELECT 'no_fulltime' AS list, grid_code, 0 AS sort_key
           FROM staffed WHERE no_fulltime
           ORDER BY grid_code LIMIT $limit)
          UNION ALL
          (SELECT 'household_outside', grid_code, -households
           FROM outside
           ORDER BY households DESC, grid_code LIMIT $limit))
)
SELECT l.list, l.row_no,
       CASE l.list WHEN 'no_fulltime' THEN t.no_fulltime_total ELSE t.outside_total END AS total_rows,
       CASE l.list WHEN 'no_fulltime' THEN 0 ELSE t.outside_below END                 AS below_rows,
       g.grid_code, g.name, g.kind, g.dedicated_type, g.households, g.population,
       c.name AS community_name, s.name AS street_name,
       coalesce(st.parttime_workers, 0) AS parttime_workers,
       CASE WHEN l.list = 'no_fulltime' THEN st.workers END AS workers
FROM first_rows l
CROSS JOIN totals t
JOIN grids g USING (grid_code)
JOIN communities c USING (community_code)
JOIN streets s ON s.street_code = g.street_code
LEFT JOIN grid_staffing st USING (grid_code)
ORDER BY l.list, l.row_no
