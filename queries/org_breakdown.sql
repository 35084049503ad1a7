-- 社会组织构成（docs/domain.md「社会组织」）。
-- 回答：在 $at_date 这一天，范围 $scope 内存续的社会组织按组织类型、业务领域、有效评估等级各有多少个？
-- 参数：
--   $scope        范围代码前缀（'' 全市）
--   $at_date      统计日（通常为期末日）
--   $valid_years  评估等级有效年数：超过有效期的等级按“未评估”计
--   $high_rating  “高等级”的下限，如 '3A'：结果中标出哪些等级达到它
-- 返回：每个（维度, 类别）一行——dimension 为 legal_type（组织类型）、field（业务领域）或 rating（评估等级），
--       category 类别名称，orgs 组织数，expired 其中等级已过期（按未评估计）的组织数，
--       high 该等级是否达到 $high_rating，sort_key 显示顺序。
--       四种组织类型和 5A–1A、未评估六档总会返回（没有组织时为 0）；业务领域只返回有组织的。
-- 口径：与 org_metrics.sql 相同（存续与等级有效的规则见 macros.sql 的 org_active、rating_valid）。
WITH orgs AS (
    SELECT legal_type, field,
           CASE WHEN rating_valid(rating, rated_on, $at_date, $valid_years) THEN rating ELSE '未评估' END AS rating_now,
           rating IS NOT NULL AND rated_on <= $at_date
               AND NOT rating_valid(rating, rated_on, $at_date, $valid_years)                      AS expired
    FROM social_orgs
    WHERE org_active(registered_on, deregistered_on, $at_date)
      AND starts_with(coalesce(community_code, street_code, district_code), $scope)
),
types(category, sort_key) AS (
    VALUES ('社会团体', 1), ('社会服务机构', 2), ('基金会', 3), ('社区社会组织', 4)
),
ratings(category, sort_key) AS (
    VALUES ('5A', 1), ('4A', 2), ('3A', 3), ('2A', 4), ('1A', 5), ('未评估', 6)
),
by_type AS (
    SELECT 'legal_type' AS dimension, t.category, count(o.legal_type) AS orgs, 0 AS expired, false AS high, t.sort_key
    FROM types t LEFT JOIN orgs o ON o.legal_type = t.category
    GROUP BY ALL
),
by_field AS (
    SELECT 'field' AS dimension, field AS category, count(*) AS orgs, 0 AS expired, false AS high,
           row_number() OVER (ORDER BY count(*) DESC, field) AS sort_key
    FROM orgs
    GROUP BY field
),
by_rating AS (
    SELECT 'rating' AS dimension, r.category, count(o.rating_now) AS orgs,
           count(*) FILTER (WHERE o.expired) AS expired,
           coalesce(rating_stars(r.category) >= rating_stars($high_rating), false) AS high,
           r.sort_key
    FROM ratings r LEFT JOIN orgs o ON o.rating_now = r.category
    GROUP BY ALL
)
SELECT dimension, category, orgs, expired, high, sort_key FROM by_type
UNION ALL SELECT dimension, category, orgs, expired, high, sort_key FROM by_field
UNION ALL SELECT dimension, category, orgs, expired, high, sort_key FROM by_rating
ORDER BY dimension, sort_key
