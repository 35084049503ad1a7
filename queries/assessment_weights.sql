-- 居村考核指标体系的权重（docs/domain.md「居村考核」：居民评议权重应不低于 70%）。
-- 回答：考核轮次 $round_id 的指标体系中，各指标分组的分值（权重）合计多少、占总分值多少？
--       居民评议分组 $resident_group 一共占多少？
-- 参数：
--   $round_id        考核轮次编号
--   $resident_group  居民评议分组的名称（配置 assessment.resident_evaluation_group，如 '居民评议'）
-- 返回：每个分组一行，按指标显示顺序：group_name、indicators（指标数）、weight（分值合计）、share（占总分值比例）、
--       is_resident（是否居民评议分组）、resident_share（居民评议占比，每行相同；没有该分组时为 0）、total_weight。
WITH groups AS (
    SELECT group_name, count(*) AS indicators, sum(max_score)::DOUBLE AS weight, min(sort_order) AS sort_key
    FROM assessment_indicators
    WHERE round_id = $round_id
    GROUP BY group_name
)
SELECT group_name, indicators, weight,
       weight / sum(weight) OVER ()                                                         AS share,
       group_name = $resident_group                                                         AS is_resident,
       coalesce(sum(weight) FILTER (WHERE group_name = $resident_group) OVER (), 0)
           / sum(weight) OVER ()                                                            AS resident_share,
       sum(weight) OVER ()                                                                  AS total_weight
FROM groups
ORDER BY sort_key NULLS LAST, group_name
