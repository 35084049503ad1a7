-- 区域边界：某一级区域在范围内的全部多边形（WGS-84，WKB），供网格地图和覆盖检查使用。
-- 回答：范围 $scope 之内，代码长度为 $level_len 的那一级区域（区县/街道/社区/网格）各是什么形状？
-- 参数：
--   $scope      范围代码前缀（'' 全市，6 位区县，9 位街道/乡镇，12 位社区/村）
--   $level_len  要取的区域级别的代码长度：6 区县，9 街道/乡镇，12 社区/村，15 网格
--               （下一级即 length($scope) 的下一级；覆盖检查取 12 和 15）
-- 返回：code, parent_code, name, geom（每级表各自存储的边界，不在查询时拼合）。
SELECT district_code AS code, '' AS parent_code, name, geom
FROM districts WHERE $level_len = 6 AND starts_with(district_code, $scope)
UNION ALL
SELECT street_code, district_code, name, geom
FROM streets WHERE $level_len = 9 AND starts_with(street_code, $scope)
UNION ALL
SELECT community_code, street_code, name, geom
FROM communities WHERE $level_len = 12 AND starts_with(community_code, $scope)
UNION ALL
SELECT grid_code, community_code, name, geom
FROM grids WHERE $level_len = 15 AND starts_with(grid_code, $scope)
ORDER BY code
