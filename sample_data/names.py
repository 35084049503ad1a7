"""名称 — plausible, fictional Chinese names built deterministically from syllable lists.

Every function takes the caller's ``numpy`` generator, so names depend only on the
seed. Place stems (地名词干) are two characters (金桥, 枫林, 桃源 …); uniqueness is
guaranteed by drawing without replacement from a ``StemPool``.
"""

from __future__ import annotations

import numpy as np

CITY_NAME = "云川市"
CITY_STEM = "云川"

URBAN_DISTRICT_STEMS = ("青川", "云湖", "临江", "翠屏", "金沙", "凤鸣", "白鹭", "望湖", "秀峰", "丹霞",
                        "栖凤", "玉泉", "南湖", "东岭", "西津", "北塘")
OUTER_DISTRICT_STEMS = ("松溪", "桂岭", "梅川", "清源", "云岭", "丰溪", "安平", "永宁", "石岭", "凤岗",
                        "枫林", "竹山", "兰溪", "鹤田", "龙川", "双溪")

STEM_FIRST = ("金", "银", "玉", "青", "云", "桃", "柳", "枫", "松", "竹", "梅", "兰", "荷", "杏", "桂",
              "东", "西", "南", "北", "新", "长", "永", "福", "安", "兴", "和", "平", "泰", "康", "宁",
              "德", "丰", "盛", "华", "明", "光", "春", "清", "红", "白", "黄", "龙", "凤", "鹤", "鹿",
              "石", "岩", "峰", "河", "湖", "江", "溪", "泉", "沙", "望", "高", "双", "狮", "象", "马",
              "杨", "莲", "茶", "樟", "槐", "桑", "梨", "橘", "麓", "湘", "楚", "雁", "鹭", "碧", "翠")
STEM_SECOND = ("山", "岭", "坡", "冲", "湾", "塘", "桥", "港", "园", "林", "坪", "田", "洲", "溪", "源",
               "岗", "庄", "坝", "亭", "台", "苑", "口", "泉", "井", "铺", "堂", "阁", "门", "渡", "滩",
               "垸", "湖", "峪", "坊", "埠", "里", "城", "院", "河", "江", "畈", "谷", "池", "屏", "峰",
               "湘", "阳", "丰", "兴", "安")
COMMUNITY_INFIXES = ("", "", "", "新村", "花园", "路", "苑")

SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
            "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
            "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
            "沈", "姚", "卢", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "付", "方", "邹",
            "熊", "秦", "邱", "江", "尹", "雷", "侯", "龙", "陶", "黎", "贺", "顾", "毛", "龚", "万", "严",
            "易", "文", "向", "汤", "欧阳")
GIVEN_CHARS = ("伟", "芳", "娜", "英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
               "涛", "明", "超", "兰", "霞", "平", "刚", "桂", "华", "红", "建", "国", "志", "文", "玲",
               "斌", "燕", "辉", "鹏", "飞", "慧", "琴", "梅", "波", "宇", "浩", "婷", "雪", "晨", "欣",
               "佳", "俊", "峰", "亮", "丹", "凤", "春", "秋", "海", "林", "云", "莉", "萍", "嘉", "怡")

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals (三, 十二, 二十)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + (CN_DIGITS[ones] if ones else "")


class StemPool:
    """Unique place stems, drawn without replacement in a seeded order.

    The two-character stems come first; when they run out (large scale), the pool
    continues with the same stems behind a prefix (上枫林, 大桃源 …), one prefix per round.
    """

    ROUND_PREFIXES = ("上", "下", "大", "小", "前", "后", "老", "中")

    def __init__(self, rng: np.random.Generator):
        stems = [a + b for a in STEM_FIRST for b in STEM_SECOND if a != b]
        self._stems = [stems[i] for i in rng.permutation(len(stems))]
        self._next = 0

    def take(self) -> str:
        rnd, i = divmod(self._next, len(self._stems))
        if rnd > len(self.ROUND_PREFIXES):
            raise RuntimeError("place-name stems exhausted")
        self._next += 1
        return ("" if rnd == 0 else self.ROUND_PREFIXES[rnd - 1]) + self._stems[i]


def district_stems(rng: np.random.Generator, urban: int, outer: int) -> tuple[list[str], list[str]]:
    """Stems for the urban 区 and the outer districts (县/县级市/区)."""
    u = [URBAN_DISTRICT_STEMS[i] for i in rng.permutation(len(URBAN_DISTRICT_STEMS))[:urban]]
    o = [OUTER_DISTRICT_STEMS[i] for i in rng.permutation(len(OUTER_DISTRICT_STEMS))[:outer]]
    return u, o


def community_name(rng: np.random.Generator, stem: str, kind: str) -> str:
    """枫林社区 / 枫林花园社区 / 枫林村."""
    if kind == "村":
        return stem + "村"
    infix = COMMUNITY_INFIXES[int(rng.integers(len(COMMUNITY_INFIXES)))]
    if infix and infix[0] == stem[-1]:  # no 泰苑苑社区
        infix = ""
    return stem + infix + "社区"


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` plausible personal names (surname + one or two given characters)."""
    weights = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.6  # common surnames more often
    sur = rng.choice(len(SURNAMES), size=n, p=weights / weights.sum())
    first = rng.integers(len(GIVEN_CHARS), size=n)
    second = rng.integers(len(GIVEN_CHARS), size=n)
    two = rng.uniform(size=n) < 0.7
    return [SURNAMES[s] + GIVEN_CHARS[a] + (GIVEN_CHARS[b] if t else "")
            for s, a, b, t in zip(sur.tolist(), first.tolist(), second.tolist(), two.tolist())]
