"""诉求分类 — the three-level ticket category tree of the sample city.

Each leaf (三级分类) carries what the ticket generator needs: a relative volume
(skewed toward a few categories, as in real 12345 data), a seasonal profile, the
share of 紧急/复杂 tickets, how hard it is to close on time, whether grid workers
usually find it themselves (网格员上报, 主动发现), the competent bureau (主管部门) and
the phrase used in titles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Monthly volume multipliers (index 0 = January) by seasonal profile.
SEASONS = {
    "flat": (1.0,) * 12,
    "summer": (0.8, 0.75, 0.85, 0.95, 1.1, 1.4, 1.6, 1.6, 1.3, 1.0, 0.85, 0.8),
    "rainy": (0.6, 0.6, 0.9, 1.4, 1.8, 2.0, 1.7, 1.3, 0.9, 0.7, 0.6, 0.6),
    "heating": (3.2, 2.6, 1.2, 0.1, 0.02, 0.02, 0.02, 0.02, 0.02, 0.2, 2.2, 3.4),  # 供暖季
    "year_end": (2.2, 1.8, 0.8, 0.7, 0.7, 0.7, 0.8, 0.8, 0.8, 0.9, 1.2, 2.4),  # 年底讨薪
    "school": (0.7, 0.8, 0.9, 0.9, 1.0, 1.8, 2.0, 2.2, 1.8, 0.8, 0.7, 0.6),  # 招生季
}


@dataclass(frozen=True)
class Category:
    l1: str
    l2: str
    l3: str
    weight: float  # relative volume
    phrase: str  # title phrase: "<place><phrase>"
    season: str = "flat"
    urgent: float = 0.03  # share of 紧急
    complex: float = 0.075  # share of 复杂
    difficulty: float = 0.0  # added to the log-odds of closing late
    proactive: bool = False  # typically found by grid workers (网格员上报)


BUREAUS = {  # 一级分类 → 主管部门 (prefixed with the district name)
    "城乡建设": "住房和城乡建设局", "环境保护": "生态环境分局", "市场监管": "市场监督管理局",
    "交通管理": "交通运输局", "社会保障": "人力资源和社会保障局", "卫生健康": "卫生健康局",
    "教育": "教育局", "公共安全": "公安分局",
}

CATEGORIES: tuple[Category, ...] = (
    Category("城乡建设", "物业管理", "电梯故障", 5.0, "电梯故障停运", urgent=0.15),
    Category("城乡建设", "物业管理", "物业服务", 6.0, "物业服务不到位", difficulty=0.4),
    Category("城乡建设", "物业管理", "停车管理", 4.0, "小区停车难", difficulty=0.5),
    Category("城乡建设", "市政设施", "路灯损坏", 3.0, "路灯损坏不亮", proactive=True),
    Category("城乡建设", "市政设施", "道路破损", 3.0, "道路破损坑洼", proactive=True),
    Category("城乡建设", "市政设施", "排水不畅", 3.0, "下水道堵塞积水", season="rainy", urgent=0.08, proactive=True),
    Category("城乡建设", "供水供电", "停水停电", 3.0, "停水停电无通知", season="summer", urgent=0.12),
    Category("城乡建设", "供水供电", "水压不足", 1.5, "自来水水压低"),
    Category("城乡建设", "供暖供气", "暖气不热", 4.0, "暖气不热", season="heating"),
    Category("城乡建设", "供暖供气", "燃气故障", 1.5, "燃气故障", urgent=0.4),
    Category("城乡建设", "违章建筑", "私搭乱建", 3.0, "私搭乱建", complex=0.35, difficulty=0.8, proactive=True),
    Category("环境保护", "噪声污染", "施工噪音", 5.0, "夜间施工噪音扰民", season="summer"),
    Category("环境保护", "噪声污染", "商业噪音", 3.0, "商铺噪音扰民", season="summer"),
    Category("环境保护", "噪声污染", "广场舞噪音", 2.0, "广场舞噪音扰民", season="summer"),
    Category("环境保护", "大气污染", "油烟扰民", 3.0, "餐饮油烟扰民", difficulty=0.3),
    Category("环境保护", "大气污染", "焚烧垃圾", 1.0, "露天焚烧垃圾", proactive=True),
    Category("环境保护", "环境卫生", "垃圾清运", 4.0, "垃圾清运不及时", season="summer", proactive=True),
    Category("环境保护", "水污染", "河道污染", 1.0, "河道污水直排", complex=0.3, difficulty=0.6, proactive=True),
    Category("市场监管", "消费纠纷", "预付卡", 4.0, "预付卡退费纠纷", complex=0.15, difficulty=0.5),
    Category("市场监管", "消费纠纷", "网购纠纷", 2.0, "网购商品质量纠纷"),
    Category("市场监管", "食品安全", "餐饮卫生", 3.0, "餐馆卫生条件差"),
    Category("市场监管", "食品安全", "过期食品", 1.5, "超市销售过期食品"),
    Category("市场监管", "价格监管", "乱收费", 1.5, "商家乱收费"),
    Category("交通管理", "公共交通", "公交线路", 2.0, "公交线路调整诉求", complex=0.2),
    Category("交通管理", "公共交通", "出租车服务", 1.5, "出租车拒载绕路"),
    Category("交通管理", "道路交通", "违停占道", 3.0, "车辆乱停乱放", proactive=True),
    Category("交通管理", "道路交通", "信号灯故障", 1.0, "交通信号灯故障", urgent=0.3),
    Category("社会保障", "劳动权益", "拖欠工资", 4.0, "拖欠农民工工资", season="year_end", urgent=0.06, complex=0.3,
             difficulty=0.7),
    Category("社会保障", "社会保险", "医保报销", 2.0, "医保报销咨询"),
    Category("社会保障", "社会保险", "养老金", 1.5, "养老金发放问题"),
    Category("社会保障", "社会救助", "低保申请", 1.5, "低保申请办理", complex=0.25, difficulty=0.3),
    Category("卫生健康", "医疗服务", "就医服务", 2.0, "医院服务态度差"),
    Category("卫生健康", "公共卫生", "病媒防治", 1.5, "蚊虫鼠患", season="summer", proactive=True),
    Category("卫生健康", "公共卫生", "疫苗接种", 1.0, "疫苗接种咨询"),
    Category("教育", "入学招生", "入学政策", 2.0, "子女入学咨询", season="school"),
    Category("教育", "校外培训", "培训退费", 1.5, "培训机构退费难", complex=0.2, difficulty=0.5),
    Category("教育", "学校管理", "校园周边", 1.0, "校园周边环境整治"),
    Category("公共安全", "安全隐患", "消防通道堵塞", 2.0, "消防通道堵塞", urgent=0.15, proactive=True),
    Category("公共安全", "安全隐患", "电动车充电", 2.0, "电动车楼道充电", proactive=True),
    Category("公共安全", "治安管理", "邻里纠纷", 2.0, "邻里纠纷调解", difficulty=0.3),
    Category("公共安全", "治安管理", "流浪乞讨", 0.5, "流浪人员救助", urgent=0.3),
)

PROACTIVE_BOOST = 6.0  # 网格员上报: proactive categories this much more likely
REACTIVE_DAMPING = 0.3  # … other categories this much less


def monthly_weights(month: int, proactive_channel: bool) -> np.ndarray:
    """Category probabilities for a calendar month (1–12) and channel kind."""
    w = np.array([c.weight * SEASONS[c.season][month - 1] for c in CATEGORIES])
    if proactive_channel:
        w *= np.array([PROACTIVE_BOOST if c.proactive else REACTIVE_DAMPING for c in CATEGORIES])
    return w / w.sum()
