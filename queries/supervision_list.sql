-- 督办清单：期末时点已超期或即将超期的未办结工单明细。
-- 回答：范围 $scope 内有哪些工单在期末仍未办结且已过办结时限，或将在 $due_soon_ts 前到期？超期最久的排在前面，
--       时限相同的按受理先后。先在 ticket_closing 中挑出工单（只读期末仍未办结的一段），再按它在 ticket_closing
--       中的行号取回明细（同一段数据，不必扫描别处）。
-- 参数：
--   $scope        范围代码前缀（'' 全市）
--   $end_ts       期末时点（不含）
--   $due_soon_ts  即将超期的截止时点（期末所在日之后第 N 个工作日的 23:59:59）
--   $age_seq      期末所在日的工作日序号，用于计算已办理和已超期的工作日数
--   $limit        最多返回的行数（total_rows 列给出全部符合条件的行数）
WITH pick AS (
    SELECT rowid AS closing_row, count(*) OVER () AS total_rows
    FROM ticket_closing
    WHERE closed_key >= $end_ts AND created_at < $end_ts
      AND due_at <= $due_soon_ts
      AND starts_with(community_code, $scope)
    ORDER BY due_at < $end_ts DESC, due_at, ticket_row
    LIMIT $limit
)
SELECT t.ticket_id, t.title, t.category_l1, t.category_l2, t.urgency, t.channel, t.status,
       t.created_at, t.original_due_at, t.due_at, t.closed_at, t.extension_count, t.return_count, t.is_repeat,
       d.name AS district_name, s.name AS street_name, c.name AS community_name, g.name AS grid_name,
       t.handling_unit,
       t.due_at < $end_ts                          AS is_overdue,
       greatest($age_seq - dc.workday_seq, 0)      AS overdue_workdays,
       $age_seq - cc.workday_seq                   AS age_workdays,
       p.total_rows
FROM pick p
JOIN ticket_closing t ON t.rowid = p.closing_row
JOIN communities c ON c.community_code = t.community_code
JOIN streets s ON s.street_code = t.street_code
JOIN districts d ON d.district_code = t.district_code
LEFT JOIN grids g ON g.grid_code = t.grid_code
JOIN workday_calendar cc ON cc.day = t.created_at::DATE
JOIN workday_calendar dc ON dc.day = t.due_at::DATE
ORDER BY is_overdue DESC, t.due_at, t.ticket_row
