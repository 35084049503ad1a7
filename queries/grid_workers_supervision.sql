-- 一人多格督查（DESIGN §3.2）：范围内同时负责两个及以上网格的在岗网格员。
-- 回答：范围 $scope 内哪些网格员分管 2 个及以上网格？各分管哪些网格、属于哪些社区？
-- 参数：
--   $scope  范围代码前缀（'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村）；
--           网格员只要有一个分管网格在范围内即列出，分管网格全部列出（含范围外的）
-- 返回：每名网格员一行，按分管网格数从多到少排列。口径：当前配置，只计在岗（active）网格员。
-- 先数出一人多格的网格员，只为他们拼接网格和社区名称（拼接名称是最费时的部分）。
WITH per_worker AS (
    SELECT a.worker_id,
           count(DISTINCT a.grid_code)                 AS grid_count,
           bool_or(starts_with(a.grid_code, $scope))   AS in_scope,
           bool_or(a.duty = '网格长')                   AS is_leader
    FROM grid_assignments a
    GROUP BY 1
    HAVING grid_count >= 2 AND in_scope
),
names AS (
    SELECT a.worker_id,
           string_agg(DISTINCT g.name, '、' ORDER BY g.name)  AS grid_names,
           string_agg(DISTINCT c.name, '、' ORDER BY c.name)  AS community_names,
           count(DISTINCT g.community_code)                  AS community_count
    FROM grid_assignments a
    SEMI JOIN per_worker p ON p.worker_id = a.worker_id
    JOIN grids g USING (grid_code)
    JOIN communities c ON c.community_code = g.community_code
    GROUP BY 1
)
SELECT w.worker_id, w.name, w.employment, p.is_leader, p.grid_count, n.community_count,
       n.grid_names, n.community_names
FROM per_worker p
JOIN names n USING (worker_id)
JOIN grid_workers w USING (worker_id)
WHERE w.active
ORDER BY p.grid_count DESC, w.worker_id
