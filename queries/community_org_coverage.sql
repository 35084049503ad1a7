-- 社区社会组织达标率（DESIGN §3.3）——社区社会组织达标率、社区平均社区社会组织数的唯一定义。
-- 回答：在 $at_date 这一天，范围 $scope（或它的每个下级区域）有多少社区/村、其中多少个的社区社会组织数
--       达到目标（城市社区 $urban_target 个、村 $rural_target 个）、平均每个社区/村有几个社区社会组织？
-- 参数：
--   $scope         范围代码前缀（'' 全市）
--   $group_len     分组代码长度：length($scope) 为范围合计，下一级长度按下级分组
--   $at_date       统计日（通常为期末日）
--   $urban_target  城市社区（居委会，类型“社区”）的社区社会组织目标数
--   $rural_target  农村社区（村委会，类型“村”）的社区社会组织目标数
-- 返回：每个区域一行：communities 社区/村数（urban_communities 城市社区、rural_communities 村）、
--       community_orgs_in_communities 落到社区/村的社区社会组织数、communities_meeting_target 达标数、
--       communities_below_target 未达标数、community_org_target_rate 达标率、community_orgs_per_community 平均数。
-- 口径：逐个社区/村的计数与 community_org_targets.sql 相同（只计填到社区/村一级的社区社会组织）。
WITH per AS (
    SELECT * FROM community_org_status($scope, $at_date, $urban_target, $rural_target)
),
agg AS (
    SELECT left(community_code, $group_len)                       AS area_code,
           count(*)                                               AS communities,
           count(*) FILTER (WHERE kind = '村')                     AS rural_communities,
           CAST(sum(community_orgs) AS BIGINT)                    AS community_orgs_in_communities,
           count(*) FILTER (WHERE community_orgs >= target)       AS communities_meeting_target
    FROM per
    GROUP BY 1
)
SELECT u.area_code, u.area_name, u.level,
       coalesce(a.communities, 0)                                   AS communities,
       coalesce(a.communities, 0) - coalesce(a.rural_communities, 0) AS urban_communities,
       coalesce(a.rural_communities, 0)                             AS rural_communities,
       coalesce(a.community_orgs_in_communities, 0)                 AS community_orgs_in_communities,
       coalesce(a.communities_meeting_target, 0)                    AS communities_meeting_target,
       coalesce(a.communities, 0) - coalesce(a.communities_meeting_target, 0) AS communities_below_target,
       a.communities_meeting_target / nullif(a.communities, 0)      AS community_org_target_rate,
       a.community_orgs_in_communities / nullif(a.communities, 0)   AS community_orgs_per_community
FROM report_units($scope, $group_len) u
LEFT JOIN agg a USING (area_code)
ORDER BY u.area_code
