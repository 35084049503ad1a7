-- 基层治理督查考评看板 数据模型 v3（由 dashboard/core/schema.py 生成，请勿手工修改）

-- 城市：看板所覆盖的城市（一行）。

CREATE TABLE city (
    city_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL
);

COMMENT ON TABLE city IS '城市：看板所覆盖的城市（一行）。';

COMMENT ON COLUMN city.city_code IS '市级行政区划代码（6 位，如 990100；前 4 位是所有下级代码的前缀）';

COMMENT ON COLUMN city.name IS '城市名称';

-- 区县：区/县（含县级市）。

CREATE TABLE districts (
    district_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    population INTEGER NOT NULL,
    households INTEGER NOT NULL,
    area_km2 DOUBLE,
    geom BLOB NOT NULL
);

COMMENT ON TABLE districts IS '区县：区/县（含县级市）。';

COMMENT ON COLUMN districts.district_code IS '区县代码（6 位数字）';

COMMENT ON COLUMN districts.name IS '区县名称';

COMMENT ON COLUMN districts.kind IS '类型';

COMMENT ON COLUMN districts.population IS '常住人口（人）';

COMMENT ON COLUMN districts.households IS '户数（户）';

COMMENT ON COLUMN districts.area_km2 IS '面积（平方公里）（未提供时由边界计算（WGS-84 椭球面积））';

COMMENT ON COLUMN districts.geom IS '边界（WGS-84，WKB）（导入时用 WKT 文本列 geometry 或 GeoJSON 文件）';

-- 街道/乡镇：街道办事处、镇、乡。

CREATE TABLE streets (
    street_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    population INTEGER NOT NULL,
    households INTEGER NOT NULL,
    area_km2 DOUBLE,
    geom BLOB NOT NULL
);

COMMENT ON TABLE streets IS '街道/乡镇：街道办事处、镇、乡。';

COMMENT ON COLUMN streets.street_code IS '街道/乡镇代码（9 位；前 6 位为所属区县代码）';

COMMENT ON COLUMN streets.district_code IS '所属区县代码（6 位数字）';

COMMENT ON COLUMN streets.name IS '街道/乡镇名称';

COMMENT ON COLUMN streets.kind IS '类型';

COMMENT ON COLUMN streets.population IS '常住人口（人）';

COMMENT ON COLUMN streets.households IS '户数（户）';

COMMENT ON COLUMN streets.area_km2 IS '面积（平方公里）（未提供时由边界计算（WGS-84 椭球面积））';

COMMENT ON COLUMN streets.geom IS '边界（WGS-84，WKB）（导入时用 WKT 文本列 geometry 或 GeoJSON 文件）';

-- 社区/村：社区（居委会）和行政村（村委会），是网格的上一级。

CREATE TABLE communities (
    community_code VARCHAR NOT NULL,
    street_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    population INTEGER NOT NULL,
    households INTEGER NOT NULL,
    area_km2 DOUBLE,
    geom BLOB NOT NULL
);

COMMENT ON TABLE communities IS '社区/村：社区（居委会）和行政村（村委会），是网格的上一级。';

COMMENT ON COLUMN communities.community_code IS '社区/村代码（12 位；前 9 位为所属街道/乡镇代码）';

COMMENT ON COLUMN communities.street_code IS '所属街道/乡镇代码（9 位数字）';

COMMENT ON COLUMN communities.district_code IS '所属区县代码（6 位数字）';

COMMENT ON COLUMN communities.name IS '社区/村名称';

COMMENT ON COLUMN communities.kind IS '类型：社区=居委会（城市），村=村委会（农村）';

COMMENT ON COLUMN communities.population IS '常住人口（人）';

COMMENT ON COLUMN communities.households IS '户数（户）';

COMMENT ON COLUMN communities.area_km2 IS '面积（平方公里）（未提供时由边界计算（WGS-84 椭球面积））';

COMMENT ON COLUMN communities.geom IS '边界（WGS-84，WKB）（导入时用 WKT 文本列 geometry 或 GeoJSON 文件）';

-- 网格：网格化管理的最小单元。每个网格属于且只属于一个社区/村；同一社区内的网格应无缝隙、无重叠地铺满社区。

CREATE TABLE grids (
    grid_code VARCHAR NOT NULL,
    community_code VARCHAR NOT NULL,
    street_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    dedicated_type VARCHAR,
    population INTEGER NOT NULL,
    households INTEGER NOT NULL,
    area_km2 DOUBLE,
    geom BLOB NOT NULL
);

COMMENT ON TABLE grids IS '网格：网格化管理的最小单元。每个网格属于且只属于一个社区/村；同一社区内的网格应无缝隙、无重叠地铺满社区。';

COMMENT ON COLUMN grids.grid_code IS '网格编码（15 位 = 社区/村代码 + 3 位序号）';

COMMENT ON COLUMN grids.community_code IS '所属社区/村代码（12 位数字）';

COMMENT ON COLUMN grids.street_code IS '所属街道/乡镇代码（9 位数字）';

COMMENT ON COLUMN grids.district_code IS '所属区县代码（6 位数字）';

COMMENT ON COLUMN grids.name IS '网格名称';

COMMENT ON COLUMN grids.kind IS '网格类型';

COMMENT ON COLUMN grids.dedicated_type IS '专属网格类别（综合网格为空）';

COMMENT ON COLUMN grids.population IS '常住人口（人）';

COMMENT ON COLUMN grids.households IS '户数（户）';

COMMENT ON COLUMN grids.area_km2 IS '面积（平方公里）（未提供时由边界计算（WGS-84 椭球面积））';

COMMENT ON COLUMN grids.geom IS '边界（WGS-84，WKB）（导入时用 WKT 文本列 geometry 或 GeoJSON 文件）';

-- 网格员：网格员（专职/兼职）。网格长是在网格中的职责，见 grid_assignments。

CREATE TABLE grid_workers (
    worker_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    employment VARCHAR NOT NULL,
    community_code VARCHAR NOT NULL,
    active BOOLEAN
);

COMMENT ON TABLE grid_workers IS '网格员：网格员（专职/兼职）。网格长是在网格中的职责，见 grid_assignments。';

COMMENT ON COLUMN grid_workers.worker_id IS '网格员编号';

COMMENT ON COLUMN grid_workers.name IS '姓名';

COMMENT ON COLUMN grid_workers.employment IS '用工类型';

COMMENT ON COLUMN grid_workers.community_code IS '所属社区/村代码（12 位数字）';

COMMENT ON COLUMN grid_workers.active IS '是否在岗（缺省为是）';

-- 网格员配置：网格员与网格的对应关系；一人可负责多个网格。

CREATE TABLE grid_assignments (
    worker_id VARCHAR NOT NULL,
    grid_code VARCHAR NOT NULL,
    duty VARCHAR NOT NULL
);

COMMENT ON TABLE grid_assignments IS '网格员配置：网格员与网格的对应关系；一人可负责多个网格。';

COMMENT ON COLUMN grid_assignments.worker_id IS '网格员编号';

COMMENT ON COLUMN grid_assignments.grid_code IS '网格编码（15 位数字）';

COMMENT ON COLUMN grid_assignments.duty IS '在该网格的职责';

-- 诉求工单：12345 热线、网格员上报、网上/APP 等渠道的诉求工单。按受理时间排序存储。

CREATE TABLE tickets (
    ticket_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    content VARCHAR,
    category_l1 VARCHAR NOT NULL,
    category_l2 VARCHAR NOT NULL,
    category_l3 VARCHAR,
    urgency VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    signed_at TIMESTAMP,
    first_contact_at TIMESTAMP,
    closed_at TIMESTAMP,
    status VARCHAR NOT NULL,
    extension_count INTEGER,
    extension_workdays INTEGER,
    return_count INTEGER,
    is_repeat BOOLEAN,
    is_proactive BOOLEAN,
    district_code VARCHAR NOT NULL,
    street_code VARCHAR NOT NULL,
    community_code VARCHAR NOT NULL,
    grid_code VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    handling_unit VARCHAR,
    visited BOOLEAN,
    contacted BOOLEAN,
    resolved BOOLEAN,
    satisfaction VARCHAR,
    reply_due_at TIMESTAMP,
    original_due_at TIMESTAMP,
    due_at TIMESTAMP,
    handling_workdays INTEGER
);

COMMENT ON TABLE tickets IS '诉求工单：12345 热线、网格员上报、网上/APP 等渠道的诉求工单。按受理时间排序存储。';

COMMENT ON COLUMN tickets.ticket_id IS '工单编号';

COMMENT ON COLUMN tickets.channel IS '来源渠道';

COMMENT ON COLUMN tickets.title IS '标题';

COMMENT ON COLUMN tickets.content IS '主要内容';

COMMENT ON COLUMN tickets.category_l1 IS '一级分类';

COMMENT ON COLUMN tickets.category_l2 IS '二级分类';

COMMENT ON COLUMN tickets.category_l3 IS '三级分类';

COMMENT ON COLUMN tickets.urgency IS '紧急程度（决定办理时限）';

COMMENT ON COLUMN tickets.created_at IS '受理时间（来电/上报时间）';

COMMENT ON COLUMN tickets.signed_at IS '签收时间';

COMMENT ON COLUMN tickets.first_contact_at IS '首次联系诉求人时间';

COMMENT ON COLUMN tickets.closed_at IS '办结时间（未办结为空）';

COMMENT ON COLUMN tickets.status IS '工单状态（截至数据日期）';

COMMENT ON COLUMN tickets.extension_count IS '延期次数（缺省 0）';

COMMENT ON COLUMN tickets.extension_workdays IS '延期合计工作日数（缺省 0；延期顺延办结时限）';

COMMENT ON COLUMN tickets.return_count IS '退单次数（缺省 0）';

COMMENT ON COLUMN tickets.is_repeat IS '是否重复诉求（缺省否）';

COMMENT ON COLUMN tickets.is_proactive IS '是否主动发现/未诉先办（缺省否）';

COMMENT ON COLUMN tickets.district_code IS '被反映区代码（6 位数字）';

COMMENT ON COLUMN tickets.street_code IS '被反映街乡镇代码（9 位数字）';

COMMENT ON COLUMN tickets.community_code IS '村/社区代码（12 位数字）';

COMMENT ON COLUMN tickets.grid_code IS '网格编码（15 位数字）';

COMMENT ON COLUMN tickets.lon IS '经度（WGS-84）';

COMMENT ON COLUMN tickets.lat IS '纬度（WGS-84）';

COMMENT ON COLUMN tickets.handling_unit IS '主办单位';

COMMENT ON COLUMN tickets.visited IS '是否有效回访（缺省否；否则不计入三率分母）';

COMMENT ON COLUMN tickets.contacted IS '是否联系（回访结果）';

COMMENT ON COLUMN tickets.resolved IS '是否解决（回访结果）';

COMMENT ON COLUMN tickets.satisfaction IS '是否满意（回访结果）';

COMMENT ON COLUMN tickets.reply_due_at IS '首次响应时限（未提供时按紧急程度的响应时限计算）';

COMMENT ON COLUMN tickets.original_due_at IS '原办结时限（不含延期）（未提供时按紧急程度的办结时限计算（工作日，次日起算，截至当日 23:59:59））';

COMMENT ON COLUMN tickets.due_at IS '办结时限（含延期）（未提供时 = 原办结时限顺延 extension_workdays 个工作日）';

COMMENT ON COLUMN tickets.handling_workdays IS '办理时长（工作日，受理日到办结日）（由工作日历计算；未办结为空）';

-- 社会组织：登记或备案的社会组织。区域代码填到能确定的最细一级。

CREATE TABLE social_orgs (
    org_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    legal_type VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    registrar VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    street_code VARCHAR,
    community_code VARCHAR,
    registered_on DATE NOT NULL,
    deregistered_on DATE,
    rating VARCHAR,
    rated_on DATE
);

COMMENT ON TABLE social_orgs IS '社会组织：登记或备案的社会组织。区域代码填到能确定的最细一级。';

COMMENT ON COLUMN social_orgs.org_id IS '统一社会信用代码或备案编号';

COMMENT ON COLUMN social_orgs.name IS '组织名称';

COMMENT ON COLUMN social_orgs.legal_type IS '组织类型（社会服务机构即原民办非企业单位；社区社会组织在街道/乡镇备案）';

COMMENT ON COLUMN social_orgs.field IS '业务领域（如 公益慈善、社区服务、养老服务、文体、教育、行业协会商会）';

COMMENT ON COLUMN social_orgs.registrar IS '登记/备案机关层级';

COMMENT ON COLUMN social_orgs.district_code IS '住所所在区县代码（6 位数字）';

COMMENT ON COLUMN social_orgs.street_code IS '住所所在街道/乡镇代码（9 位数字）';

COMMENT ON COLUMN social_orgs.community_code IS '住所所在社区/村代码（12 位数字）';

COMMENT ON COLUMN social_orgs.registered_on IS '登记/备案日期';

COMMENT ON COLUMN social_orgs.deregistered_on IS '注销/撤销日期（存续为空）';

COMMENT ON COLUMN social_orgs.rating IS '评估等级（未评估为空）';

COMMENT ON COLUMN social_orgs.rated_on IS '评估日期（等级有效期 5 年，过期视为未评估）';

-- 考核轮次：居委会/村委会考核的轮次（年度，可选季度）。

CREATE TABLE assessment_rounds (
    round_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    published_on DATE
);

COMMENT ON TABLE assessment_rounds IS '考核轮次：居委会/村委会考核的轮次（年度，可选季度）。';

COMMENT ON COLUMN assessment_rounds.round_id IS '轮次编号';

COMMENT ON COLUMN assessment_rounds.name IS '轮次名称';

COMMENT ON COLUMN assessment_rounds.kind IS '类型';

COMMENT ON COLUMN assessment_rounds.period_start IS '考核期开始';

COMMENT ON COLUMN assessment_rounds.period_end IS '考核期结束';

COMMENT ON COLUMN assessment_rounds.published_on IS '结果公布日期';

-- 考核指标：每一轮的指标体系：指标分组、名称和分值（权重）。分值合计一般为 100。

CREATE TABLE assessment_indicators (
    round_id VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    group_name VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    max_score DECIMAL(7,2) NOT NULL,
    description VARCHAR,
    sort_order INTEGER
);

COMMENT ON TABLE assessment_indicators IS '考核指标：每一轮的指标体系：指标分组、名称和分值（权重）。分值合计一般为 100。';

COMMENT ON COLUMN assessment_indicators.round_id IS '轮次编号';

COMMENT ON COLUMN assessment_indicators.indicator_code IS '指标编号';

COMMENT ON COLUMN assessment_indicators.group_name IS '指标分组（如 居民评议、居民自治、服务群众、党建引领、减负增效）';

COMMENT ON COLUMN assessment_indicators.name IS '指标名称';

COMMENT ON COLUMN assessment_indicators.max_score IS '分值（满分，即权重）（精确小数，最多 2 位小数）';

COMMENT ON COLUMN assessment_indicators.description IS '评分说明';

COMMENT ON COLUMN assessment_indicators.sort_order IS '显示顺序';

-- 考核得分：每个社区/村在每一轮每项指标上的得分（0 至该指标分值）。

CREATE TABLE assessment_scores (
    round_id VARCHAR NOT NULL,
    community_code VARCHAR NOT NULL,
    indicator_code VARCHAR NOT NULL,
    score DECIMAL(7,2) NOT NULL
);

COMMENT ON TABLE assessment_scores IS '考核得分：每个社区/村在每一轮每项指标上的得分（0 至该指标分值）。';

COMMENT ON COLUMN assessment_scores.round_id IS '轮次编号';

COMMENT ON COLUMN assessment_scores.community_code IS '社区/村代码（12 位数字）';

COMMENT ON COLUMN assessment_scores.indicator_code IS '指标编号';

COMMENT ON COLUMN assessment_scores.score IS '得分（精确小数（最多 2 位小数），总分按精确小数相加，90.0 分不会因二进制误差变成 89.999…）';

-- 工作日历：由构建程序按法定节假日和调休生成，覆盖数据所需的日期范围。

CREATE TABLE workday_calendar (
    day DATE NOT NULL,
    is_workday BOOLEAN NOT NULL,
    workday_seq INTEGER NOT NULL,
    holiday_name VARCHAR,
    source VARCHAR NOT NULL
);

COMMENT ON TABLE workday_calendar IS '工作日历：由构建程序按法定节假日和调休生成，覆盖数据所需的日期范围。';

COMMENT ON COLUMN workday_calendar.day IS '日期';

COMMENT ON COLUMN workday_calendar.is_workday IS '是否工作日（含调休上班日）';

COMMENT ON COLUMN workday_calendar.workday_seq IS '工作日序号（截至当日的累计工作日数）';

COMMENT ON COLUMN workday_calendar.holiday_name IS '节假日/调休名称';

COMMENT ON COLUMN workday_calendar.source IS '来源：override 覆盖文件（国务院通知）；chinese_calendar 法定节假日库；provisional 暂定（按放假办法推算，无调休）；weekend_fallback 无节假日数据、按周末计';

-- 工单办结索引：tickets 的投影，按办结时间排序（未办结的排在最后）。“期间内办结”和“期末仍未办结”两类统计以及督办清单只需读取其中一段连续的数据块，不必扫描全部工单；由构建程序从 tickets 生成，随数据一起刷新。

CREATE TABLE ticket_closing (
    ticket_row BIGINT NOT NULL,
    closed_key TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    due_at TIMESTAMP NOT NULL,
    community_code VARCHAR NOT NULL,
    grid_code VARCHAR,
    category_l1 VARCHAR NOT NULL,
    visited BOOLEAN NOT NULL,
    contacted BOOLEAN,
    resolved BOOLEAN,
    satisfaction VARCHAR,
    handling_workdays INTEGER,
    ticket_id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    category_l2 VARCHAR NOT NULL,
    urgency VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    original_due_at TIMESTAMP,
    extension_count INTEGER NOT NULL,
    return_count INTEGER NOT NULL,
    is_repeat BOOLEAN NOT NULL,
    handling_unit VARCHAR,
    district_code VARCHAR NOT NULL,
    street_code VARCHAR NOT NULL
);

COMMENT ON TABLE ticket_closing IS '工单办结索引：tickets 的投影，按办结时间排序（未办结的排在最后）。“期间内办结”和“期末仍未办结”两类统计以及督办清单只需读取其中一段连续的数据块，不必扫描全部工单；由构建程序从 tickets 生成，随数据一起刷新。';

COMMENT ON COLUMN ticket_closing.ticket_row IS '在 tickets 表中的行号（rowid）；也用作同一时限的工单的排序';

COMMENT ON COLUMN ticket_closing.closed_key IS '排序键：办结时间；未办结为 9999-12-31';

COMMENT ON COLUMN ticket_closing.closed_at IS '办结时间';

COMMENT ON COLUMN ticket_closing.created_at IS '受理时间';

COMMENT ON COLUMN ticket_closing.due_at IS '办结时限（含延期）';

COMMENT ON COLUMN ticket_closing.community_code IS '社区/村代码';

COMMENT ON COLUMN ticket_closing.grid_code IS '网格编码';

COMMENT ON COLUMN ticket_closing.category_l1 IS '一级分类';

COMMENT ON COLUMN ticket_closing.visited IS '是否有效回访';

COMMENT ON COLUMN ticket_closing.contacted IS '回访：是否联系过诉求人';

COMMENT ON COLUMN ticket_closing.resolved IS '回访：问题是否解决';

COMMENT ON COLUMN ticket_closing.satisfaction IS '回访：满意度';

COMMENT ON COLUMN ticket_closing.handling_workdays IS '办理时长（工作日）';

COMMENT ON COLUMN ticket_closing.ticket_id IS '工单编号';

COMMENT ON COLUMN ticket_closing.title IS '标题';

COMMENT ON COLUMN ticket_closing.category_l2 IS '二级分类';

COMMENT ON COLUMN ticket_closing.urgency IS '紧急程度';

COMMENT ON COLUMN ticket_closing.channel IS '来源渠道';

COMMENT ON COLUMN ticket_closing.status IS '工单状态（截至数据日期）';

COMMENT ON COLUMN ticket_closing.original_due_at IS '原办结时限（不含延期）';

COMMENT ON COLUMN ticket_closing.extension_count IS '延期次数';

COMMENT ON COLUMN ticket_closing.return_count IS '退单次数';

COMMENT ON COLUMN ticket_closing.is_repeat IS '是否重复诉求';

COMMENT ON COLUMN ticket_closing.handling_unit IS '主办单位';

COMMENT ON COLUMN ticket_closing.district_code IS '区县代码';

COMMENT ON COLUMN ticket_closing.street_code IS '街道/乡镇代码';

-- 网格员配备：每个网格当前的在岗网格员配备（由 queries/macros.sql 的 grid_staff 定义）。由构建程序从 grid_assignments 和 grid_workers 生成，随数据一起刷新；没有在岗网格员的网格不在表中。

CREATE TABLE grid_staffing (
    grid_code VARCHAR NOT NULL,
    fulltime_workers INTEGER NOT NULL,
    parttime_workers INTEGER NOT NULL,
    grid_leaders INTEGER NOT NULL,
    workers VARCHAR NOT NULL
);

COMMENT ON TABLE grid_staffing IS '网格员配备：每个网格当前的在岗网格员配备（由 queries/macros.sql 的 grid_staff 定义）。由构建程序从 grid_assignments 和 grid_workers 生成，随数据一起刷新；没有在岗网格员的网格不在表中。';

COMMENT ON COLUMN grid_staffing.grid_code IS '网格编码';

COMMENT ON COLUMN grid_staffing.fulltime_workers IS '在岗专职网格员数';

COMMENT ON COLUMN grid_staffing.parttime_workers IS '在岗兼职网格员数';

COMMENT ON COLUMN grid_staffing.grid_leaders IS '在岗网格长数';

COMMENT ON COLUMN grid_staffing.workers IS '在岗网格员名单（专职在前）';

-- 一人多格网格员：同时分管两个及以上网格的在岗网格员（由 queries/macros.sql 的 multi_grid_staff 定义，按当前配置）。由构建程序从 grid_assignments、grid_workers、grids 和 communities 生成，随数据一起刷新。

CREATE TABLE multi_grid_workers (
    worker_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    employment VARCHAR NOT NULL,
    is_leader BOOLEAN NOT NULL,
    grid_count INTEGER NOT NULL,
    community_count INTEGER NOT NULL,
    grid_names VARCHAR NOT NULL,
    community_names VARCHAR NOT NULL,
    grid_codes VARCHAR[] NOT NULL
);

COMMENT ON TABLE multi_grid_workers IS '一人多格网格员：同时分管两个及以上网格的在岗网格员（由 queries/macros.sql 的 multi_grid_staff 定义，按当前配置）。由构建程序从 grid_assignments、grid_workers、grids 和 communities 生成，随数据一起刷新。';

COMMENT ON COLUMN multi_grid_workers.worker_id IS '网格员编号';

COMMENT ON COLUMN multi_grid_workers.name IS '姓名';

COMMENT ON COLUMN multi_grid_workers.employment IS '用工类型';

COMMENT ON COLUMN multi_grid_workers.is_leader IS '是否在某个分管网格任网格长';

COMMENT ON COLUMN multi_grid_workers.grid_count IS '分管网格数';

COMMENT ON COLUMN multi_grid_workers.community_count IS '分管网格涉及的社区/村数';

COMMENT ON COLUMN multi_grid_workers.grid_names IS '分管网格名称';

COMMENT ON COLUMN multi_grid_workers.community_names IS '所属社区/村名称';

COMMENT ON COLUMN multi_grid_workers.grid_codes IS '分管网格编码（按范围筛选用）';

-- 工单日汇总：每个街道/乡镇和每个社区/村每天受理、办结的工单计数（由 queries/macros.sql 的 ticket_day_counts 定义，与直接从工单计算的口径相同）。期间类计数只需把期间内的日汇总相加；由构建程序从 tickets 生成，随数据一起刷新。

CREATE TABLE ticket_daily (
    unit_len TINYINT NOT NULL,
    area_code VARCHAR NOT NULL,
    day DATE NOT NULL,
    created INTEGER NOT NULL,
    repeat_count INTEGER NOT NULL,
    returned_count INTEGER NOT NULL,
    extended_count INTEGER NOT NULL,
    proactive_count INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    closed_on_time INTEGER NOT NULL,
    visited INTEGER NOT NULL,
    contacted INTEGER NOT NULL,
    resolved INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    basic_satisfied INTEGER NOT NULL
);

COMMENT ON TABLE ticket_daily IS '工单日汇总：每个街道/乡镇和每个社区/村每天受理、办结的工单计数（由 queries/macros.sql 的 ticket_day_counts 定义，与直接从工单计算的口径相同）。期间类计数只需把期间内的日汇总相加；由构建程序从 tickets 生成，随数据一起刷新。';

COMMENT ON COLUMN ticket_daily.unit_len IS '汇总单元的代码长度：9 街道/乡镇，12 社区/村';

COMMENT ON COLUMN ticket_daily.area_code IS '街道/乡镇或社区/村代码';

COMMENT ON COLUMN ticket_daily.day IS '日期：受理类计数按受理日，办结类计数按办结日';

COMMENT ON COLUMN ticket_daily.created IS '受理量';

COMMENT ON COLUMN ticket_daily.repeat_count IS '重复诉求数';

COMMENT ON COLUMN ticket_daily.returned_count IS '退单过的工单数';

COMMENT ON COLUMN ticket_daily.extended_count IS '延期过的工单数';

COMMENT ON COLUMN ticket_daily.proactive_count IS '主动发现数';

COMMENT ON COLUMN ticket_daily.closed IS '办结量';

COMMENT ON COLUMN ticket_daily.closed_on_time IS '按期办结数';

COMMENT ON COLUMN ticket_daily.visited IS '有效回访数';

COMMENT ON COLUMN ticket_daily.contacted IS '回访已联系数';

COMMENT ON COLUMN ticket_daily.resolved IS '回访已解决数';

COMMENT ON COLUMN ticket_daily.satisfied IS '回访满意数';

COMMENT ON COLUMN ticket_daily.basic_satisfied IS '回访基本满意数';

-- 元数据：数据集说明：是否示例数据、数据截至时间、构建时间、使用的时限配置等。

CREATE TABLE meta (
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);

COMMENT ON TABLE meta IS '元数据：数据集说明：是否示例数据、数据截至时间、构建时间、使用的时限配置等。';

COMMENT ON COLUMN meta.key IS '键';

COMMENT ON COLUMN meta.value IS '值';

CREATE TABLE areas AS
SELECT '' AS code, 'city' AS level, NULL::VARCHAR AS parent_code, name, NULL::VARCHAR AS kind,
       (SELECT sum(population) FROM districts)::BIGINT AS population,
       (SELECT sum(households) FROM districts)::BIGINT AS households,
       (SELECT sum(area_km2) FROM districts) AS area_km2
FROM city
UNION ALL SELECT district_code, 'district', '', name, kind, population, households, area_km2 FROM districts
UNION ALL SELECT street_code, 'street', district_code, name, kind, population, households, area_km2 FROM streets
UNION ALL SELECT community_code, 'community', street_code, name, kind, population, households, area_km2 FROM communities
UNION ALL SELECT grid_code, 'grid', community_code, name, kind, population, households, area_km2 FROM grids;

COMMENT ON TABLE areas IS '所有层级区域的统一表（构建时由各区域表生成）：code（全市为空字符串）、level、parent_code、名称、人口、户数。';

COMMENT ON COLUMN areas.code IS '区域代码（全市为空字符串）';

COMMENT ON COLUMN areas.level IS '层级：city/district/street/community/grid';

COMMENT ON COLUMN areas.parent_code IS '上级区域代码';

COMMENT ON COLUMN areas.name IS '名称';

COMMENT ON COLUMN areas.kind IS '类型（如 社区/村、综合网格/专属网格）';

COMMENT ON COLUMN areas.population IS '常住人口';

COMMENT ON COLUMN areas.households IS '户数';

COMMENT ON COLUMN areas.area_km2 IS '面积（平方公里）';
