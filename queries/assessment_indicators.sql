-- 居村考核指标拆解（docs/domain.md「居村考核」）。
-- 回答：在考核轮次 $round_id 中，社区/村 $community_code 每项指标得了多少分？它所在街道/乡镇和全市的
--       参评社区/村在这项指标上平均多少分？每项指标的分值（权重）是多少？
-- 参数：
--   $round_id        考核轮次编号
--   $community_code  社区/村代码（12 位）；所在街道/乡镇取它的前 9 位
-- 返回：本轮指标体系中每项指标一行，按显示顺序：indicator_code、group_name（分组）、name、description、
--       max_score（分值即权重）、weight_share（占总分值比例）、score（该社区/村得分，未评为空）、
--       street_avg、city_avg（平均分，含该社区/村本身）、street_committees、city_committees（平均分的参评数）、
--       score_rate、street_rate、city_rate（得分率 = 得分 ÷ 分值，便于比较分值不同的指标）。
WITH indicators AS (
    SELECT * FROM assessment_indicators WHERE round_id = $round_id
),
scores AS (
    SELECT community_code, indicator_code, score FROM assessment_scores WHERE round_id = $round_id
)
SELECT i.indicator_code, i.group_name, i.name, i.description, i.max_score::DOUBLE AS max_score,
       i.max_score / sum(i.max_score) OVER ()                                                 AS weight_share,
       s.score_here::DOUBLE                                                                   AS score,
       s.street_avg, s.city_avg, coalesce(s.street_committees, 0) AS street_committees,
       coalesce(s.city_committees, 0) AS city_committees,
       s.score_here / nullif(i.max_score, 0)                                                  AS score_rate,
       s.street_avg / nullif(i.max_score, 0)                                                  AS street_rate,
       s.city_avg / nullif(i.max_score, 0)                                                    AS city_rate,
       i.sort_order
FROM indicators i
LEFT JOIN (
    SELECT indicator_code,
           max(score) FILTER (WHERE community_code = $community_code)                          AS score_here,
           avg(score) FILTER (WHERE starts_with(community_code, left($community_code, 9)))      AS street_avg,
           count(*) FILTER (WHERE starts_with(community_code, left($community_code, 9)))        AS street_committees,
           avg(score)                                                                          AS city_avg,
           count(*)                                                                            AS city_committees
    FROM scores
    GROUP BY indicator_code
) s USING (indicator_code)
ORDER BY i.sort_order NULLS LAST, i.indicator_code
