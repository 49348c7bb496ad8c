"""Reminders: which listings to ask about on a given date, one issue text per town or operator, and the
GitHub issues that carry them (`python -m generator reminders --date YYYY-MM-DD [--out DIR] [--dry-run] [--sync]`).

Who is asked, when:
- a month before a listing would count as stale (11 months after it was last checked, today;
  `Listing.checked_on`: its source date or a 「変更なし」);
- 6 months for chat, LINE and evening services, which change more often;
- every December, for listings with opening times, so that 年末年始 closures are known in time.

Groups: a listing run by a town (or its 社会福祉協議会) is asked through that town; any other through its
operator. Each group's issue carries a hidden marker `<!-- hub-reminder:KEY -->`; the sync finds its
issue by that marker alone, so a run never opens a second one. It comments once more after 3 weeks without
an answer, and closes the issue when no listing of the group is due any more (every one confirmed).

Every GitHub call is made here with urllib (`GitHub`), so no issue text ever reaches a shell; `urlopen` is
a parameter, so the tests run the whole sync offline against a fake API.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..registry.checks import STALE_MONTHS
from ..registry.index import Entry, Index
from ..registry.vocab import date_ja, months_ja, slot_ja
from .verify import verify_links

REMIND_AFTER_DAYS = 21
MONTHS = STALE_MONTHS - 1  # a month before a listing counts as stale (registry/checks.py, the one rule)
FREQUENT_MONTHS = 6
MARKER = "<!-- hub-reminder:{key} -->"
MARKER_RE = re.compile(r"<!-- hub-reminder:([a-z0-9-]+) -->")
NUDGE = "<!-- hub-reminder-nudge -->"
LABEL = "確認のお願い"
LOCAL_OPERATORS = ("municipality", "social-welfare-council")


# ---------------------------------------------------------------- who is due


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def frequent(entry: Entry) -> bool:
    """Chat, LINE and evening services: their hours and accounts change more often."""
    c = entry.listing.contacts
    return bool(c.chat or c.line or "line" in entry.listing.methods or entry.evening)


def has_hours(entry: Entry) -> bool:
    listing = entry.listing
    return bool((listing.schedule and listing.schedule.slots) or any(p.hours for p in listing.contacts.phones))


def due_reasons(entry: Entry, today: dt.date) -> list[str]:
    listing = entry.listing
    if listing.closed:
        return []
    reasons = []
    months = FREQUENT_MONTHS if frequent(entry) else MONTHS
    if today >= add_months(listing.checked_on, months):
        reasons.append(
            f"前回の確認から{months}か月以上たちました"
            + (
                f" (チャット・LINE・夜間の窓口は{months_ja(FREQUENT_MONTHS)}ごとにお願いしています)"
                if months == FREQUENT_MONTHS
                else ""
            )
        )
    confirmed_this_december = listing.last_confirmed is not None and listing.last_confirmed >= dt.date(
        today.year, 12, 1
    )
    if today.month == 12 and has_hours(entry) and not confirmed_this_december:
        reasons.append("年末年始のお休み・受付時間の確認 (毎年12月)")
    return reasons


@dataclass
class Group:
    key: str  # ascii, in the marker and the file name
    name: str  # the town or the operator
    items: list[tuple[Entry, list[str]]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"掲載内容の確認のお願い: {self.name} ({len(self.items)}件)"

    @property
    def ids(self) -> list[str]:
        return [f"{e.kind}/{e.id}" for e, _ in self.items]


def group_of(entry: Entry) -> tuple[str, str]:
    listing = entry.listing
    if listing.operator.type in LOCAL_OPERATORS and entry.town is not None:
        return f"town-{entry.town.code}", entry.town.name
    digest = hashlib.sha1(listing.operator.name.encode("utf-8")).hexdigest()[:10]
    return f"operator-{digest}", listing.operator.name


def due_groups(index: Index, today: dt.date) -> list[Group]:
    groups: dict[str, Group] = {}
    for entry in index.all_entries:
        reasons = due_reasons(entry, today)
        if reasons:
            key, name = group_of(entry)
            groups.setdefault(key, Group(key, name)).items.append((entry, reasons))
    return sorted(groups.values(), key=lambda g: g.key)


# ---------------------------------------------------------------- the issue text


def facts(entry: Entry, date_ja: Callable[[dt.date], str]) -> list[str]:
    listing = entry.public
    c = listing.contacts
    lines = [f"- 運営: {listing.operator.name}"]
    for phone in c.phones:
        hours = " / ".join(slot_ja(s) for s in phone.hours)
        lines.append(
            f"- 電話: {phone.number}"
            + (f" {phone.label}" if phone.label else "")
            + (f" (受付: {hours})" if hours else "")
        )
    lines += [f"- メール: {mail}" for mail in c.emails]
    lines += [f"- LINE: {line.name}" + (f" ({line.url})" if line.url else "") for line in c.line]
    for label, url in (("チャット", c.chat), ("相談フォーム", c.web_form), ("ウェブサイト", c.website)):
        if url:
            lines.append(f"- {label}: {url}")
    if listing.schedule:
        slots = " / ".join(slot_ja(s) for s in listing.schedule.slots)
        note = listing.schedule.note or ""
        if slots or note:
            lines.append(f"- 受付・開催の時間: {slots}{' ' if slots and note else ''}{note}".rstrip())
    loc = listing.location
    if loc and loc.address and loc.precision != "municipality":
        lines.append(f"- 所在地: {'〒' + loc.postal_code + ' ' if loc.postal_code else ''}{loc.address}")
    checked = f"- 情報確認日: {date_ja(listing.last_verified)}"
    if listing.last_confirmed:
        checked += f" / 変更なしの確認: {date_ja(listing.last_confirmed)}"
    lines.append(checked)
    return lines


def issue_body(group: Group, site, site_url: str) -> str:
    lines = [
        MARKER.format(key=group.key),
        "",
        f"{group.name}の担当の方へ",
        "",
        f"{site.title}に載せている次の{len(group.items)}件の内容が、今も正しいか確かめていただけますか。",
        "変わっていなければ「変更なし」を押して、開いたフォームを送信するだけです。"
        "変わっていれば「変更を知らせる」から、変わったところだけ書いてください。",
        "すべての確認が届くと、この Issue は自動で閉じます。",
        "",
    ]
    accounts = sorted({a for e, _ in group.items for a in e.listing.maintainer_accounts})
    if accounts:
        lines += ["担当: " + " ".join(f"@{a}" for a in accounts), ""]
    for n, (entry, reasons) in enumerate(group.items, 1):
        links = verify_links(site, entry.kind, entry.listing, f"{site_url}{entry.url}")
        lines += [
            f"### {n}. {entry.listing.name} ({entry.kind_label})",
            "",
            f"- お願いの理由: {'、'.join(reasons)}",
            *facts(entry, date_ja),
            f"- 掲載ページ: {site_url}{entry.url}",
            "",
            f"**[変更なし]({links.confirm})** ・ [変更を知らせる]({links.change})",
            "",
        ]
    return "\n".join(lines)


def write_texts(groups: list[Group], index: Index, site_url: str, out: Path, today: dt.date) -> Path:
    """One Markdown file per group and `plan.json` naming them: what the sync reads."""
    out.mkdir(parents=True, exist_ok=True)
    plan = {"date": today.isoformat(), "groups": []}
    for group in groups:
        (out / f"{group.key}.md").write_text(issue_body(group, index.registry.site, site_url), encoding="utf-8")
        plan["groups"].append(
            {"key": group.key, "title": group.title, "listings": group.ids, "body": f"{group.key}.md"}
        )
    path = out / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- GitHub, through urllib only


class GitHubError(Exception):
    pass


class GitHub:
    def __init__(
        self,
        repo: str,
        token: str,
        api: str = "https://api.github.com",
        urlopen: Callable[..., Any] = urllib.request.urlopen,
    ):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo or ""):
            raise GitHubError(f"リポジトリの名前が正しくありません (repository must be owner/name): {repo!r}")
        if not token:
            raise GitHubError("GITHUB_TOKEN がありません。確認のお願いは送っていません (no token: nothing sent)")
        self.repo, self.token, self.api, self.urlopen = repo, token, api.rstrip("/"), urlopen

    def call(self, method: str, path: str, body: dict | None = None) -> Any:
        request = urllib.request.Request(
            f"{self.api}/repos/{self.repo}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "Content-Type": "application/json",
            },
        )
        try:
            with self.urlopen(request, timeout=30) as response:
                text = response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            raise GitHubError(
                f"GitHub API が {exc.code} を返しました ({method} {path})。ここで止めました (GitHub API error)"
            ) from None
        except urllib.error.URLError as exc:
            raise GitHubError(f"GitHub API につながりません ({method} {path}): {exc.reason}") from None
        return json.loads(text) if text else None

    def open_issues(self) -> list[dict]:
        issues, page = [], 1
        while True:
            batch = self.call("GET", f"/issues?state=open&per_page=100&page={page}")
            issues += [i for i in batch if "pull_request" not in i]
            if len(batch) < 100:
                return issues
            page += 1

    def comments(self, number: int) -> list[dict]:
        return self.call("GET", f"/issues/{number}/comments?per_page=100")

    def create(self, title: str, body: str) -> dict:
        return self.call("POST", "/issues", {"title": title, "body": body, "labels": [LABEL]})

    def update(self, number: int, **fields: Any) -> None:
        self.call("PATCH", f"/issues/{number}", fields)

    def comment(self, number: int, body: str) -> None:
        self.call("POST", f"/issues/{number}/comments", {"body": body})


# ---------------------------------------------------------------- sync: open, update, remind, close


@dataclass(frozen=True)
class Action:
    verb: str  # open | update | remind | close | close-duplicate | keep
    key: str
    number: int | None = None

    def describe(self) -> str:
        words = {
            "open": "開く",
            "update": "更新する",
            "remind": "再度お願いする",
            "close": "閉じる (すべて確認済み)",
            "close-duplicate": "閉じる (重複)",
            "keep": "そのまま",
        }
        return f"{self.verb}\t{self.key}\t{'#' + str(self.number) if self.number else '-'}\t{words[self.verb]}"


def _day(stamp: str) -> dt.date:
    return dt.date.fromisoformat(stamp[:10])


def needs_nudge(issue: dict, comments: list[dict], today: dt.date) -> bool:
    """3 weeks since the issue or our last reminder, and nobody has answered in between."""
    if any(NUDGE not in (c.get("body") or "") for c in comments):
        return False  # someone answered: a person will follow up, not a bot
    last = max([_day(issue["created_at"])] + [_day(c["created_at"]) for c in comments])
    return (today - last).days >= REMIND_AFTER_DAYS


def sync(plan_file: Path, api: GitHub, today: dt.date, dry_run: bool = False) -> list[Action]:
    """Bring the open reminder issues in line with the plan. Reads everything first; writes only if not dry_run."""
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    wanted = {g["key"]: g for g in plan["groups"]}
    found: dict[str, list[dict]] = {}
    for issue in api.open_issues():
        match = MARKER_RE.search(issue.get("body") or "")
        if match:
            found.setdefault(match.group(1), []).append(issue)
    actions: list[Action] = []
    writes: list[Callable[[], None]] = []
    for key in sorted(wanted.keys() | found.keys()):
        issues = sorted(found.get(key, []), key=lambda i: i["number"])
        for extra in issues[1:]:
            actions.append(Action("close-duplicate", key, extra["number"]))
            writes.append(
                lambda n=extra["number"], k=issues[0]["number"]: (
                    api.comment(n, f"同じ確認のお願いが #{k} にあるため、こちらは閉じます。"),
                    api.update(n, state="closed", state_reason="not_planned"),
                )
            )
        issue = issues[0] if issues else None
        group = wanted.get(key)
        if group is None:
            assert issue is not None
            actions.append(Action("close", key, issue["number"]))
            writes.append(
                lambda n=issue["number"]: (
                    api.comment(
                        n,
                        "このグループで確認をお願いしている掲載は、今はありません (確認が届いたか、"
                        "年末年始の確認の時期が過ぎました)。ありがとうございました。",
                    ),
                    api.update(n, state="closed", state_reason="completed"),
                )
            )
            continue
        body = (plan_file.parent / group["body"]).read_text(encoding="utf-8")
        if issue is None:
            actions.append(Action("open", key))
            writes.append(lambda t=group["title"], b=body: api.create(t, b))
            continue
        changed = issue.get("body") != body or issue.get("title") != group["title"]
        if changed:
            actions.append(Action("update", key, issue["number"]))
            writes.append(lambda n=issue["number"], t=group["title"], b=body: api.update(n, title=t, body=b))
        if needs_nudge(issue, api.comments(issue["number"]), today):
            actions.append(Action("remind", key, issue["number"]))
            writes.append(
                lambda n=issue["number"]: api.comment(
                    n,
                    NUDGE
                    + "\n"
                    + (
                        "確認のお願いから3週間がたちました。お手すきのときに、上の「変更なし」か「変更を知らせる」から"
                        "お知らせいただけると助かります。担当がちがう場合は、そのことをコメントでお知らせください。"
                    ),
                )
            )
        elif not changed:
            actions.append(Action("keep", key, issue["number"]))
    if not dry_run:
        for write in writes:
            write()
    return actions
