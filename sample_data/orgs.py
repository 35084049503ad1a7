"""社会组织 — registered and filed social organisations of the sample city.

* Registered organisations (登记): 社会团体, 社会服务机构 (民办非企业单位) and a few
  基金会, about ``REGISTERED_PER_10K`` per 10,000 residents with a district factor so
  that districts differ against the configured target. 基金会 register with the city
  (市级), the others with the city or the district (区级); their residence is given
  down to the street and often the community.
* 社区社会组织, filed with the street (街道/乡镇备案): on average ~10 per urban
  community and ~5 per village, spread so that some communities fall short of the
  national targets (≥10 urban, ≥5 rural); better governed communities have more.
* Registrations spread over the years with growth, some deregistrations (注销), the
  recent two years included; about 30 % of the registered organisations carry a
  rating (5A–1A) with its date — some older than five years, i.e. expired.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from sample_data.areas import CityMap
from sample_data.names import CITY_NAME
from sample_data.random import stream

REGISTERED_PER_10K = 6.5
TYPE_SHARE = {"社会团体": 0.40, "社会服务机构": 0.58, "基金会": 0.02}
CITY_REGISTRAR_SHARE = {"社会团体": 0.25, "社会服务机构": 0.15, "基金会": 1.0}
USCC_TYPE_DIGIT = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}
RATINGS = ("5A", "4A", "3A", "2A", "1A")
RATING_SHARE = (0.06, 0.22, 0.40, 0.22, 0.10)
DEREGISTERED_SHARE = 0.08
RATED_SHARE = 0.36  # of organisations at least two years old (≈ 30 % of all registered)
COMMUNITY_ORG_MEAN = {"社区": 10.5, "村": 5.2}

# (field, share, name patterns); {p} = place, {w} = auspicious word
REGISTERED_FIELDS = {
    "社会团体": [
        ("行业协会商会", 0.30, ["{p}物业管理协会", "{p}餐饮行业协会", "{p}建筑业协会", "{p}家政服务业协会",
                             "{p}电子商务协会", "{p}个体劳动者协会", "{p}{w}商会"]),
        ("文体", 0.25, ["{p}老年人体育协会", "{p}书法家协会", "{p}摄影家协会", "{p}太极拳协会", "{p}篮球协会",
                       "{p}象棋协会", "{p}舞蹈协会"]),
        ("公益慈善", 0.15, ["{p}志愿者协会", "{p}慈善总会", "{p}{w}公益联合会"]),
        ("教育", 0.10, ["{p}家庭教育研究会", "{p}学前教育协会"]),
        ("科技", 0.10, ["{p}科普协会", "{p}农业技术协会"]),
        ("社区服务", 0.10, ["{p}社区工作者协会", "{p}{w}邻里互助会"]),
    ],
    "社会服务机构": [
        ("养老服务", 0.25, ["{p}{w}养老服务中心", "{p}{w}颐养院", "{p}{w}居家养老服务中心"]),
        ("教育", 0.30, ["{p}{w}幼儿园", "{p}{w}培训学校", "{p}{w}艺术培训中心"]),
        ("社会工作", 0.15, ["{p}{w}社会工作服务中心", "{p}{w}社工服务站"]),
        ("社区服务", 0.15, ["{p}{w}社区服务中心", "{p}{w}家庭服务中心"]),
        ("文体", 0.10, ["{p}{w}体育俱乐部", "{p}{w}文化传播中心"]),
        ("医疗卫生", 0.05, ["{p}{w}康复中心", "{p}{w}护理站"]),
    ],
    "基金会": [
        ("公益慈善", 0.6, ["{p}{w}慈善基金会", "{p}见义勇为基金会", "{p}乡村振兴基金会"]),
        ("教育", 0.4, ["{p}教育发展基金会", "{p}{w}助学基金会", "{p}青少年发展基金会"]),
    ],
}
WORDS = ("阳光", "康乐", "乐龄", "福寿", "启明", "春晖", "新苗", "同心", "和美", "博雅", "乐善", "安康", "夕阳红",
         "爱心", "善德", "明德", "惠民", "仁爱", "向日葵", "彩虹", "百合", "暖阳", "友邻", "恒爱", "繁星", "蒲公英",
         "长青", "乐活", "睦邻", "晨曦")

# (activity, field) of 社区社会组织; villages draw from the rural list
COMMUNITY_ACTIVITIES = {
    "社区": [("舞蹈队", "文体"), ("合唱团", "文体"), ("太极拳队", "文体"), ("书画社", "文体"), ("读书会", "教育"),
           ("摄影小组", "文体"), ("健身队", "文体"), ("棋牌协会", "文体"), ("志愿服务队", "公益慈善"),
           ("党员志愿服务队", "公益慈善"), ("巾帼志愿队", "公益慈善"), ("环保志愿队", "公益慈善"),
           ("邻里互助会", "社区服务"), ("楼栋长联谊会", "社区服务"), ("业主议事会", "社区服务"),
           ("老年协会", "养老服务"), ("助老服务队", "养老服务"), ("关爱青少年服务队", "教育"), ("家长互助会", "教育"),
           ("四点半课堂", "教育"), ("义务巡逻队", "平安建设"), ("调解志愿队", "平安建设"), ("插花社", "文体"),
           ("戏曲社", "文体"), ("编织兴趣小组", "文体"), ("残疾人互助会", "社区服务"), ("便民维修队", "社区服务"),
           ("红色宣讲团", "公益慈善")],
    "村": [("红白理事会", "社区服务"), ("乡贤理事会", "社区服务"), ("老年协会", "养老服务"), ("文艺宣传队", "文体"),
          ("广场舞队", "文体"), ("志愿服务队", "公益慈善"), ("护林防火队", "平安建设"), ("义务巡逻队", "平安建设"),
          ("农技互助会", "科技"), ("留守儿童关爱队", "教育"), ("妇女互助会", "社区服务"), ("锣鼓队", "文体"),
          ("环境卫生监督队", "公益慈善"), ("调解志愿队", "平安建设"), ("种养殖协会", "科技"), ("助老服务队", "养老服务"),
          ("读书会", "教育"), ("篮球队", "文体"), ("党员先锋队", "公益慈善"), ("村民议事会", "社区服务")],
}


def build_orgs(city: CityMap, seed: int, as_of: date) -> pd.DataFrame:
    rng = stream(seed, "orgs")
    rows = _registered(city, rng, as_of) + _community_orgs(city, rng, as_of)
    frame = pd.DataFrame(rows, columns=["org_id", "name", "legal_type", "field", "registrar", "district_code",
                                        "street_code", "community_code", "registered_on", "deregistered_on",
                                        "rating", "rated_on"])
    for col in ("registered_on", "deregistered_on", "rated_on"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    return frame


def _registered(city: CityMap, rng, as_of: date) -> list[tuple]:
    rows, used, serial = [], set(), 0
    types = list(TYPE_SHARE)
    streets, comms = city.streets, city.communities
    street_place = [n.removesuffix("街道") for n in streets["name"]]  # 狮坪街道 → 狮坪; 红渡镇 stays
    street_codes, comm_codes = streets["street_code"].tolist(), comms["community_code"].tolist()
    for d, (dcode, dname, pop) in enumerate(zip(city.districts["district_code"], city.districts["name"],
                                                city.districts["population"])):
        n = round(pop / 10_000 * REGISTERED_PER_10K * rng.uniform(0.6, 1.5))
        st = np.nonzero(city.street_district == d)[0]
        st_p = streets["population"].to_numpy()[st] / streets["population"].to_numpy()[st].sum()
        for _ in range(n):
            legal = types[int(rng.choice(len(types), p=list(TYPE_SHARE.values())))]
            city_level = rng.uniform() < CITY_REGISTRAR_SHARE[legal]
            s = int(rng.choice(st, p=st_p))
            in_street = rng.uniform() < (0.6 if city_level else 0.95)
            c = _pick_community(city, s, rng) if in_street and rng.uniform() < (0.2 if city_level else 0.5) else None
            places = ([CITY_NAME] * 2 if city_level else []) + [dname, street_place[s]]
            field, name = _registered_name(legal, places, rng, used)
            serial += 1
            registered = _registration_day(rng, as_of, 1995 if legal != "基金会" else 2005)
            rating, rated_on = _rating(rng, registered, as_of, RATED_SHARE, city.street_quality[s])
            rows.append((_uscc(legal, dcode, serial), name, legal, field, "市级" if city_level else "区级", dcode,
                         street_codes[s] if in_street else None, comm_codes[c] if c is not None else None,
                         registered, _deregistration(rng, registered, as_of, DEREGISTERED_SHARE), rating, rated_on))
    return rows


def _pick_community(city: CityMap, street: int, rng) -> int:
    comms = np.nonzero(city.community_street == street)[0]
    pop = city.communities["population"].to_numpy()[comms].astype(float)
    return int(rng.choice(comms, p=pop / pop.sum()))


def _registered_name(legal: str, places: list[str], rng, used: set[str]) -> tuple[str, str]:
    """(field, unused name): a field by its share, a pattern, a place among ``places``, a word.

    After a few random draws that all hit used names, the first unused combination in
    a fixed order is taken, so a crowded place never stops the generator.
    """
    fields = REGISTERED_FIELDS[legal]
    share = np.array([f[1] for f in fields])
    for _ in range(20):
        field, _, patterns = fields[int(rng.choice(len(fields), p=share / share.sum()))]
        pattern = patterns[int(rng.integers(len(patterns)))]
        name = pattern.format(p=places[int(rng.integers(len(places)))], w=WORDS[int(rng.integers(len(WORDS)))])
        if name not in used:
            used.add(name)
            return field, name
    for field, _, patterns in fields:
        for pattern in patterns:
            for place in dict.fromkeys(places):
                for word in WORDS:
                    name = pattern.format(p=place, w=word)
                    if name not in used:
                        used.add(name)
                        return field, name
    raise RuntimeError(f"no unused organisation name in {places}")


def _community_orgs(city: CityMap, rng, as_of: date) -> list[tuple]:
    rows = []
    comms = city.communities
    for c, (code, name, kind, scode, dcode) in enumerate(zip(comms["community_code"], comms["name"], comms["kind"],
                                                             comms["street_code"], comms["district_code"])):
        activities = COMMUNITY_ACTIVITIES[kind]
        mean = COMMUNITY_ORG_MEAN[kind] * np.exp(0.2 * city.community_quality[c])
        active = int(rng.negative_binomial(8, 8 / (8 + mean)))
        gone = int(rng.poisson(0.06 * active))
        total = min(active + gone, len(activities))
        picks = rng.permutation(len(activities))[:total]
        for k, a in enumerate(picks):
            activity, field = activities[a]
            registered = _registration_day(rng, as_of, 2012)
            deregistered = _deregistration(rng, registered, as_of, 1.0) if k >= total - gone else None
            rating, rated_on = _rating(rng, registered, as_of, 0.03, city.community_quality[c])
            rows.append((f"BA{code}{k + 1:03d}", name + activity, "社区社会组织", field, "街道/乡镇备案", dcode, scode,
                         code, registered, deregistered, rating, rated_on))
    return rows


def _registration_day(rng, as_of: date, first_year: int) -> date:
    """A day between ``first_year`` and as-of, more recent days more likely (≈ 7 % growth a year)."""
    span = (as_of - date(first_year, 1, 1)).days
    u = rng.uniform()
    growth = 0.07 / 365
    offset = np.log(1 + u * (np.exp(growth * span) - 1)) / growth
    return date(first_year, 1, 1) + timedelta(days=int(offset))


def _deregistration(rng, registered: date, as_of: date, share: float) -> date | None:
    """注销 date for ``share`` of the organisations (half of them in the last two years)."""
    if rng.uniform() >= share:
        return None
    earliest = max(registered + timedelta(days=365), as_of - timedelta(days=730) if rng.uniform() < 0.5 else registered)
    if earliest >= as_of:
        return None
    return earliest + timedelta(days=int(rng.integers((as_of - earliest).days)))


def _rating(rng, registered: date, as_of: date, share: float, quality: float) -> tuple[str | None, date | None]:
    """评估等级 5A–1A with its date (valid five years), for organisations at least two years old."""
    first = registered + timedelta(days=730)
    if first >= as_of or rng.uniform() >= share:
        return None, None
    p = np.array(RATING_SHARE) * np.exp(-0.3 * quality * np.arange(-2, 3))  # better places, better ratings
    rating = RATINGS[int(rng.choice(len(RATINGS), p=p / p.sum()))]
    start = max(first, as_of - timedelta(days=9 * 365))
    return rating, start + timedelta(days=int(rng.integers(max((as_of - start).days - 30, 1))))


def _uscc(legal: str, district_code: str, serial: int) -> str:
    """An 18-character code shaped like a 统一社会信用代码 (5 = 民政; fictional check digit)."""
    body = f"5{USCC_TYPE_DIGIT[legal]}{district_code}MJ{serial:07d}"
    return body + str(sum(int(ch) for ch in body if ch.isdigit()) % 10)
