"""居（村）委会考核 — two annual assessment rounds of every community committee.

Both rounds use the same indicator system (100 points): 居民评议 70 (two indicators,
so the residents' evaluation carries 70 % of the weight), and 居民自治, 服务群众,
党建引领, 减负增效 sharing the remaining 30.

Totals follow each community's latent 治理水平 (``community_quality``, which includes
its street's quality) through a fixed quantile curve, so that with any number of
communities the lowest fall below the lowest configured cut-off (不合格) and the
highest reach the top grade (优秀). The second round drifts a little, and a handful of
communities fall sharply — the "dropped a grade" list. Indicator scores scatter
around the total's rate and are reconciled to the total on the largest indicator.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from sample_data.areas import CityMap
from sample_data.random import stream


@dataclass(frozen=True)
class Indicator:
    code: str
    group: str
    name: str
    max_score: float
    description: str


INDICATORS = (
    Indicator("A1", "居民评议", "居民满意度测评", 40, "入户和线上测评，按满意度折算"),
    Indicator("A2", "居民评议", "居民代表评议", 30, "居民代表会议现场评议"),
    Indicator("B1", "居民自治", "居民议事和公约执行", 8, "议事协商次数、居民公约执行情况"),
    Indicator("C1", "服务群众", "为民服务事项办理", 10, "便民服务事项按时办结、群众诉求办理"),
    Indicator("D1", "党建引领", "党组织建设", 6, "党组织活动、党员作用发挥"),
    Indicator("E1", "减负增效", "减负事项落实", 6, "清理规范工作事项、证明材料"),
)
# Quantile curve of the first round's totals, relative to the configured grade cut-offs
# (lowest, middle, highest): (share of communities below, cut-off index, offset).
TOTAL_QUANTILES = ((0.0, 0, -12.0), (0.04, 0, -0.5), (0.28, 1, -0.5), (0.88, 2, -0.5), (1.0, 2, 7.0))
DROP_SHARE = 0.02  # communities falling sharply in the second round


def build_assessment(city: CityMap, seed: int, as_of: date, cutoffs: list[float]) -> dict[str, pd.DataFrame]:
    """assessment_rounds, assessment_indicators and assessment_scores for the two years before as-of.

    ``cutoffs`` are the configured grade cut-offs (three, e.g. 60/75/90); totals keep
    clear of them so that rounding never decides a grade.
    """
    rng = stream(seed, "assessment")
    years = (as_of.year - 2, as_of.year - 1)
    rounds = pd.DataFrame({
        "round_id": [f"R{y}" for y in years],
        "name": [f"{y}年度居（村）委会考核" for y in years],
        "kind": "年度",
        "period_start": [date(y, 1, 1) for y in years],
        "period_end": [date(y, 12, 31) for y in years],
        "published_on": [date(y + 1, 2, int(rng.integers(15, 28))) for y in years],
    })
    for col in ("period_start", "period_end", "published_on"):
        rounds[col] = pd.to_datetime(rounds[col]).astype("datetime64[s]")
    indicators = pd.DataFrame([
        {"round_id": r, "indicator_code": i.code, "group_name": i.group, "name": i.name,
         "max_score": float(i.max_score), "description": i.description, "sort_order": k + 1}
        for r in rounds["round_id"] for k, i in enumerate(INDICATORS)])
    cuts = sorted(cutoffs)
    if len(cuts) != 3:
        raise ValueError("the sample assessment expects three grade cut-offs (优秀/合格/基本合格)")
    first = _clear_of(_first_round_totals(city.community_quality, cuts, rng), cuts)
    second = _clear_of(_second_round_totals(first, rng), cuts)
    scores = pd.concat([_scores(city, r, totals, rng) for r, totals in zip(rounds["round_id"], (first, second))],
                       ignore_index=True)
    return {"assessment_rounds": rounds, "assessment_indicators": indicators, "assessment_scores": scores}


def _first_round_totals(quality: np.ndarray, cuts: list[float], rng) -> np.ndarray:
    n = len(quality)
    rank = np.argsort(np.argsort(quality + rng.normal(0, 0.3, n), kind="stable"), kind="stable")
    share = (rank + 0.5) / n
    p = [q for q, _, _ in TOTAL_QUANTILES]
    total = [cuts[i] + offset for _, i, offset in TOTAL_QUANTILES]
    return np.round(np.interp(share, p, total), 1)


def _second_round_totals(first: np.ndarray, rng) -> np.ndarray:
    n = len(first)
    second = first + 1.0 + rng.normal(0, 1.5, n)
    drop = rng.choice(n, size=max(1, round(DROP_SHARE * n)), replace=False)
    second[drop] -= rng.uniform(8, 15, len(drop))
    return np.round(np.clip(second, 35, 99), 1)


def _clear_of(totals: np.ndarray, cuts: list[float]) -> np.ndarray:
    """Move totals within 0.2 of a cut-off to 0.3 above it."""
    for cut in cuts:
        near = np.abs(totals - cut) < 0.2
        totals = np.where(near, cut + 0.3, totals)
    return totals


def _scores(city: CityMap, round_id: str, totals: np.ndarray, rng) -> pd.DataFrame:
    """Per-indicator scores (one decimal, within [0, max]) that add up to ``totals``."""
    max_scores = np.array([i.max_score for i in INDICATORS], dtype=float)
    rate = np.clip(totals[:, None] / 100 + rng.normal(0, 0.04, (len(totals), len(INDICATORS))), 0, 1)
    scores = np.round(rate * max_scores, 1)
    largest = int(np.argmax(max_scores))
    others = scores.sum(axis=1) - scores[:, largest]
    scores[:, largest] = np.clip(np.round(totals - others, 1), 0, max_scores[largest])
    codes = city.communities["community_code"].to_numpy()
    return pd.DataFrame({
        "round_id": round_id,
        "community_code": np.repeat(codes, len(INDICATORS)),
        "indicator_code": np.tile([i.code for i in INDICATORS], len(codes)),
        "score": scores.ravel(),
    })
