"""督办闭环 — supervision items from a red number to its closing, every step attributed.

A 督办 (supervision notice) is issued by the supervision office to the unit behind overdue
tickets or a lagging indicator, with a deadline in working days; the addressee answers with
its 反馈/整改说明 (optionally with an attachment); the office closes it (已办结) or sends it
back (退回重办, with a new deadline). The states:

=============  =================================================================
已下发 issued   waiting for the addressee's 反馈
已反馈 answered waiting for the office's check
已办结 closed   done
退回重办 returned waiting for a new 反馈 (the deadline is set anew)
=============  =================================================================

逾期未反馈 is not a stored state but a fact of the moment: an item waiting for 反馈 whose
deadline has passed. A 反馈 given after the deadline counts as 逾期反馈. An addressee with
``criticism_after`` or more late items (逾期未反馈 + 逾期反馈) within the last
``criticism_window_days`` is flagged for 通报批评 (configurable in ``[duban]``).

Deadlines: the end (23:59:59) of the N-th working day after the day of issue (or of the
return), on the statutory calendar of ``dashboard.store.workdays`` — the same rule as ticket
time limits.

Items and their events live in the application database (``dashboard.store.appdb``), beside
the audit log; each step also writes an audit record. No Streamlit here: the page
``pages/duban.py`` and the tests call these functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from dashboard.accounts.users import User
from dashboard.store import appdb

STATUS_ZH = {"issued": "已下发", "answered": "已反馈", "closed": "已办结", "returned": "退回重办"}
WAITING = ("issued", "returned")
KIND_ZH = {"tickets": "超期工单督办", "indicator": "指标滞后督办"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".jpg", ".jpeg", ".png", ".zip", ".txt")

SCHEMA = """
CREATE TABLE IF NOT EXISTS duban_items (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    number           TEXT NOT NULL UNIQUE,      -- 督办〔2026〕3 号
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('tickets', 'indicator')),
    addressee_code   TEXT NOT NULL,             -- the area whose accounts answer ('' never: the city does not answer itself)
    addressee_name   TEXT NOT NULL,
    handling_unit    TEXT,                      -- 承办单位 named in the notice, if any
    subject          TEXT NOT NULL,
    requirement      TEXT NOT NULL,
    evidence         TEXT NOT NULL,             -- JSON: the tickets or figures behind it, as issued
    deadline_days    INTEGER NOT NULL,
    deadline         TEXT NOT NULL,             -- ISO timestamp, end of the N-th working day
    status           TEXT NOT NULL CHECK (status IN ('issued', 'answered', 'closed', 'returned')),
    issued_by        TEXT NOT NULL,
    issued_at        TEXT NOT NULL,
    answered_at      TEXT,
    answered_late    INTEGER NOT NULL DEFAULT 0, -- 1 = some 反馈 of this item came after its deadline
    reminders        INTEGER NOT NULL DEFAULT 0,
    closed_at        TEXT
);
CREATE TABLE IF NOT EXISTS duban_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    INTEGER NOT NULL REFERENCES duban_items (id),
    at         TEXT NOT NULL,
    username   TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('issue', 'answer', 'close', 'return', 'remind')),
    text       TEXT,
    attachment_name TEXT,
    attachment BLOB
);
CREATE TRIGGER IF NOT EXISTS duban_events_no_update BEFORE UPDATE ON duban_events
BEGIN SELECT RAISE(ABORT, '督办记录只能追加，不能修改'); END;
CREATE TRIGGER IF NOT EXISTS duban_events_no_delete BEFORE DELETE ON duban_events
BEGIN SELECT RAISE(ABORT, '督办记录不能删除'); END;
"""

# What a file of each accepted type begins with: a file whose bytes do not match its name (a program renamed
# .pdf, a script renamed .jpg) is refused. .docx/.xlsx are ZIP packages; .doc/.xls the older OLE2 format.
_MAGIC = {".pdf": (b"%PDF-",), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
          ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".zip": (b"PK\x03\x04", b"PK\x05\x06"),
          ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",), ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)}
_EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")  # Windows, Linux, scripts, macOS


def checked_attachment(name: str, data: bytes) -> tuple[str, bytes]:
    """An attachment as stored: the bare file name (no folders, no control characters, at most 100
    characters) and its bytes, or a ``DubanError`` saying why it is refused — a type not accepted, more
    than 10 MB, empty, a program, or contents that are not what the name says."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    ext = ("." + base.rsplit(".", 1)[-1].lower()) if "." in base else ""
    if ext not in ATTACHMENT_TYPES:
        raise DubanError(f"附件只能是 {'、'.join(ATTACHMENT_TYPES)} 文件")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise DubanError("附件不能超过 10 MB，请压缩后再上传")
    if not data:
        raise DubanError("附件是空文件，请重新选择")
    if data.startswith(_EXECUTABLE):
        raise DubanError("附件是可执行程序或脚本，不能上传；请上传文档、表格、图片或压缩包")
    if ext == ".txt":
        if b"\x00" in data[:8192]:
            raise DubanError("附件内容不是文本，与 .txt 不符，已拒绝；请确认文件类型后重新上传")
    elif not data.startswith(_MAGIC[ext]):
        raise DubanError(f"附件内容与文件类型 {ext} 不符（可能是改了扩展名的其他文件），已拒绝；请上传真实的 {ext} 文件")
    if len(base) > 100:
        base = base[:100 - len(ext)] + ext
    return base, data


ACTION_ZH = {"issue": "下发", "answer": "反馈", "close": "办结", "return": "退回重办", "remind": "催办"}


class DubanError(ValueError):
    """A refused step; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Item:
    id: int
    number: str
    kind: str
    addressee_code: str
    addressee_name: str
    handling_unit: str | None
    subject: str
    requirement: str
    evidence: dict
    deadline_days: int
    deadline: datetime
    status: str
    issued_by: str
    issued_at: datetime
    answered_at: datetime | None
    answered_late: bool
    reminders: int
    closed_at: datetime | None

    def overdue(self, now: datetime) -> bool:
        """逾期未反馈: waiting for 反馈 past the deadline."""
        return self.status in WAITING and now > self.deadline

    def status_zh(self, now: datetime) -> str:
        return "逾期未反馈" if self.overdue(now) else STATUS_ZH[self.status]


appdb.register_schema(SCHEMA)
_Db = appdb.connect  # the application database, the 督办 tables in place


def _item(r) -> Item:
    ts = lambda v: datetime.fromisoformat(v) if v else None  # noqa: E731
    return Item(r["id"], r["number"], r["kind"], r["addressee_code"], r["addressee_name"], r["handling_unit"],
                r["subject"], r["requirement"], json.loads(r["evidence"]), r["deadline_days"], ts(r["deadline"]),
                r["status"], r["issued_by"], ts(r["issued_at"]), ts(r["answered_at"]), bool(r["answered_late"]),
                r["reminders"], ts(r["closed_at"]))


# -- deadlines ------------------------------------------------------------------------------------------------
def deadline_after(moment: datetime, workdays: int, calendar=None) -> datetime:
    """End of the ``workdays``-th working day after ``moment``'s day (counting from the next day)."""
    from dashboard.core.config import settings
    from dashboard.store.workdays import WorkdayCalendar

    if not 1 <= workdays <= 60:
        raise DubanError("办理期限应为 1–60 个工作日")
    cal = calendar or WorkdayCalendar.build(moment.date() - timedelta(days=1), moment.date() + timedelta(days=200),
                                            settings().calendar_override, provisional=settings().provisional_calendar)
    due = cal.deadline(np.array([moment], dtype="datetime64[s]"), workdays, "working_days")[0]
    return datetime.fromisoformat(str(due))


# -- permissions ------------------------------------------------------------------------------------------------
def can_issue(user: User, addressee_code: str) -> bool:
    """The office (市级, 管理员) issues to any area; a 区县级 account to the areas inside its district."""
    root = user.area_root
    if root is None or not addressee_code:
        return False
    if user.role in ("city", "admin"):
        return True
    return user.role == "district" and addressee_code.startswith(root) and addressee_code != root


def can_answer(user: User, item: Item) -> bool:
    """The addressee's own accounts: 区县级 or 街道级 whose area holds the addressee and who
    could not have issued it (a district answers what is addressed to the district itself,
    a street what is addressed to the street or its communities)."""
    root = user.area_root
    return (user.role in ("district", "street") and root is not None and item.addressee_code.startswith(root)
            and not can_issue(user, item.addressee_code) and item.status in WAITING)


def can_review(user: User, item: Item) -> bool:
    """Whoever may issue to the addressee checks its 反馈 (办结 or 退回重办)."""
    return item.status == "answered" and can_issue(user, item.addressee_code)


def visible_to(user: User, item: Item) -> bool:
    """A user sees the items addressed inside its area (and those it issued)."""
    root = user.area_root
    return root is not None and (item.addressee_code.startswith(root) or item.issued_by == user.username)


# -- the steps ----------------------------------------------------------------------------------------------------
def _event(con, item_id: int, at: datetime, user: User, action: str, text: str | None = None,
           attachment: tuple[str, bytes] | None = None) -> None:
    con.execute("INSERT INTO duban_events (item_id, at, username, action, text, attachment_name, attachment)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [item_id, at.isoformat(), user.username, action, text,
                 attachment[0] if attachment else None, attachment[1] if attachment else None])


def issue(user: User, kind: str, addressee_code: str, addressee_name: str, subject: str, requirement: str,
          evidence: dict, workdays: int, now: datetime, handling_unit: str | None = None,
          path: Path | None = None, calendar=None) -> Item:
    """下发 a numbered 督办 with its evidence (the tickets or figures behind it)."""
    if kind not in KIND_ZH:
        raise DubanError("督办类型只能是超期工单或指标滞后")
    if not can_issue(user, addressee_code):
        raise DubanError("您的账号不能向该区域下发督办（市级、管理员可向任何区域下发，区县级可向本区县内的街道和社区下发）")
    subject, requirement = subject.strip(), requirement.strip()
    if not subject or len(subject) > 200:
        raise DubanError("请填写督办事项（最多 200 字）")
    if not requirement or len(requirement) > 5000:
        raise DubanError("请填写办理要求（最多 5,000 字）")
    deadline = deadline_after(now, workdays, calendar)
    with _Db(path) as con:
        con.execute("BEGIN IMMEDIATE")  # the number is the next of the year, also with two offices at once
        try:
            seq = con.execute("SELECT coalesce(max(seq), 0) + 1 FROM duban_items WHERE year = ?", [now.year]).fetchone()[0]
            number = f"督办〔{now.year}〕{seq} 号"
            cur = con.execute(
                "INSERT INTO duban_items (number, year, seq, kind, addressee_code, addressee_name, handling_unit, subject,"
                " requirement, evidence, deadline_days, deadline, status, issued_by, issued_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?)",
                [number, now.year, seq, kind, addressee_code, addressee_name, handling_unit, subject, requirement,
                 json.dumps(evidence, ensure_ascii=False, default=str), workdays, deadline.isoformat(),
                 user.username, now.isoformat()])
            _event(con, cur.lastrowid, now, user, "issue", requirement)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    appdb.audit("duban", user.username, scope=addressee_code, path=path, step="下发", number=number)
    return get(cur.lastrowid, path)


def answer(user: User, item_id: int, text: str, now: datetime, attachment: tuple[str, bytes] | None = None,
           path: Path | None = None) -> Item:
    """反馈: the addressee's 反馈/整改说明; after the deadline it counts as 逾期反馈."""
    item = get(item_id, path)
    if item is None or not can_answer(user, item):
        raise DubanError("您不能反馈这件督办（只有被督办区域的账号可以在“已下发”或“退回重办”时反馈）")
    text = text.strip()
    if not text or len(text) > 5000:
        raise DubanError("请填写反馈和整改说明（最多 5,000 字）")
    if attachment:
        attachment = checked_attachment(*attachment)
    late = now > item.deadline
    with _Db(path) as con:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE duban_items SET status = 'answered', answered_at = ?, answered_late = max(answered_late, ?)"
                    " WHERE id = ?", [now.isoformat(), int(late), item_id])
        _event(con, item_id, now, user, "answer", text, attachment)
        con.execute("COMMIT")
    appdb.audit("duban", user.username, scope=item.addressee_code, path=path, step="反馈", number=item.number, late=late)
    return get(item_id, path)


def close(user: User, item_id: int, text: str, now: datetime, path: Path | None = None) -> Item:
    """办结: the office accepts the 反馈."""
    item = get(item_id, path)
    if item is None or not can_review(user, item):
        raise DubanError("只有下发方可以在“已反馈”后办结")
    with _Db(path) as con:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE duban_items SET status = 'closed', closed_at = ? WHERE id = ?", [now.isoformat(), item_id])
        _event(con, item_id, now, user, "close", text.strip() or None)
        con.execute("COMMIT")
    appdb.audit("duban", user.username, scope=item.addressee_code, path=path, step="办结", number=item.number)
    return get(item_id, path)


def send_back(user: User, item_id: int, text: str, workdays: int, now: datetime, path: Path | None = None,
              calendar=None) -> Item:
    """退回重办 with the reason and a new deadline."""
    item = get(item_id, path)
    if item is None or not can_review(user, item):
        raise DubanError("只有下发方可以在“已反馈”后退回重办")
    if not text.strip():
        raise DubanError("请写明退回重办的原因")
    deadline = deadline_after(now, workdays, calendar)
    with _Db(path) as con:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE duban_items SET status = 'returned', deadline = ?, deadline_days = ? WHERE id = ?",
                    [deadline.isoformat(), workdays, item_id])
        _event(con, item_id, now, user, "return", text.strip())
        con.execute("COMMIT")
    appdb.audit("duban", user.username, scope=item.addressee_code, path=path, step="退回重办", number=item.number)
    return get(item_id, path)


def remind(user: User, item_id: int, now: datetime, path: Path | None = None) -> Item:
    """催办 an item that is 逾期未反馈."""
    item = get(item_id, path)
    if item is None or not can_issue(user, item.addressee_code) or not item.overdue(now):
        raise DubanError("只能对逾期未反馈的督办催办")
    with _Db(path) as con:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE duban_items SET reminders = reminders + 1 WHERE id = ?", [item_id])
        _event(con, item_id, now, user, "remind", f"第 {item.reminders + 1} 次催办")
        con.execute("COMMIT")
    appdb.audit("duban", user.username, scope=item.addressee_code, path=path, step="催办", number=item.number)
    return get(item_id, path)


# -- reading -----------------------------------------------------------------------------------------------------
def get(item_id: int, path: Path | None = None) -> Item | None:
    with _Db(path) as con:
        r = con.execute("SELECT * FROM duban_items WHERE id = ?", [item_id]).fetchone()
    return _item(r) if r else None


def items_for(user: User, path: Path | None = None) -> list[Item]:
    """Every item this user may see, newest first."""
    with _Db(path) as con:
        rows = con.execute("SELECT * FROM duban_items ORDER BY issued_at DESC, id DESC").fetchall()
    return [i for i in map(_item, rows) if visible_to(user, i)]


def events(item_id: int, path: Path | None = None) -> list[dict]:
    with _Db(path) as con:
        rows = con.execute("SELECT id, at, username, action, text, attachment_name FROM duban_events"
                           " WHERE item_id = ? ORDER BY id", [item_id]).fetchall()
    return [dict(r) for r in rows]


def attachment(event_id: int, path: Path | None = None) -> tuple[str, bytes] | None:
    with _Db(path) as con:
        r = con.execute("SELECT attachment_name, attachment FROM duban_events WHERE id = ?", [event_id]).fetchone()
    return (r[0], r[1]) if r and r[0] else None


@dataclass(frozen=True)
class Record:
    """A unit's 督办 record: the evidence for the next 考核."""
    addressee_code: str
    addressee_name: str
    issued: int
    closed: int
    answered_on_time: int
    late: int  # 逾期未反馈 now + 逾期反馈
    open_overdue: int
    reminders: int
    flagged: bool  # 通报批评

    @property
    def on_time_rate(self) -> float | None:
        answered = self.answered_on_time + (self.late - self.open_overdue)
        return self.answered_on_time / answered if answered else None


def records(items: list[Item], now: datetime, criticism_after: int, window_days: int) -> list[Record]:
    """Per addressee: issued, closed, answered on time, late; flagged for 通报批评 when its late
    items issued within the window reach ``criticism_after``."""
    by: dict[str, list[Item]] = {}
    for i in items:
        by.setdefault(i.addressee_code, []).append(i)
    since = now - timedelta(days=window_days)
    out = []
    for code, group in sorted(by.items()):
        late = [i for i in group if i.answered_late or i.overdue(now)]
        on_time = sum(1 for i in group if i.answered_at is not None and not i.answered_late)
        recent_late = sum(1 for i in late if i.issued_at >= since)
        out.append(Record(code, group[0].addressee_name, len(group), sum(i.status == "closed" for i in group),
                          on_time, len(late), sum(i.overdue(now) for i in group), sum(i.reminders for i in group),
                          recent_late >= criticism_after))
    return out


def completion_rate(items: list[Item]) -> float | None:
    """办结率 of the items: closed ÷ issued."""
    return sum(i.status == "closed" for i in items) / len(items) if items else None


def today() -> datetime:
    return datetime.now().replace(microsecond=0)
