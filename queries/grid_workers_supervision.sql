-- 一人多格督查（docs/domain.md「网格与网格员」）：范围内同时负责两个及以上网格的在岗网格员。
-- 回答：范围 $scope 内哪些网格员分管 2 个及以上网格？各分管哪些网格、属于哪些社区？
-- 参数：
--   $scope  范围代码前缀（'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村）；
--           网格员只要有一个分管网格在范围内即列出，分管网格全部列出（含范围外的）
--   $limit  最多返回几行（页面只画前若干行；下载时为空，返回全部）
-- 返回：每名网格员一行，按分管网格数从多到少排列；total_rows 为符合条件的人数（不受 $limit 影响）。口径：当前配置，只计在岗（active）网格员。
-- 一人多格的口径见 queries/macros.sql 的 multi_grid_staff；构建时已生成 multi_grid_workers 表，这里只按范围筛选。
SELECT worker_id, name, employment, is_leader, grid_count, community_count, grid_names, community_names,
       count(*) OVER () AS total_rows
FROM multi_grid_workers
WHERE len(list_filter(grid_codes, lambda g: starts_with(g, $scope))) > 0
ORDER BY grid_count DESC, worker_id
LIMIT $limit
