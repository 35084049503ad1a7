-- 考核轮次：所有轮次，按考核期结束日期排序。
-- 回答：有哪些考核轮次？哪一轮是某日之前最近公布的一轮、它的上一轮是哪一轮？
-- 参数：无。
SELECT round_id, name, kind, period_start, period_end, published_on,
       lag(round_id) OVER (PARTITION BY kind ORDER BY period_end) AS previous_round_id
FROM assessment_rounds
ORDER BY period_end, round_id
