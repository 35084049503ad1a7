-- 社区社会组织达标情况：每个社区/村（DESIGN §3.3）。
-- 回答：在 $at_date 这一天，范围 $scope 内每个社区/村有多少存续的社区社会组织？目标是多少（城市社区
--       $urban_target 个、农村社区即村 $rural_target 个）、差几个、是否达标？
-- 参数：
--   $scope         范围代码前缀（'' 全市）
--   $at_date       统计日（通常为期末日）
--   $urban_target  城市社区（居委会，类型“社区”）的社区社会组织目标数
--   $rural_target  农村社区（村委会，类型“村”）的社区社会组织目标数
-- 返回：范围内每个社区/村一行（没有社区社会组织的也返回 0）：所属街道/乡镇和区县名称、类型、人口、
--       community_orgs、target、gap（距目标还差几个，达标为 0）、meets_target。未达标的排在前面，差得多的在前。
-- 口径：只统计填到社区/村一级的社区社会组织（legal_type = '社区社会组织'）；只备案到街道/乡镇的无法落到
--       某个社区，不计入。存续规则见 macros.sql 的 org_active。
WITH communities AS (
    SELECT c.code AS community_code, c.name AS community_name, c.kind, c.population,
           s.name AS street_name, d.name AS district_name,
           CASE WHEN c.kind = '村' THEN $rural_target ELSE $urban_target END AS target
    FROM areas c
    JOIN areas s ON s.code = c.parent_code
    JOIN areas d ON d.code = s.parent_code
    WHERE c.level = 'community' AND starts_with(c.code, $scope)
),
counts AS (
    SELECT community_code, count(*) AS community_orgs
    FROM social_orgs
    WHERE legal_type = '社区社会组织' AND community_code IS NOT NULL
      AND org_active(registered_on, deregistered_on, $at_date) AND starts_with(community_code, $scope)
    GROUP BY 1
)
SELECT c.community_code, c.community_name, c.kind, c.street_name, c.district_name, c.population,
       coalesce(n.community_orgs, 0)                          AS community_orgs,
       c.target,
       greatest(c.target - coalesce(n.community_orgs, 0), 0)  AS gap,
       coalesce(n.community_orgs, 0) >= c.target              AS meets_target
FROM communities c
LEFT JOIN counts n USING (community_code)
ORDER BY meets_target, gap DESC, c.community_code
