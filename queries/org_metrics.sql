-- 社会组织指标（docs/domain.md「社会组织」）——这些指标的唯一定义。
-- 回答：在 $at_date 这一天，范围 $scope（和/或它的每个下级区域）存续多少社会组织（其中在民政登记的多少）、每万人多少个（只计登记的社会团体、社会服务机构、基金会）、
--       有效评估等级在 $high_rating 及以上的有多少？范围本身在对比日 $compare_at_date 又是多少？
--       ——页面的指标卡和下级排名一次问完，只解析和规划一遍。
-- 参数：
--   $scope        范围代码前缀（'' 全市）
--   $group_len    分组代码长度：length($scope) 时只返回范围合计，下一级长度按下级分组
--   $with_scope   按下级分组时是否也返回范围合计一行
--   $at_date      统计日（通常为期末日）
--   $compare_at_date  对比期的统计日（对比期末日）；为空时不比较。对比日只返回范围合计
--   $valid_years  评估等级有效年数（过期视为未评估）
--   $high_rating  “高等级”的下限，如 '3A'
-- 返回：period = 'now'（统计日）时范围合计和/或每个下级区域一行，period = 'before'（对比日）时范围合计一行；
--       本期在前，范围合计在下级区域之前，下级按代码排列。
-- 口径：组织按住所所在的最细一级区域归属；只登记到区县的组织计入该区县及全市，不计入街道。
--       存续与等级有效的规则见 queries/macros.sql 的 org_active、rating_valid（社会组织各查询共用）。
WITH dates AS (  -- the days asked for; the comparison only when given
    SELECT * FROM (VALUES ('now', $at_date), ('before', $compare_at_date)) d(period, at_date)
    WHERE at_date IS NOT NULL
),
orgs AS (
    SELECT d.period, coalesce(o.community_code, o.street_code, o.district_code) AS area, o.legal_type,
           rating_valid(o.rating, o.rated_on, d.at_date, $valid_years)
               AND rating_stars(o.rating) >= rating_stars($high_rating) AS high_rating
    FROM social_orgs o
    JOIN dates d ON org_active(o.registered_on, o.deregistered_on, d.at_date)
    WHERE starts_with(coalesce(o.community_code, o.street_code, o.district_code), $scope)
),
agg AS (  -- the scope's total (grouped_by_area = 1) and the child areas, in one grouping
    SELECT period, CASE WHEN grouped_by_area = 1 THEN $scope ELSE child END AS area_code,
           orgs_active, orgs_registered, orgs_high_rating, community_orgs
    FROM (SELECT period, CASE WHEN length(area) >= $group_len THEN left(area, $group_len) END AS child,
                 count(*)                                                AS orgs_active,
                 count(*) FILTER (WHERE legal_type <> '社区社会组织')      AS orgs_registered,
                 count(*) FILTER (WHERE high_rating)                     AS orgs_high_rating,
                 count(*) FILTER (WHERE legal_type = '社区社会组织')       AS community_orgs,
                 grouping(child)                                         AS grouped_by_area
          FROM orgs
          GROUP BY GROUPING SETS ((period), (period, child)))
)
SELECT u.period, u.area_code, u.area_name, u.level, u.population,
       coalesce(a.orgs_active, 0)        AS orgs_active,
       coalesce(a.orgs_registered, 0)    AS orgs_registered,
       coalesce(a.orgs_high_rating, 0)   AS orgs_high_rating,
       coalesce(a.community_orgs, 0)     AS community_orgs,
       -- 每万人社会组织数 counts the organisations registered with 民政 (社会团体、社会服务机构、基金会);
       -- 社区社会组织 filed with the street are their own figure against their own target (docs/metrics.md).
       10000.0 * coalesce(a.orgs_registered, 0) / nullif(u.population, 0) AS orgs_per_10k,
       a.orgs_high_rating / nullif(a.orgs_active, 0)                  AS orgs_high_rating_share
FROM report_rows($scope, $group_len, $with_scope, $compare_at_date IS NOT NULL) u
LEFT JOIN agg a USING (period, area_code)
ORDER BY u.period DESC, length(u.area_code), u.area_code
