-- 社会组织指标（DESIGN §3.3）——这些指标的唯一定义。
-- 回答：在 $at_date 这一天，范围 $scope（或它的每个下级区域）存续多少社会组织、每万人多少个、
--       有效评估等级在 $high_rating 及以上的有多少？
-- 参数：
--   $scope        范围代码前缀（'' 全市）
--   $group_len    分组代码长度：length($scope) 为范围合计，下一级长度按下级分组
--   $at_date      统计日（通常为期末日）
--   $valid_years  评估等级有效年数（过期视为未评估）
--   $high_rating  “高等级”的下限，如 '3A'
-- 口径：组织按住所所在的最细一级区域归属；只登记到区县的组织计入该区县及全市，不计入街道。
--       存续与等级有效的规则见 queries/macros.sql 的 org_active、rating_valid（社会组织各查询共用）。
WITH orgs AS (
    SELECT *, coalesce(community_code, street_code, district_code) AS area,
           rating_valid(rating, rated_on, $at_date, $valid_years)
               AND rating_stars(rating) >= rating_stars($high_rating) AS high_rating
    FROM social_orgs
    WHERE org_active(registered_on, deregistered_on, $at_date)
      AND starts_with(coalesce(community_code, street_code, district_code), $scope)
),
agg AS (
    SELECT left(area, $group_len)                                   AS area_code,
           count(*)                                                AS orgs_active,
           count(*) FILTER (WHERE high_rating)                     AS orgs_high_rating,
           count(*) FILTER (WHERE legal_type = '社区社会组织')       AS community_orgs
    FROM orgs
    WHERE length(area) >= $group_len
    GROUP BY 1
)
SELECT u.area_code, u.area_name, u.level, u.population,
       coalesce(a.orgs_active, 0)        AS orgs_active,
       coalesce(a.orgs_high_rating, 0)   AS orgs_high_rating,
       coalesce(a.community_orgs, 0)     AS community_orgs,
       10000.0 * coalesce(a.orgs_active, 0) / nullif(u.population, 0) AS orgs_per_10k,
       a.orgs_high_rating / nullif(a.orgs_active, 0)                  AS orgs_high_rating_share
FROM report_units($scope, $group_len) u
LEFT JOIN agg a USING (area_code)
ORDER BY u.area_code
