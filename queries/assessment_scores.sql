-- 居村考核：每个社区/村的成绩（docs/domain.md「居村考核」）——考核总分的唯一定义（总分 = 各指标得分之和）。
-- 回答：在考核轮次 $round_id 中，范围 $scope 内每个参评的社区/村总分多少、什么等级、在范围内排第几？
--       与上一轮 $previous_round_id 相比总分变了多少、等级是升了、降了还是不变？
-- 参数：
--   $scope              范围代码前缀（'' 全市）
--   $round_id           考核轮次编号
--   $previous_round_id  用来比较的上一轮编号（'' 表示没有上一轮）
--   $grade_names        等级名称列表，从高到低（如 ['优秀','合格','基本合格']）；低于最后一档为“不合格”
--   $grade_mins         对应分档线列表
-- 返回：每个参评社区/村一行，总分从高到低：area_code（社区/村代码）、area_name、area_kind（社区/村）、
--       所属街道/乡镇和区县、total、grade、grade_level（1 为最高档，不合格为档数 + 1）、rank（范围内名次，
--       并列同名次）、previous_total、previous_grade、previous_grade_level、total_change、
--       movement（升档 / 降档 / 等级不变 / 无上一轮成绩）。
-- 口径：两轮都按当前配置的分档线定等级（宏 grade_of），升降档只看等级，不看分数。
WITH graded AS (
    SELECT * FROM committee_results($scope, $round_id, $previous_round_id, $grade_names, $grade_mins)
),
now AS (SELECT * FROM graded WHERE round_id = $round_id),
prev AS (SELECT * FROM graded WHERE round_id = $previous_round_id)
SELECT n.community_code                  AS area_code,
       c.name                            AS area_name,
       c.kind                            AS area_kind,
       s.code                            AS street_code,
       s.name                            AS street_name,
       d.name                            AS district_name,
       n.total::DOUBLE                   AS total,  -- summed and graded as exact decimals, returned as a number
       n.grade,
       n.grade_level,
       rank() OVER (ORDER BY n.total DESC) AS rank,
       p.total::DOUBLE                   AS previous_total,
       p.grade                           AS previous_grade,
       p.grade_level                     AS previous_grade_level,
       (n.total - p.total)::DOUBLE       AS total_change,  -- exact: 0.1, not 0.09999999999999432
       CASE WHEN p.total IS NULL THEN '无上一轮成绩'
            WHEN n.grade_level < p.grade_level THEN '升档'
            WHEN n.grade_level > p.grade_level THEN '降档'
            ELSE '等级不变' END          AS movement
FROM now n
LEFT JOIN prev p USING (community_code)
LEFT JOIN areas c ON c.code = n.community_code
LEFT JOIN areas s ON s.code = c.parent_code
LEFT JOIN areas d ON d.code = s.parent_code
ORDER BY n.total DESC, n.community_code
