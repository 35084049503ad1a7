-- 居村考核等级分布（docs/domain.md「居村考核」）。
-- 回答：在考核轮次 $round_id 和上一轮 $previous_round_id 中，范围 $scope 内各等级（优秀/合格/基本合格/不合格）
--       各有多少个社区/村？
-- 参数：
--   $scope              范围代码前缀（'' 全市）
--   $round_id           考核轮次编号
--   $previous_round_id  上一轮编号（'' 表示没有上一轮：previous_committees 全为 0）
--   $grade_names        等级名称列表，从高到低；低于最后一档为“不合格”
--   $grade_mins         对应分档线列表
-- 返回：每个等级一行（没有社区/村的等级也返回 0），从高到低：grade、grade_level、min_score（分档线，
--       不合格为空）、committees（本轮个数）、previous_committees（上一轮个数）。
WITH grades AS (
    SELECT unnest(list_append($grade_names, '不合格'))            AS grade,
           unnest(list_append($grade_mins, NULL))                AS min_score,
           unnest(range(1, len($grade_names) + 2))               AS grade_level
),
graded AS (
    SELECT round_id, grade
    FROM committee_results($scope, $round_id, $previous_round_id, $grade_names, $grade_mins)
)
SELECT g.grade, g.grade_level, g.min_score,
       count(t.round_id) FILTER (WHERE t.round_id = $round_id)           AS committees,
       count(t.round_id) FILTER (WHERE t.round_id = $previous_round_id)  AS previous_committees
FROM grades g
LEFT JOIN graded t USING (grade)
GROUP BY ALL
ORDER BY g.grade_level
