-- 社会组织名录（docs/domain.md「社会组织」）。
-- 回答：范围 $scope 内在 $at_date 存续（可选：含已注销）的社会组织有哪些？按名称搜索、按类型/领域/等级筛选。
-- 参数：
--   $scope                 范围代码前缀（'' 全市）
--   $at_date               统计日（通常为期末日）：登记晚于它的组织不列出；状态和等级按这一天判断
--   $valid_years           评估等级有效年数：超过有效期的等级显示为“已过期”，按未评估筛选
--   $name_contains         名称或统一社会信用代码中包含的文字（'' 不限）
--   $legal_type            组织类型（'' 不限）
--   $field                 业务领域（'' 不限）
--   $rating                有效评估等级：'5A'…'1A'，'未评估'（含已过期），'' 不限
--   $include_deregistered  true 时同时列出在 $at_date 之前已注销的组织
--   $limit                 最多返回的行数（NULL 不限）；total_rows 总是符合条件的全部组织数
-- 返回：每个组织一行，含所在区县、街道/乡镇、社区/村名称，状态（存续/已注销），有效等级和等级状态
--       （有效/已过期/未评估）。按状态、所在区域、名称排序。
WITH orgs AS (
    SELECT o.*,
           org_active(registered_on, deregistered_on, $at_date)                  AS active,
           rating_valid(rating, rated_on, $at_date, $valid_years)                AS rating_ok
    FROM social_orgs o
    WHERE registered_on <= $at_date
      AND starts_with(coalesce(community_code, street_code, district_code), $scope)
)
SELECT o.org_id, o.name, o.legal_type, o.field, o.registrar,
       d.name                                               AS district_name,
       s.name                                               AS street_name,
       c.name                                               AS community_name,
       o.registered_on, o.deregistered_on,
       CASE WHEN o.active THEN '存续' ELSE '已注销' END        AS status,
       o.rating, o.rated_on,
       CASE WHEN o.rating_ok THEN o.rating ELSE '未评估' END   AS rating_now,
       CASE WHEN o.rating_ok THEN '有效'
            WHEN o.rating IS NOT NULL AND o.rated_on <= $at_date THEN '已过期'
            ELSE '未评估' END                                  AS rating_status,
       coalesce(o.community_code, o.street_code, o.district_code) AS area_code,
       count(*) OVER ()                                       AS total_rows
FROM orgs o
LEFT JOIN districts d ON d.district_code = o.district_code
LEFT JOIN streets s ON s.street_code = o.street_code
LEFT JOIN communities c ON c.community_code = o.community_code
WHERE (o.active OR $include_deregistered)
  AND ($name_contains = '' OR contains(lower(o.name), lower($name_contains)) OR contains(o.org_id, $name_contains))
  AND ($legal_type = '' OR o.legal_type = $legal_type)
  AND ($field = '' OR o.field = $field)
  AND ($rating = '' OR (CASE WHEN o.rating_ok THEN o.rating ELSE '未评估' END) = $rating)
ORDER BY NOT o.active, area_code, o.name
LIMIT $limit
