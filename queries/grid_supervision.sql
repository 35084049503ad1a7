-- 网格员配备督查（docs/domain.md「网格与网格员」）：范围内每个网格的类型、户数、人口和在岗网格员配备情况。
-- 回答：范围 $scope 内哪些网格没有在岗专职网格员？每个网格有多少户、几名专职/兼职网格员、有没有网格长？
-- 参数：
--   $scope  范围代码前缀（'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村）
-- 返回：每个网格一行。口径：网格员配置为当前配置（数据截至时），只计在岗（active）网格员；
--       配备数读 grid_staffing（queries/macros.sql 的 grid_staff），与 grid_metrics.sql 的专职网格员配备率同一口径。
--       workers（在岗网格员名单）只对没有专职网格员的网格给出（督查表只列这些网格）。
SELECT g.grid_code, g.name, g.kind, g.dedicated_type, g.households, g.population,
       g.community_code, c.name AS community_name, s.name AS street_name,
       coalesce(st.fulltime_workers, 0) AS fulltime_workers,
       coalesce(st.parttime_workers, 0) AS parttime_workers,
       coalesce(st.grid_leaders, 0)     AS grid_leaders,
       CASE WHEN coalesce(st.fulltime_workers, 0) = 0 THEN st.workers END AS workers
FROM grids g
JOIN communities c USING (community_code)
JOIN streets s ON s.street_code = g.street_code
LEFT JOIN grid_staffing st USING (grid_code)
WHERE starts_with(g.grid_code, $scope)
ORDER BY g.grid_code
