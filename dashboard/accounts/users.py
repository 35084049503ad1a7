"""账号 — local accounts: roles, areas, argon2 password hashes, lockout; and the command line.

Roles (``ROLES``): 市级 sees the whole city, 区县级 one district, 街道级 one street, 管理员
the whole city plus the account and audit pages. An account's area is a division code
('' = the whole city); an account without an area sees nothing (deny by default).

Passwords are hashed with argon2id (``argon2-cffi``, the reference implementation's
bindings, with its current default cost); plain passwords are never stored or logged.

Command line (for the first administrator of a real city and for scripts)::

    python -m dashboard.accounts.users add --username admin --role admin --name 系统管理员
    python -m dashboard.accounts.users add --username hx_qu --role district --area 990101 --name 张三
    python -m dashboard.accounts.users list
    python -m dashboard.accounts.users disable hx_qu | enable hx_qu | unlock hx_qu
    python -m dashboard.accounts.users set-password hx_qu          # asks twice; or --password-stdin
"""

from __future__ import annotations

import argparse
import getpass
import json
import secrets
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dashboard.accounts import sessions
from dashboard.store import appdb

ROLES = {"city": "市级", "district": "区县级", "street": "街道级", "admin": "管理员"}
ROLE_AREA_LENGTH = {"city": 0, "admin": 0, "district": 6, "street": 9}
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


class AccountError(ValueError):
    """A refused account operation; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    area_code: str | None
    disabled: bool
    demo: bool
    failed_logins: int
    locked_until: datetime | None

    @property
    def role_zh(self) -> str:
        return ROLES[self.role]

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def area_root(self) -> str | None:
        """The area this account may see ('' = whole city), None = nothing."""
        if self.area_code is None:
            return None
        if len(self.area_code) != ROLE_AREA_LENGTH[self.role]:
            return None  # an inconsistent record is denied, not guessed
        return self.area_code


def _row_to_user(r) -> User:
    return User(r["username"], r["display_name"], r["role"], r["area_code"], bool(r["disabled"]), bool(r["demo"]),
                int(r["failed_logins"]), datetime.fromisoformat(r["locked_until"]) if r["locked_until"] else None)


def get(username: str, path: Path | None = None) -> User | None:
    with appdb.connect(path) as con:
        r = con.execute("SELECT * FROM users WHERE username = ?", [username]).fetchone()
    return _row_to_user(r) if r else None


def all_users(path: Path | None = None) -> list[User]:
    with appdb.connect(path) as con:
        return [_row_to_user(r) for r in con.execute("SELECT * FROM users ORDER BY role, username").fetchall()]


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 位")
    kinds = sum(any(test(c) for c in password) for test in (str.isdigit, str.islower, str.isupper,
                                                             lambda c: not c.isalnum()))
    if kinds < 3:
        raise AccountError("密码须包含数字、小写字母、大写字母、符号中的至少三类")


def _check_role_area(role: str, area: str | None) -> None:
    if role not in ROLES:
        raise AccountError(f"角色只能是 {' / '.join(f'{k}（{v}）' for k, v in ROLES.items())}，而不是“{role}”")
    need = ROLE_AREA_LENGTH[role]
    if role in ("district", "street"):
        if not area or len(area) != need or not area.isdigit():
            raise AccountError(f"{ROLES[role]}账号需要 {need} 位{'区县' if need == 6 else '街道/乡镇'}代码，而不是“{area or ''}”")
    elif area:
        raise AccountError(f"{ROLES[role]}账号看全市，不填区域代码")


def add(username: str, display_name: str, role: str, area: str | None, password: str | None,
        demo: bool = False, path: Path | None = None, check_rules: bool = True) -> User:
    """Create an account. ``password`` None = an account of the header/OIDC modes (no local login)."""
    username = username.strip()
    if not username or len(username) > 64 or not all(c.isalnum() or c in "._-@" for c in username):
        raise AccountError("用户名只能由字母、数字和 . _ - @ 组成，最长 64 位")
    if not display_name.strip():
        raise AccountError("请填写姓名")
    _check_role_area(role, area)
    if password is not None and check_rules:
        check_password_rules(password)
    stamp = appdb.now().isoformat()
    with appdb.connect(path) as con:
        if con.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise AccountError(f"用户名“{username}”已存在")
        con.execute("INSERT INTO users (username, display_name, role, area_code, password_hash, demo, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [username, display_name.strip(), role, area or "", _hasher.hash(password) if password else None,
                     int(demo), stamp, stamp])
    return get(username, path)


_UPDATES = {  # fixed statements: no SQL text is ever built from values
    "password": "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE username = ?",
    "disabled": "UPDATE users SET disabled = ?, updated_at = ? WHERE username = ?",
    "unlock": "UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = ? WHERE username = ?",
}


def _update(statement: str, username: str, path: Path | None, *values) -> None:
    with appdb.connect(path) as con:
        n = con.execute(_UPDATES[statement], [*values, appdb.now().isoformat(), username]).rowcount
    if not n:
        raise AccountError(f"没有用户名为“{username}”的账号")


def set_password(username: str, password: str, path: Path | None = None) -> None:
    check_password_rules(password)
    _update("password", username, path, _hasher.hash(password))


def set_disabled(username: str, disabled: bool, path: Path | None = None) -> None:
    _update("disabled", username, path, int(disabled))
    if disabled:  # its browsers' logins end too: a reload does not bring the account back
        sessions.revoke_user(username, path)


def unlock(username: str, path: Path | None = None) -> None:
    _update("unlock", username, path)


def authenticate(username: str, password: str, max_failures: int, lockout_minutes: int,
                 demo_allowed: bool, path: Path | None = None) -> User:
    """The user if the password is right; else ``AccountError`` with the reason a user may see.

    Wrong passwords count; after ``max_failures`` in a row the account is locked for
    ``lockout_minutes``. The message for an unknown name and a wrong password is the same."""
    wrong = AccountError("用户名或密码不正确")
    with appdb.connect(path) as con:
        r = con.execute("SELECT * FROM users WHERE username = ?", [username.strip()]).fetchone()
        if r is None or not r["password_hash"]:
            _hasher.hash(password or "x")  # same work as a real check: no timing hint that the name is unknown
            raise wrong
        user = _row_to_user(r)
        moment = appdb.now()
        if user.locked_until and user.locked_until > moment:
            raise AccountError(f"连续输错密码次数过多，账号已锁定至 {user.locked_until:%H:%M}。请稍后再试，或请管理员解锁。")
        try:
            _hasher.verify(r["password_hash"], password)
        except (VerificationError, InvalidHashError):
            failures = user.failed_logins + 1
            locked = (moment + timedelta(minutes=lockout_minutes)).isoformat() if failures >= max_failures else None
            con.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?",
                        [0 if locked else failures, locked, user.username])
            if locked:
                raise AccountError(f"连续 {max_failures} 次输错密码，账号已锁定 {lockout_minutes} 分钟。") from None
            raise wrong from None
        if user.disabled:
            raise AccountError("该账号已停用，请联系管理员。")
        if user.demo and not demo_allowed:
            raise AccountError("演示账号只能在示例数据下使用。")
        con.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?", [user.username])
        if _hasher.check_needs_rehash(r["password_hash"]):
            con.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_hasher.hash(password), user.username])
    return get(user.username, path)


# -- demo accounts (sample data only) ------------------------------------------------------------------
def demo_password() -> str:
    """A random password that meets the rules, e.g. ``Demo-k3Fz-9QpL``."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        pw = "Demo-" + "".join(secrets.choice(alphabet) for _ in range(4)) + "-" + \
             "".join(secrets.choice(alphabet) for _ in range(4))
        try:
            check_password_rules(pw)
            return pw
        except AccountError:
            continue


def ensure_demo_accounts(district: tuple[str, str], street: tuple[str, str], secrets_file: Path,
                         path: Path | None = None) -> list[dict]:
    """One demo account per role for the sample city, with random passwords kept (for the
    login page only) in ``secrets_file`` beside the application database, never in the
    repository. Returns [{username, password, role, area}] for the login page."""
    if secrets_file.exists():
        shown = json.loads(secrets_file.read_text(encoding="utf-8"))
        if all(get(a["username"], path) for a in shown):
            return shown
    wanted = [("demo_admin", "演示管理员", "admin", "", "全市"),
              ("demo_city", "演示市级领导", "city", "", "全市"),
              ("demo_district", f"演示{district[1]}领导", "district", district[0], district[1]),
              ("demo_street", f"演示{street[1]}干部", "street", street[0], street[1])]
    shown = []
    for username, name, role, area, area_name in wanted:
        pw = demo_password()
        if get(username, path):
            set_password(username, pw, path)
        else:
            add(username, name, role, area, pw, demo=True, path=path)
        shown.append({"username": username, "password": pw, "role": ROLES[role], "area": area_name})
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    secrets_file.write_text(json.dumps(shown, ensure_ascii=False, indent=1), encoding="utf-8")
    secrets_file.chmod(0o600)
    return shown


# -- command line ----------------------------------------------------------------------------------------
def _read_password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise AccountError("两次输入的密码不一致")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.accounts.users", description="管理看板账号")
    parser.add_argument("--app-db", type=Path, help="应用数据库文件（默认取配置 [auth] app_database）")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("add", help="新建账号")
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help="姓名（显示在页面和导出文件上）")
    p.add_argument("--role", required=True, choices=list(ROLES))
    p.add_argument("--area", default="", help="区县级填 6 位区县代码，街道级填 9 位街道/乡镇代码")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（脚本用）")
    p.add_argument("--no-password", action="store_true", help="统一身份认证（header/oidc 模式）账号，不设本地密码")
    sub.add_parser("list", help="列出账号")
    for name, text in (("disable", "停用账号"), ("enable", "启用账号"), ("unlock", "解除锁定")):
        sub.add_parser(name, help=text).add_argument("username")
    p = sub.add_parser("set-password", help="重设密码")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    args = parser.parse_args(argv)
    path = args.app_db
    try:
        if args.command == "add":
            pw = None if args.no_password else _read_password(args)
            user = add(args.username, args.name, args.role, args.area or None, pw, path=path)
            appdb.audit("admin", "命令行", path=path, what="新建账号", target=user.username, role=user.role,
                        area=user.area_code)
            print(f"已新建账号 {user.username}（{user.role_zh}，区域 {user.area_code or '全市'}）")
        elif args.command == "list":
            for u in all_users(path):
                state = "停用" if u.disabled else ("锁定" if u.locked_until and u.locked_until > appdb.now() else "正常")
                print(f"{u.username:20} {u.display_name:12} {u.role_zh:6} {u.area_code or '全市':10} {state}"
                      f"{' 演示' if u.demo else ''}")
        elif args.command in ("disable", "enable"):
            set_disabled(args.username, args.command == "disable", path)
            appdb.audit("admin", "命令行", path=path, what="停用账号" if args.command == "disable" else "启用账号",
                        target=args.username)
            print(f"已{'停用' if args.command == 'disable' else '启用'} {args.username}")
        elif args.command == "unlock":
            unlock(args.username, path)
            appdb.audit("admin", "命令行", path=path, what="解除锁定", target=args.username)
            print(f"已解除 {args.username} 的锁定")
        elif args.command == "set-password":
            set_password(args.username, _read_password(args), path)
            appdb.audit("admin", "命令行", path=path, what="重设密码", target=args.username)
            print(f"已重设 {args.username} 的密码")
    except AccountError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
