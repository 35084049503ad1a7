-- 社区社会组织达标情况：每个社区/村（docs/domain.md「社会组织」）。
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
WITH status AS (
    SELECT * FROM community_org_status($scope, $at_date, $urban_target, $rural_target)
)
SELECT s.community_code, c.name AS community_name, s.kind, st.name AS street_name, d.name AS district_name,
       c.population,
       s.community_orgs,
       s.target,
       greatest(s.target - s.community_orgs, 0)  AS gap,
       s.community_orgs >= s.target              AS meets_target
FROM status s
JOIN areas c ON c.code = s.community_code
JOIN areas st ON st.code = c.parent_code
JOIN areas d ON d.code = st.parent_code
ORDER BY meets_target, gap DESC, s.community_code
