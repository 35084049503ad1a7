"""管理员页面的数据与操作 — accounts and the audit log as tables, account changes with
Chinese results, each change written to the audit log."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from dashboard.accounts import users
from dashboard.store import appdb, db

ROLE_CHOICES = users.ROLES
ACTIONS = {"disable": "停用", "enable": "启用", "unlock": "解除锁定", "password": "重设密码"}
AUDIT_ACTIONS = {"login": "登录", "login_failed": "登录失败", "logout": "退出", "view": "查看", "export": "导出",
                 "admin": "管理操作", "denied": "拒绝访问"}


def accounts_frame() -> pd.DataFrame:
    now = appdb.now()
    areas = db.areas()
    rows = [{"用户名": u.username, "姓名": u.display_name, "角色": u.role_zh,
             "区域": (areas.name(u.area_code) if u.area_code and areas.get(u.area_code) else (u.area_code or "全市")),
             "状态": "停用" if u.disabled else ("锁定" if u.locked_until and u.locked_until > now else "正常"),
             "演示账号": "是" if u.demo else ""} for u in users.all_users()]
    return pd.DataFrame(rows, columns=["用户名", "姓名", "角色", "区域", "状态", "演示账号"])


def usernames() -> list[str]:
    return [u.username for u in users.all_users()]


def area_choices() -> list[str]:
    areas = db.areas()
    out = [""]
    for d in areas.children(""):
        out.append(d.code)
        out += [s.code for s in areas.children(d.code)]
    return out


def area_label(code: str) -> str:
    if not code:
        return "全市（市级、管理员）"
    areas = db.areas()
    return " › ".join(a.name for a in areas.ancestors(code) if a.code)


def create_account(admin_user: users.User, username: str, name: str, role: str, area: str, password: str) -> tuple[bool, str]:
    try:
        u = users.add(username, name, role, area or None, password)
    except users.AccountError as e:
        return False, str(e)
    appdb.audit("admin", admin_user.username, what="新建账号", target=u.username, role=u.role, area=u.area_code)
    return True, f"已新建账号 {u.username}（{u.role_zh}）"


def change_account(admin_user: users.User, target: str | None, action: str, password: str) -> tuple[bool, str]:
    if not target:
        return False, "请选择账号"
    if target == admin_user.username and action == "disable":
        return False, "不能停用自己的账号"
    try:
        if action in ("disable", "enable"):
            users.set_disabled(target, action == "disable")
        elif action == "unlock":
            users.unlock(target)
        elif action == "password":
            users.set_password(target, password)
        else:
            return False, "未知操作"
    except users.AccountError as e:
        return False, str(e)
    appdb.audit("admin", admin_user.username, what=ACTIONS[action], target=target)
    return True, f"已{ACTIONS[action]}：{target}"


def audit_frame(since: datetime, until: datetime, username: str | None, action: str | None) -> pd.DataFrame:
    rows = appdb.audit_rows(since, until, username, action)
    out = [{"时间": r["at"].replace("T", " "), "用户": r["username"] or "", "操作": AUDIT_ACTIONS.get(r["action"], r["action"]),
            "页面": r["page"] or "", "区域代码": r["scope"] or "",
            "详情": "；".join(f"{k}={v}" for k, v in json.loads(r["detail"]).items()) if r["detail"] else ""}
           for r in rows]
    return pd.DataFrame(out, columns=["时间", "用户", "操作", "页面", "区域代码", "详情"])
