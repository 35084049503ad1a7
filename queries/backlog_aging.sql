-- 积压账龄：期末仍未办结的工单，按一级分类和已办理的工作日数分段。
-- 回答：期末时点范围 $scope 内积压的工单，各一级分类中有多少已办理 ≤3、4–7、8–15、16–30、>30 个工作日？
-- 参数：
--   $scope    范围代码前缀（'' 全市）
--   $end_ts   期末时点（不含）：此刻仍未办结的工单计入积压
--   $age_seq  期末所在日的工作日序号（workday_calendar.workday_seq）；账龄 = $age_seq − 受理日序号
--   $bounds   账龄分段上限列表（工作日，递增），如 [3, 7, 15, 30]；返回的 bucket 为分段序号 0..len($bounds)
SELECT t.category_l1,
       len(list_filter($bounds, lambda b: $age_seq - c.workday_seq > b)) AS bucket,
       count(*) AS tickets
FROM ticket_closing t
JOIN workday_calendar c ON c.day = t.created_at::DATE
WHERE t.closed_key >= $end_ts AND t.created_at < $end_ts
  AND starts_with(t.community_code, $scope)
GROUP BY ALL
ORDER BY ALL
