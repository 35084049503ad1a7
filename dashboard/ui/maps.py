"""地图 — the folium map of the 网格地图 page, offline (docs/architecture.md).

* **Offline assets.** Leaflet comes from the installed ``XStatic-Leaflet`` package: at the
  first map of a process ``ensure_static_assets`` copies it into ``static/vendor/leaflet``
  (git-ignored), which Streamlit serves at ``/app/static/…``; every folium element used
  here points its ``default_js``/``default_css`` there. Nothing is loaded from a CDN
  (no jQuery, Bootstrap or Font Awesome: nothing here needs them).
* **Basemap** from ``[map]`` in the settings: none (default), a local tile server,
  天地图 (key) or 高德 (geometry shifted to GCJ-02 by the caller, see ``dashboard.core.geo``).
* **Colour classes** follow the metric's direction: the "good" end is always blue, the
  "bad" end red, whichever way the numbers run; the legend says so, with the unit.
* **Clicks, not hovers, rerun the page.** ``show`` asks streamlit-folium for the last
  clicked feature only, so panning, zooming and hovering stay in the browser.
"""

from __future__ import annotations

import html
import json
import math
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import folium
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.core.config import ROOT, Settings
from dashboard.core.metrics import format_number, Metric
from dashboard.data import common
from dashboard.data.grids import rank_text
from dashboard.store import db

# -- offline assets ----------------------------------------------------------------------------------------
VENDOR_DIR = ROOT / "static" / "vendor" / "leaflet"
# The component iframe lives at <base>/component/streamlit_folium.st_folium/index.html;
# a relative URL keeps working behind a reverse proxy with a base path.
ASSET_URL = "../../app/static/vendor/leaflet"
LEAFLET_JS = f"{ASSET_URL}/leaflet.js"
LEAFLET_CSS = f"{ASSET_URL}/leaflet.css"
_ASSET_FILES = ("leaflet.js", "leaflet.js.map", "leaflet.css", "images/layers.png", "images/layers-2x.png",
                "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png")
_assets_lock = threading.Lock()
_assets_ready: set[Path] = set()


class MapAssetsUnavailable(RuntimeError):
    """Leaflet could not be made available to the browser (message in Chinese)."""


def leaflet_source_dir() -> Path:
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def ensure_static_assets(target: Path = VENDOR_DIR) -> Path:
    """Copy Leaflet from the installed XStatic package into ``static/vendor/leaflet``.

    Idempotent (files already identical are left alone) and safe to call from several
    sessions at once (a lock, and each file is written to a temporary name and renamed).
    """
    target = Path(target)
    if target in _assets_ready:
        return target
    with _assets_lock:
        if target in _assets_ready:
            return target
        source = leaflet_source_dir()
        try:
            for rel in _ASSET_FILES:
                src, dst = source / rel, target / rel
                if dst.exists() and dst.stat().st_size == src.stat().st_size and \
                        dst.read_bytes() == src.read_bytes():
                    continue
                dst.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.")
                os.close(fd)
                shutil.copyfile(src, tmp)
                os.chmod(tmp, 0o644)
                os.replace(tmp, dst)
        except OSError as e:
            raise MapAssetsUnavailable(
                f"无法把地图组件文件（Leaflet）准备到 {target}：{e}。请确认看板目录可写，"
                "并已安装 requirements.txt 中的 XStatic-Leaflet。") from e
        _assets_ready.add(target)
    return target


def _local_assets(m: folium.Map) -> folium.Map:
    """Point the map's script and style links at the locally served Leaflet only."""
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    return m


# -- colour classes and legend ------------------------------------------------------------------------------
# ColorBrewer RdYlBu, from bad (red) to good (blue); readable on a projector and for the
# common red–green colour blindness.
BAD_TO_GOOD = ("#d7191c", "#fdae61", "#ffffbf", "#abd9e9", "#2c7bb6")
SEQUENTIAL = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # neutral metrics: light → dark
NO_DATA = "#d1d5db"
LINE_ROW = ""  # ColourClass.colour of the legend row that marks the alert line
SMALL_SAMPLE = "#eceff3"  # 样本不足: lighter grey than 无数据, never a class colour
LEGEND_WIDTH = 210  # px kept free on the right of the fitted view for the legend
# A metric without fixed breaks (千人诉求量 depends on the length of the period) is classed against the
# city's own value in the period: the same breaks at every scope of the city.
REFERENCE_STEPS = (0.8, 0.95, 1.05, 1.2)


@dataclass(frozen=True)
class ColourClass:
    colour: str
    label: str
    count: int


@dataclass(frozen=True)
class Classes:
    """Class breaks of one map: the colour of every value and the legend rows."""

    breaks: tuple[float, ...]  # ascending, in display units (percent for rates); class i holds breaks[i-1] <= v < breaks[i]
    colours: tuple[str, ...]  # one per class, low values first
    metric: Metric | None  # values are classed as displayed (rounded half-up), so a value shown as a break sits above it
    legend: tuple[ColourClass, ...]  # good classes first, then 样本不足 / 无数据 if any
    good_first_note: str
    rule: str = ""  # what the breaks are, for the legend ("分档：预警线 85 分与整 5 分")

    def colour_of(self, value, status: str = "ranked") -> str:
        if status == "样本不足":
            return SMALL_SAMPLE
        shown = None if self.metric is None else self.metric.table_value(value)
        if shown is None or not self.colours:
            return NO_DATA
        return self.colours[int(np.searchsorted(self.breaks, shown, side="right"))]


def _palette(n: int, direction: str) -> list[str]:
    """``n`` colours for classes of ascending values."""
    base = SEQUENTIAL if direction == "neutral" else BAD_TO_GOOD
    if n == 1:
        picks = [base[3]] if direction != "neutral" else [base[2]]
    else:
        picks = [base[round(i * (len(base) - 1) / (n - 1))] for i in range(n)]
    return picks[::-1] if direction == "down" else picks


def class_breaks(m: Metric, reference=None) -> tuple[tuple[float, ...], str]:
    """The breaks of ``m`` in display units and a sentence saying what they are: the registry's fixed
    breaks (tied to the alert line, round values), or steps around the city's value ``reference``."""
    if m.map_breaks:
        breaks = tuple(float(m.table_value(b)) for b in m.map_breaks)
        line = m.alert_threshold()
        rule = "固定分档，各级地图相同" + ("" if m.decimals == 0 else "（每档含下限）")
        return breaks, rule
    ref = m.table_value(reference)
    if ref is None or ref == 0:
        return (), ""
    breaks = tuple(sorted({float(m.table_value(ref * step)) for step in REFERENCE_STEPS}))
    return breaks, f"以全市 {m.format(reference)} 为基准分档（±5%、±20%），各级地图相同"


def classes_rule(m: Metric) -> str:
    """One sentence for notes and legends: colours and what the classes are."""
    rule = class_breaks(m)[1] if m.map_breaks else "以全市数值为基准分档（±5%、±20%），各级地图相同"
    colours = "蓝色较好、红色较差" if m.direction != "neutral" else "颜色越深数值越大"
    return f"{colours}，{rule}；灰色为无数据或样本不足"


def colour_classes(values: Sequence, m: Metric, statuses: Sequence[str] | None = None, reference=None) -> Classes:
    """Classes of the map of ``m``: the fixed breaks of the metric (or steps around ``reference``, the
    city's value) — never breaks from the values on screen, so a colour means the same at every scope.
    Values are classed as displayed; ``statuses`` (from dashboard.core.ranking) marks 样本不足 (grey)."""
    statuses = list(statuses) if statuses is not None else ["ranked"] * len(values)
    shown = [m.table_value(v) if st_ != "样本不足" else None for v, st_ in zip(values, statuses)]
    n_small = sum(st_ == "样本不足" for st_ in statuses)
    n_missing = sum(v is None for v in shown) - n_small
    breaks, rule = class_breaks(m, reference)
    fmt = lambda v: format_number(v, m.decimals) + ("%" if m.fmt == "pct" else "")  # noqa: E731
    tail = []
    if n_small:
        tail.append(ColourClass(SMALL_SAMPLE, "样本不足", n_small))
    if n_missing:
        tail.append(ColourClass(NO_DATA, "无数据", n_missing))
    vals = np.array([v for v in shown if v is not None], dtype=float)
    if not breaks:
        if len(vals) == 0:
            return Classes((), (), m, tuple(tail), "", rule)
        colours = _palette(1, m.direction)
        return Classes((), tuple(colours), m, (ColourClass(colours[0], "全部", len(vals)), *tail), "", rule)
    edges = [None, *breaks, None]
    line = m.alert_threshold()
    line_shown = None if line is None else float(m.table_value(line))
    labels = []
    whole = m.decimals == 0 and all(float(b).is_integer() for b in breaks)  # counts: "0", "1–9", "10–49", "≥ 200"
    for lo, hi in zip(edges[:-1], edges[1:]):
        if whole:
            top = None if hi is None else int(hi) - 1
            text = (f"≤ {top}" if top else "0") if lo is None else f"≥ {int(lo)}" if hi is None else \
                (f"{int(lo)}" if int(lo) == top else f"{int(lo)}–{top}")
        else:
            text = f"< {fmt(hi)}" if lo is None else f"≥ {fmt(lo)}" if hi is None else f"{fmt(lo)} – {fmt(hi)}"
        labels.append(text)
    colours = _palette(len(breaks) + 1, m.direction)
    idx = np.searchsorted(np.array(breaks), vals, side="right") if len(vals) else np.zeros(0, dtype=int)
    counts = np.bincount(idx, minlength=len(colours))
    rows = [ColourClass(c, lab, int(n)) for c, lab, n in zip(colours, labels, counts)]
    if line_shown is not None and line_shown in breaks:  # the alert line as a row between the classes it parts
        rows.insert(breaks.index(line_shown) + 1, ColourClass(LINE_ROW, f"预警线 {m.format(line)}", -1))
    if m.direction == "up" or m.direction == "neutral":
        rows = rows[::-1]  # best (or largest) first
    note = {"up": "越高越好", "down": "越低越好", "neutral": ""}[m.direction]
    return Classes(breaks, tuple(colours), m, tuple(rows) + tuple(tail), note, rule)


def legend_html(title: str, classes: Classes, subtitle: str = "") -> str:
    rows = "".join(
        f'<div class="gm-row gm-line"><span class="gm-key"></span><span class="gm-lab">{html.escape(c.label)}</span></div>'
        if c.colour == LINE_ROW else
        f'<div class="gm-row"><span class="gm-sw" style="background:{c.colour}"></span>'
        f'<span class="gm-lab">{html.escape(c.label)}</span><span class="gm-n">{c.count}</span></div>'
        for c in classes.legend)
    note = ""
    if classes.good_first_note:
        note = f'<div class="gm-note">{html.escape(classes.good_first_note)}：蓝色较好，红色较差</div>'
    if classes.rule:
        note += f'<div class="gm-note">{html.escape(classes.rule)}</div>'
    sub = f'<div class="gm-sub">{html.escape(subtitle)}</div>' if subtitle else ""
    return f'<div class="gm-title">{html.escape(title)}</div>{sub}{rows}{note}'


# -- map elements --------------------------------------------------------------------------------------------
_CSS = """
<style>
  .leaflet-container { background: #eef2f7; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
  .gm-tip { font-size: 16px; line-height: 1.5; padding: 8px 10px; }
  .gm-tip b { font-size: 17px; }
  /* position/white-space also set here: leaflet.css may still be loading when labels are placed */
  .gm-label { position: absolute; white-space: nowrap; background: transparent; border: none; box-shadow: none; font-size: 14px; font-weight: 600;
              color: #111827; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; padding: 0; }
  .gm-label::before { display: none; }
  .gm-legend { background: rgba(255,255,255,.94); padding: 10px 12px; border-radius: 6px; font-size: 15px;
               line-height: 1.45; box-shadow: 0 1px 4px rgba(0,0,0,.3); color: #111827; }
  .gm-title { font-weight: 700; }
  .gm-sub { color: #4b5563; font-size: 13px; margin-bottom: 4px; }
  .gm-row { display: flex; align-items: center; gap: 8px; }
  .gm-sw { width: 22px; height: 16px; border: 1px solid #6b7280; display: inline-block; flex: none; }
  .gm-lab { flex: 1; }
  .gm-n { color: #6b7280; font-size: 13px; margin-left: 6px; }
  .gm-note { color: #4b5563; font-size: 13px; margin-top: 4px; max-width: 230px; }
  .gm-line .gm-lab { color: #b45309; font-size: 13px; }
  .gm-line .gm-key { border-top-color: #f59e0b; width: 22px; }
  .gm-key { display: inline-block; width: 18px; height: 0; border-top: 3px dashed #b91c1c; vertical-align: middle; }
</style>
"""


class GeoJsonLayer(folium.map.Layer):
    """A GeoJSON layer whose data is written verbatim (pre-serialised, cached text) and
    whose per-feature style and tooltip come from a small lookup by ``properties.code``:
    the geometry of a view is serialised once, the values change with the metric."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }}_look = {{ this.look_json }};
        var {{ this.get_name() }} = L.geoJson({{ this.geojson }}, {
            {%- if this.pane %} pane: {{ this.pane|tojson }},{% endif %}
            interactive: {{ 'true' if this.interactive else 'false' }},
            style: function(feature) {
                var s = {{ this.get_name() }}_look[feature.properties.code];
                return Object.assign({}, {{ this.base_style_json }}, feature.properties.style || {}, s ? s.s : {});
            },
            onEachFeature: function(feature, layer) {
                var s = {{ this.get_name() }}_look[feature.properties.code];
                var tip = (s && s.t) || feature.properties.tip || {{ this.default_tooltip_json }};
                if (tip) { layer.bindTooltip(tip, {sticky: true, className: 'gm-tip'}); }
                {%- if this.highlight %}
                layer.on({
                    mouseover: function(e) { e.target.setStyle({weight: 4, color: '#111827'}); },
                    mouseout: function(e) { {{ this.get_name() }}.resetStyle(e.target); }
                });
                {%- endif %}
            }
        });
        {%- if this.labels %}
        var {{ this.get_name() }}_labels = L.layerGroup(
            {{ this.labels_json }}.map(function(l) {
                return L.tooltip({permanent: true, direction: 'center', className: 'gm-label', interactive: false})
                        .setLatLng([l[0], l[1]]).setContent(l[2]);
            }));
        {{ this.get_name() }}.on('add', function() { {{ this.get_name() }}_labels.addTo({{ this._parent.get_name() }}); });
        {{ this.get_name() }}.on('remove', function() { {{ this._parent.get_name() }}.removeLayer({{ this.get_name() }}_labels); });
        // A label is centred using its size when it is placed; place the labels again once
        // styles have loaded and whenever the view settles, so none is left off-centre.
        var {{ this.get_name() }}_relabel = function() { {{ this.get_name() }}_labels.eachLayer(function(t) { t.update(); }); };
        {{ this._parent.get_name() }}.on('resize zoomend moveend viewreset', {{ this.get_name() }}_relabel);
        window.addEventListener('load', {{ this.get_name() }}_relabel);
        [0, 300, 1500].forEach(function(ms) { setTimeout({{ this.get_name() }}_relabel, ms); });
        {%- endif %}
        {% endmacro %}
    """)

    def __init__(self, geojson: str, name: str, look: dict[str, dict] | None = None, *,
                 base_style: dict | None = None, default_tooltip: str = "", interactive: bool = True,
                 highlight: bool = True, pane: str | None = None, labels: Sequence | None = None,
                 overlay: bool = True, control: bool = True, show: bool = True):
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "GeoJsonLayer"
        self.geojson = geojson
        self.look_json = json.dumps(look or {}, ensure_ascii=False, separators=(",", ":"))
        self.base_style_json = json.dumps(base_style or {}, separators=(",", ":"))
        self.default_tooltip_json = json.dumps(default_tooltip, ensure_ascii=False)
        self.interactive = interactive
        self.highlight = highlight
        self.pane = pane
        self.labels = list(labels or [])
        self.labels_json = json.dumps(self.labels, ensure_ascii=False, separators=(",", ":"))


class Legend(MacroElement):
    """The legend as a Leaflet control (it belongs to the picture on a projector)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function() {
            var div = L.DomUtil.create('div', 'gm-legend');
            div.innerHTML = {{ this.html|tojson }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, html_text: str, position: str = "bottomright"):
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self.position = position


class FitBounds(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {paddingTopLeft: [12, 12], paddingBottomRight: {{ this.right|tojson }}});
        {% endmacro %}
    """)

    def __init__(self, bounds, right_margin: int = 12):
        super().__init__()
        self._name = "FitBounds"
        self.bounds = bounds
        self.right = [right_margin, 12]


class ChineseControls(MacroElement):
    """A metric-only scale (folium's ``control_scale`` also draws miles and feet) and a plain "Leaflet"
    credit (Leaflet 1.9's own prefix carries a flag icon)."""
    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "ChineseControls"


class Pane(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.createPane({{ this.name|tojson }}).style.zIndex = {{ this.z|tojson }};
        {% endmacro %}
    """)

    def __init__(self, name: str, z: int):
        super().__init__()
        self._name = "Pane"
        self.name = name
        self.z = z


# -- basemaps ------------------------------------------------------------------------------------------------
TIANDITU_URL = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
                "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}"
                "&TILECOL={{x}}&tk={key}")
AMAP_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


@dataclass(frozen=True)
class Basemap:
    kind: str  # none / local / tianditu / amap (what is actually drawn)
    gcj02: bool  # geometry must be shifted to GCJ-02
    problem: str = ""  # why the configured basemap could not be used (Chinese)


def basemap_for(cfg: Settings) -> Basemap:
    if cfg.basemap == "local" and not cfg.local_tile_url.strip():
        return Basemap("none", False, "配置了本地瓦片底图（map.basemap = \"local\"），但 map.local_tile_url 为空，已不显示底图。")
    if cfg.basemap == "tianditu" and not cfg.tianditu_key.strip():
        return Basemap("none", False, "配置了天地图底图，但 map.tianditu_key 为空（需要天地图开发者 key），已不显示底图。")
    return Basemap(cfg.basemap, cfg.basemap == "amap")


def _add_tiles(m: folium.Map, basemap: Basemap, cfg: Settings) -> None:
    if basemap.kind == "local":
        folium.TileLayer(cfg.local_tile_url, attr=cfg.local_tile_attribution or "本地瓦片", name="底图",
                         control=False, max_zoom=20).add_to(m)
    elif basemap.kind == "tianditu":
        for layer, name in (("vec", "天地图"), ("cva", "天地图注记")):
            folium.TileLayer(TIANDITU_URL.format(layer=layer, key=cfg.tianditu_key, s="{s}"),
                             attr="© 天地图", name=name, subdomains="01234567", control=False,
                             max_zoom=18).add_to(m)
    elif basemap.kind == "amap":
        folium.TileLayer(AMAP_URL, attr="© 高德地图", name="高德地图", subdomains="1234", control=False,
                         max_zoom=18).add_to(m)


def base_map(bounds: Sequence[float], basemap: Basemap, cfg: Settings) -> folium.Map:
    """An empty map fitted to ``bounds`` (min lon, min lat, max lon, max lat), local assets only."""
    minx, miny, maxx, maxy = bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=10, tiles=None,
                   control_scale=False, prefer_canvas=False, zoom_snap=0.25, zoom_delta=0.5)
    _local_assets(m)
    m.add_child(ChineseControls())
    m.get_root().header.add_child(Element(_CSS), name="gm_css")
    _add_tiles(m, basemap, cfg)
    m.add_child(Pane("gm_overlays", 450))
    m.add_child(FitBounds([[miny, minx], [maxy, maxx]], right_margin=LEGEND_WIDTH))
    return m


def add_legend(m: folium.Map, title: str, classes: Classes, extra_html: str = "", subtitle: str = "") -> None:
    m.add_child(Legend(legend_html(title, classes, subtitle) + extra_html))


def add_layer_control(m: folium.Map) -> None:
    folium.LayerControl(collapsed=False, position="topright").add_to(m)


def tooltip_html(title: str, lines: Sequence[str]) -> str:
    return f"<b>{html.escape(title)}</b>" + "".join(f"<br>{html.escape(line)}" for line in lines)


# -- showing the map -----------------------------------------------------------------------------------------
CLICK_KEY = "last_active_drawing"


def clicked_code(value) -> str | None:
    """The ``properties.code`` of the feature in a streamlit-folium click value."""
    if not isinstance(value, dict):
        return None
    feature = value.get(CLICK_KEY)
    if not isinstance(feature, dict):
        return None
    code = (feature.get("properties") or {}).get("code")
    return str(code) if code else None


def show(m: folium.Map, key: str, on_click: Callable[[str], None], height: int = 620) -> None:
    """Draw the map; a click on a feature with a ``code`` calls ``on_click(code)`` before
    the rerun (like any widget callback). Only clicks rerun the page."""
    from streamlit_folium import st_folium

    ensure_static_assets()

    def _clicked() -> None:
        import streamlit as st

        code = clicked_code(st.session_state.get(key))
        if code:
            on_click(code)

    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[CLICK_KEY],
              on_change=_clicked)


def script_of(m: folium.Map) -> str:
    """The JavaScript streamlit-folium ships for this map (to measure the payload)."""
    from streamlit_folium import _get_map_string

    m.get_root().render()
    return _get_map_string(m)


def asset_links(m: folium.Map) -> tuple[list[str], list[str]]:
    """The script and style URLs streamlit-folium will load for this map."""
    js, css = [], []

    def walk(el):
        if isinstance(el, folium.elements.JSCSSMixin):
            js.extend(u for _, u in el.default_js)
            css.extend(u for _, u in el.default_css)
        for child in getattr(el, "_children", {}).values():
            walk(child)

    walk(m)
    return list(dict.fromkeys(js)), list(dict.fromkeys(css))


# -- the 网格地图 page's map -----------------------------------------------------------------------------------
def select_area(code: str) -> None:
    """A click on a polygon or a ranking row: drill into a child area; at community level,
    where the children are grids, keep the scope and show the grid's card instead."""
    from dashboard.ui import state

    f = state.current()
    area = db.areas().get(code)
    if area is None or area.parent_code != f.scope:
        return  # a click on a map drawn for another scope
    if area.level == "grid":
        state.set_page_param("grid", code)
    else:
        state.set_page_param("grid", None)
        state.drill(code)


def area_map(f, values, shapes, basemap: Basemap, cfg: Settings, *, when: str = "",
             selected: str | None = None,
             no_fulltime: str | None = None, coverage: str | None = None,
             flagged: frozenset[str] = frozenset(), label_limit: int = 60) -> folium.Map:
    """The choropleth of the children of the current scope, with its legend and overlays.

    ``values`` is ``dashboard.data.grids.ChildValues``; ``shapes`` the cached
    ``MapShapes`` of the view; ``no_fulltime``/``coverage`` optional GeoJSON overlays;
    ``flagged`` grid codes whose tooltip says they have no full-time worker.
    """
    m_ = values.metric
    frame = values.frame.set_index("area_code")
    classes = colour_classes(list(frame["value"]), m_, list(frame["status"]), values.reference)
    total = values.ranked_count
    look: dict[str, dict] = {}
    labels = []
    parent_name = db.areas().name(f.scope) if f.scope else ""
    for code, name, point in zip(shapes.codes, shapes.names, shapes.label_points):
        row = frame.loc[code] if code in frame.index else None
        value = None if row is None else row["value"]
        lines = [f"{m_.zh}：{m_.format(value)}", rank_text(row, total)]
        note = common.denominator_note(m_, row) if row is not None else ""
        if note:
            lines.append(note)
        if code in flagged:
            lines.append("⚠ 无在岗专职网格员")
        style = {"fillColor": classes.colour_of(value, "无数据" if row is None else row["status"])}
        if code == selected:
            style.update(weight=5, color="#111827")
        look[code] = {"s": style, "t": tooltip_html(name, lines)}
        if len(shapes.codes) <= label_limit:
            short = name.removeprefix(parent_name) or name  # “东一社区第3网格” → “第3网格”
            labels.append([point[0], point[1], f"{html.escape(short)}<br>{html.escape(m_.format(value, with_unit=False))}"])
    m = base_map(shapes.bounds, basemap, cfg)
    GeoJsonLayer(shapes.geojson, m_.zh, look, labels=labels, control=bool(no_fulltime or coverage),
                 base_style={"color": "#ffffff", "weight": 1.5, "fillOpacity": 0.82, "opacity": 1}).add_to(m)
    extra = ""
    if no_fulltime:
        GeoJsonLayer(no_fulltime, "无在岗专职网格员的网格", pane="gm_overlays", interactive=False, highlight=False,
                     base_style={"color": "#b91c1c", "weight": 3, "dashArray": "8 6", "fill": False}).add_to(m)
        extra += '<div class="gm-row"><span class="gm-key"></span><span class="gm-lab">无在岗专职网格员</span></div>'
    if coverage:
        GeoJsonLayer(coverage, "网格缝隙 / 重叠", pane="gm_overlays", highlight=False).add_to(m)
        extra += ('<div class="gm-row"><span class="gm-sw" style="background:#111827"></span>'
                  '<span class="gm-lab">网格缝隙</span></div>'
                  '<div class="gm-row"><span class="gm-sw" style="background:#c026d3"></span>'
                  '<span class="gm-lab">网格重叠</span></div>')
    unit = f"（{m_.unit}）" if m_.unit else ""
    add_legend(m, f"{m_.zh}{unit}", classes, extra, subtitle=when)
    if no_fulltime or coverage:
        add_layer_control(m)
    return m


def select_row(table_key: str, codes: Sequence[str]) -> None:
    """A click on a row of the ranking beside the map (same effect as clicking the polygon)."""
    import streamlit as st

    event = st.session_state.get(table_key) or {}  # {"selection": {"rows": [...], ...}} (a dict)
    rows = (event.get("selection") or {}).get("rows") or []
    if rows and 0 <= rows[0] < len(codes):
        select_area(codes[rows[0]])


# -- the same choropleth as a static picture (slides, PDF, presentation mode) ----------------------------------
def _rings(geometry: dict) -> list[list]:
    """Exterior rings of a GeoJSON Polygon/MultiPolygon (holes are drawn by the children inside them)."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _placed_labels(shapes, features, frame, m_, parent_name: str, height: int, aspect: float):
    """(x, y, text) of each area's label, or (x, y, None) where it would overlap a label already placed:
    labels are placed largest area first, each as a box of its text's size on the picture (15 px type,
    two lines), so small neighbouring districts (玉泉区, 西津区, 白鹭区) do not print over each other."""
    west, south, east, north = shapes.bounds
    # Pixels per degree of latitude, at the smallest size the picture is drawn (the slide image: 313 px high
    # with 15 px type, dashboard/meetings/brief.py CHART_PX / ZOOM); larger views only have more room.
    per_y = max(min(height, 313) - 16, 1) / max(north - south, 1e-9)
    per_x = per_y / aspect
    items = []
    for i, (code, name, point) in enumerate(zip(shapes.codes, shapes.names, shapes.label_points)):
        value = frame.loc[code, "value"] if code in frame.index else None
        short = (name.removeprefix(parent_name) if parent_name else name) or name
        number = m_.format(value, with_unit=False)
        width_px = max(len(short) * 15, len(number) * 9) + 6
        items.append((i, point[1], point[0], f"{short}<br>{number}", width_px / per_x / 2, 20 / per_y))
    order = sorted(items, key=lambda t: -_extent(features[t[0]]))
    placed: list[tuple[float, float, float, float]] = []
    out: dict[int, tuple] = {}
    for i, x, y, text, hw, hh in order:
        if any(abs(x - px) < hw + pw and abs(y - py) < hh + ph for px, py, pw, ph in placed):
            out[i] = (x, y, None)
            continue
        placed.append((x, y, hw, hh))
        out[i] = (x, y, text)
    return [out[i] for i in range(len(items))]


def _extent(feature) -> float:
    """The size of an area on the map (its bounding box), to place the labels of large areas first."""
    pts = [p for ring in _rings(feature["geometry"]) for p in ring]
    return (max(p[0] for p in pts) - min(p[0] for p in pts)) * (max(p[1] for p in pts) - min(p[1] for p in pts))


def static_map(values, shapes, *, parent_name: str = "", when: str = "", height: int = 470, label_limit: int = 40):
    """The choropleth of ``shapes`` coloured like the page's map, as a plotly figure of filled
    polygons on plain axes (no basemap, no geo subplot: plotly's geo would fetch its world
    outlines from a CDN). Legend rows are the same colour classes as on the page."""
    import plotly.graph_objects as go

    m_ = values.metric
    frame = values.frame.set_index("area_code")
    classes = colour_classes(list(frame["value"]), m_, list(frame["status"]), values.reference)
    fig = go.Figure()
    features = json.loads(shapes.geojson)["features"]
    for feature, point in zip(features, shapes.label_points):
        code = feature["properties"]["code"]
        value = frame.loc[code, "value"] if code in frame.index else None
        status = frame.loc[code, "status"] if code in frame.index else "无数据"
        xs, ys = [], []
        for ring in _rings(feature["geometry"]):
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=classes.colour_of(value, status),
                                 line=dict(color="#ffffff", width=1.2), hoverinfo="skip", showlegend=False))
    west, south, east, north = shapes.bounds
    aspect = 1 / max(math.cos(math.radians((south + north) / 2)), 0.1)  # degrees of longitude are shorter
    skipped = 0
    if len(features) <= label_limit:
        xs, ys, texts = [], [], []
        for (x, y, text) in _placed_labels(shapes, features, frame, m_, parent_name, height, aspect):
            if text is None:
                skipped += 1
                continue
            xs.append(x), ys.append(y), texts.append(text)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="text", text=texts, textfont=dict(size=15, color="#111827"),
                                 hoverinfo="skip", showlegend=False))
    for row in classes.legend:  # legend entries: a coloured square per class, a dashed line for the alert line
        if row.colour == LINE_ROW:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=row.label,
                                     line=dict(color="#f59e0b", dash="dash", width=3)))
            continue
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=f"{row.label}（{row.count}）",
                                 marker=dict(symbol="square", size=16, color=row.colour,
                                             line=dict(color="#6b7280", width=1))))
    unit = f"（{m_.unit}）" if m_.unit else ""
    note = "，".join(t for t in (classes.good_first_note, when) if t)
    if skipped:
        note += f"<br>{skipped} 个较小区域未标名称，数值见排名"
    if classes.rule:
        note += f"<br>{classes.rule}"
    fig.update_layout(
        height=height, margin=dict(l=8, r=8, t=8, b=8), plot_bgcolor="#ffffff", paper_bgcolor="#ffffff",
        legend=dict(title=dict(text=f"{m_.zh}{unit}" + (f"<br><sub>{note}</sub>" if note else ""), font=dict(size=17)),
                    x=1.0, xanchor="left", y=1.0, yanchor="top", bgcolor="rgba(255,255,255,0.9)", font_size=15),
        font=dict(family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"))
    fig.update_xaxes(visible=False, range=[west, east], constrain="domain")
    fig.update_yaxes(visible=False, range=[south, north], scaleanchor="x", scaleratio=aspect, constrain="domain")
    return fig
