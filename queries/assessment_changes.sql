-- 居村考核与上一轮比较（docs/domain.md「居村考核」）——升档数、降档数的唯一定义。
-- 回答：范围 $scope（和/或它的每个下级区域）的社区/村在考核轮次 $round_id 中，与上一轮 $previous_round_id
--       相比有多少个升档、多少个降档、多少个等级不变？平均总分变了多少？（指标卡和下级排名一次问完）
-- 参数：
--   $scope              范围代码前缀（'' 全市）
--   $group_len          分组代码长度：length($scope) 时只返回范围合计，下一级长度按下级分组
--   $with_scope         按下级分组时是否也返回范围合计一行
--   $round_id           考核轮次编号
--   $previous_round_id  用来比较的上一轮编号（'' 表示没有上一轮：可比数为 0，升降档为 0）
--   $grade_names        等级名称列表，从高到低；低于最后一档为“不合格”
--   $grade_mins         对应分档线列表
-- 返回：范围合计和/或每个下级区域一行（范围合计在前，下级按代码排列）：assessed 本轮参评数、compared 两轮都参评的社区/村数（升降档的分母）、
--       assessment_upgraded、assessment_downgraded、grade_unchanged、avg_total_change（两轮都参评者的平均分变化）。
-- 口径：与 assessment_scores.sql 相同（两轮都按当前分档线定等级，升降档只看等级）。
WITH graded AS (
    SELECT * FROM committee_results($scope, $round_id, $previous_round_id, $grade_names, $grade_mins)
),
pairs AS (
    SELECT n.community_code, n.grade_level, p.grade_level AS previous_grade_level, (n.total - p.total)::DOUBLE AS total_change
    FROM (SELECT * FROM graded WHERE round_id = $round_id) n
    LEFT JOIN (SELECT * FROM graded WHERE round_id = $previous_round_id) p USING (community_code)
),
agg AS (  -- the scope's total (grouped_by_area = 1) and the child areas, in one grouping
    SELECT CASE WHEN grouped_by_area = 1 THEN $scope ELSE child END AS area_code,
           assessed, compared, assessment_upgraded, assessment_downgraded, grade_unchanged, avg_total_change
    FROM (SELECT left(community_code, $group_len)                                    AS child,
                 count(*)                                                            AS assessed,
                 count(previous_grade_level)                                         AS compared,
                 count(*) FILTER (WHERE grade_level < previous_grade_level)          AS assessment_upgraded,
                 count(*) FILTER (WHERE grade_level > previous_grade_level)          AS assessment_downgraded,
                 count(*) FILTER (WHERE grade_level = previous_grade_level)          AS grade_unchanged,
                 avg(total_change)                                                   AS avg_total_change,
                 grouping(child)                                                     AS grouped_by_area
          FROM pairs
          GROUP BY GROUPING SETS ((), (child)))
)
SELECT u.area_code, u.area_name, u.level,
       coalesce(a.assessed, 0)               AS assessed,
       coalesce(a.compared, 0)               AS compared,
       coalesce(a.assessment_upgraded, 0)    AS assessment_upgraded,
       coalesce(a.assessment_downgraded, 0)  AS assessment_downgraded,
       coalesce(a.grade_unchanged, 0)        AS grade_unchanged,
       a.avg_total_change
FROM report_rows($scope, $group_len, $with_scope, false) u
LEFT JOIN agg a USING (area_code)
ORDER BY length(u.area_code), u.area_code
