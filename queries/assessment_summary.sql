-- 居村考核汇总（docs/domain.md「居村考核」）——考核平均分、不合格数、优秀数、优秀率的唯一定义。
-- 回答：在考核轮次 $round_id 中，范围 $scope（和/或它的每个下级区域）有多少社区/村参评、平均分多少、
--       各等级多少个、不合格多少个、最高一档（优秀）多少个、优秀率多少？范围本身在上一轮 $compare_round_id
--       又是多少？——页面的指标卡和下级排名一次问完，只解析和规划一遍。
-- 参数：
--   $scope        范围代码前缀（'' 全市）
--   $group_len    分组代码长度：length($scope) 时只返回范围合计，下一级长度按下级分组
--   $with_scope   按下级分组时是否也返回范围合计一行
--   $round_id     考核轮次编号
--   $compare_round_id  用来比较的轮次（通常为上一轮）；为空时不比较。比较轮次只返回范围合计
--   $grade_names  等级名称列表，从高到低（如 ['优秀','合格','基本合格']）；低于最后一档为“不合格”
--   $grade_mins   对应分档线列表
-- 返回：period = 'now'（本轮）时范围合计和/或每个下级区域一行，period = 'before'（比较轮次）时范围合计一行；
--       本轮在前，范围合计在下级区域之前，下级按代码排列。等级按当前分档线评定（queries/macros.sql 的 grade_of）。
WITH rounds AS (  -- the rounds asked for; the comparison only when given
    SELECT * FROM (VALUES ('now', $round_id), ('before', $compare_round_id)) r(period, round_id)
    WHERE round_id IS NOT NULL
),
graded AS (
    SELECT r.period, g.*
    FROM committee_results($scope, $round_id, coalesce($compare_round_id, $round_id), $grade_names, $grade_mins) g
    JOIN rounds r USING (round_id)
),
agg AS (  -- the scope's total (grouped_by_area = 1) and the child areas, in one grouping
    SELECT period, CASE WHEN grouped_by_area = 1 THEN $scope ELSE child END AS area_code,
           assessed, assessment_avg, assessment_failed, assessment_excellent
    FROM (SELECT period, left(community_code, $group_len)             AS child,
                 count(*)                                             AS assessed,
                 avg(total)                                           AS assessment_avg,
                 count(*) FILTER (WHERE grade = '不合格')              AS assessment_failed,
                 count(*) FILTER (WHERE grade = $grade_names[1])      AS assessment_excellent,
                 grouping(child)                                      AS grouped_by_area
          FROM graded
          GROUP BY GROUPING SETS ((period), (period, child)))
)
SELECT u.period, u.area_code, u.area_name, u.level,
       coalesce(a.assessed, 0)          AS assessed,
       a.assessment_avg,
       coalesce(a.assessment_failed, 0) AS assessment_failed,
       coalesce(a.assessment_excellent, 0)                  AS assessment_excellent,
       a.assessment_excellent / nullif(a.assessed, 0)       AS assessment_excellent_rate
FROM report_rows($scope, $group_len, $with_scope, $compare_round_id IS NOT NULL) u
LEFT JOIN agg a USING (period, area_code)
ORDER BY u.period DESC, length(u.area_code), u.area_code
