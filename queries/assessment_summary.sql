-- 居村考核汇总（DESIGN §3.4）——考核平均分、不合格数、优秀数、优秀率的唯一定义。
-- 回答：在考核轮次 $round_id 中，范围 $scope（或它的每个下级区域）有多少社区/村参评、平均分多少、
--       各等级多少个、不合格多少个、最高一档（优秀）多少个、优秀率多少？
-- 参数：
--   $scope        范围代码前缀（'' 全市）
--   $group_len    分组代码长度：length($scope) 为范围合计，下一级长度按下级分组
--   $round_id     考核轮次编号
--   $grade_names  等级名称列表，从高到低（如 ['优秀','合格','基本合格']）；低于最后一档为“不合格”
--   $grade_mins   对应分档线列表
WITH graded AS (
    SELECT * FROM committee_results($scope, $round_id, $round_id, $grade_names, $grade_mins)
),
agg AS (
    SELECT left(community_code, $group_len) AS area_code,
           count(*)                                   AS assessed,
           avg(total)                                 AS assessment_avg,
           count(*) FILTER (WHERE grade = '不合格')    AS assessment_failed,
           count(*) FILTER (WHERE grade = $grade_names[1]) AS assessment_excellent
    FROM graded
    GROUP BY 1
)
SELECT u.area_code, u.area_name, u.level,
       coalesce(a.assessed, 0)          AS assessed,
       a.assessment_avg,
       coalesce(a.assessment_failed, 0) AS assessment_failed,
       coalesce(a.assessment_excellent, 0)                  AS assessment_excellent,
       a.assessment_excellent / nullif(a.assessed, 0)       AS assessment_excellent_rate
FROM report_units($scope, $group_len) u
LEFT JOIN agg a USING (area_code)
ORDER BY u.area_code
