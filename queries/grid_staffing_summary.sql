-- 网格数与综合网格户数分布：范围内有多少网格，各综合网格各有多少户（一行）。
-- 回答：范围 $scope 内共有多少网格？各综合网格的户数（用于户数直方图；专属网格不是居住网格，不计）？
-- 参数：
--   $scope  范围代码前缀（'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村）
-- 返回：一行：grid_count 网格数；households 各综合网格的户数（户数为空的不计），按网格编码排列。
SELECT count(*)                                                                    AS grid_count,
       coalesce(list(households ORDER BY grid_code)
                FILTER (WHERE kind = '综合网格' AND households IS NOT NULL), [])   AS households
FROM grids
WHERE starts_with(grid_code, $scope)
