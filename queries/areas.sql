-- 区域层级：所有区域的代码、层级、上级、名称、类型、人口与户数。
-- 回答：看板里有哪些区域、谁是谁的上级？用于筛选器、面包屑、下钻和地址校验。
-- 参数：无。结果很小（大城市约 4 万行），由 dashboard/core/areas.py 缓存。
SELECT code, level, parent_code, name, kind, population, households, area_km2
FROM areas
ORDER BY length(code), code
