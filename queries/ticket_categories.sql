-- 诉求分类：期间内受理的工单按一级、二级分类的数量。
-- 回答：范围 $scope 在期间内受理的诉求主要是什么问题？每个一级、二级分类各多少件、其中重复诉求多少件？
-- 参数：
--   $scope     范围代码前缀（'' 全市）
--   $start_ts  期间开始（含）
--   $end_ts    期间结束（不含）
SELECT category_l1, category_l2, count(*) AS tickets, count(*) FILTER (WHERE is_repeat) AS repeats
FROM tickets
WHERE created_at >= $start_ts AND created_at < $end_ts AND starts_with(community_code, $scope)
GROUP BY ALL
ORDER BY tickets DESC, category_l1, category_l2
