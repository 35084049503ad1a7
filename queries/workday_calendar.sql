-- 工作日历：数据库构建时按法定节假日与调休生成的日历。
-- 回答：某天是否工作日、截至某天累计多少个工作日？用于期末账龄与“即将超期”时点。
-- 参数：无。
SELECT day, is_workday, workday_seq, holiday_name, source
FROM workday_calendar
ORDER BY day
