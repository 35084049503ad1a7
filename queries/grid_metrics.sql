-- 网格与网格员配备指标（docs/domain.md「网格与网格员」）——这些指标的唯一定义。
-- 回答：范围 $scope（或它的每个下级区域）有多少网格、多少配有在岗专职网格员、综合网格平均多少户？
-- 参数：
--   $scope      范围代码前缀（'' 全市）
--   $group_len  分组代码长度：length($scope) 为范围合计，下一级长度（6/9/12/15）按下级分组
-- 口径：网格员配置为当前配置（数据截至时），不随期间变化；“有专职网格员”按 grid_staffing
--       （queries/macros.sql 的 grid_staff，只计在岗网格员）。
WITH agg AS (
    SELECT left(g.grid_code, $group_len)                             AS area_code,
           count(*)                                                  AS grid_count,
           count(*) FILTER (WHERE g.kind = '综合网格')                AS comprehensive_grids,
           count(*) FILTER (WHERE g.kind = '专属网格')                AS dedicated_grids,
           count(*) FILTER (WHERE s.fulltime_workers > 0)            AS grids_with_fulltime,
           sum(g.households) FILTER (WHERE g.kind = '综合网格')       AS comprehensive_households
    FROM grids g LEFT JOIN grid_staffing s USING (grid_code)
    WHERE starts_with(g.grid_code, $scope)
    GROUP BY 1
)
SELECT u.area_code, u.area_name, u.level,
       coalesce(a.grid_count, 0)            AS grid_count,
       coalesce(a.comprehensive_grids, 0)   AS comprehensive_grids,
       coalesce(a.dedicated_grids, 0)       AS dedicated_grids,
       coalesce(a.grids_with_fulltime, 0)   AS grids_with_fulltime,
       a.grids_with_fulltime / nullif(a.grid_count, 0)               AS fulltime_coverage,
       a.comprehensive_households / nullif(a.comprehensive_grids, 0) AS households_per_grid
FROM report_units($scope, $group_len) u
LEFT JOIN agg a USING (area_code)
ORDER BY u.area_code
