"""示例数据 — a deterministic generator of the fictional city 云川市 (docs/domain.md「示例城市」).

    python -m sample_data.generate --scale tiny|demo|large --seed N --out PATH

Modules, in the order the generator runs them:

* ``geometry``   — city outline, grid cells (Voronoi, exact coverage), region growing;
* ``areas``      — 区/县 → 街道/镇/乡 → 社区/村 → 网格: codes, kinds, names, people;
* ``workers``    — 网格员 and their assignments;
* ``tickets``    — 诉求工单 in monthly chunks (``categories`` holds the category tree);
* ``orgs``       — 社会组织;
* ``assessment`` — 居（村）委会考核;
* ``generate``   — the command line, feeding ``dashboard.store.build.DatabaseBuilder``.

``scales`` defines tiny/demo/large, ``names`` the Chinese name lists and ``random``
the independent random streams that make every part reproducible from the seed.
"""
