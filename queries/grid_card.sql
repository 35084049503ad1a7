-- 网格名片：一个网格的类型、户数、人口、面积，以及配备的网格员（专职/兼职、网格长）。
-- 回答：网格 $grid_code 是什么网格、多少户多少人、由谁负责？
-- 参数：
--   $grid_code  15 位网格编码
-- 返回：每名分配到该网格的网格员一行（没有网格员时返回一行，网格员列为空）；网格属性在每行重复。
-- 口径：网格员配置为当前配置（数据截至时）；已离岗（active = false）的网格员也列出并标明。
SELECT g.grid_code, g.name, g.kind, g.dedicated_type, g.households, g.population, g.area_km2,
       c.name AS community_name,
       w.worker_id, w.name AS worker_name, w.employment, a.duty, w.active
FROM grids g
JOIN communities c USING (community_code)
LEFT JOIN grid_assignments a ON a.grid_code = g.grid_code
LEFT JOIN grid_workers w ON w.worker_id = a.worker_id
WHERE g.grid_code = $grid_code
ORDER BY w.active DESC NULLS LAST, (a.duty = '网格长') DESC, (w.employment = '专职') DESC, w.worker_id
