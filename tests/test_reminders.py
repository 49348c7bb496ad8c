"""Reminders at fixed dates over the synthetic fixture registry, synced against an offline fake GitHub API.

Fixture listings (tests/fixtures/valid/data): test-ken-madoguchi (prefecture, checked 2024-01-15),
test-ina-ibasho (NPO with LINE: every 6 months, checked 2026-09-01), test-iijima-soudanshitsu (town,
2026-10-01), test-kazokukai (peer group, 2026-08-01).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import urllib.error
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_generator

from generator.contribute.reminders import NUDGE, GitHub, GitHubError, due_groups, sync, write_texts
from generator.registry.checks import load_registry
from generator.registry.index import build_index

REPO = "example/hub"


class FakeGitHub:
    """The issues API as far as the sync uses it, in memory; `fail` makes the next matching call fail."""

    def __init__(self):
        self.issues: dict[int, dict] = {}
        self.comments: dict[int, list[dict]] = {}
        self.today = dt.date(2026, 1, 1)
        self.writes: list[str] = []
        self.fail: str | None = None

    def add(self, body: str, created: str, title: str = "t") -> int:
        number = len(self.issues) + 1
        self.issues[number] = {
            "number": number,
            "title": title,
            "body": body,
            "state": "open",
            "created_at": f"{created}T00:00:00Z",
        }
        self.comments[number] = []
        return number

    def __call__(self, request, timeout):
        method, url = request.get_method(), request.full_url
        assert url.startswith(f"https://api.github.com/repos/{REPO}/") and timeout
        assert request.headers["Authorization"] == "Bearer test-token"
        path = url.split(REPO, 1)[1]
        if self.fail and self.fail in f"{method} {path}":
            raise urllib.error.HTTPError(url, 502, "Bad Gateway", {}, io.BytesIO(b""))
        body = json.loads(request.data) if request.data else None
        stamp = f"{self.today.isoformat()}T00:00:00Z"
        if method != "GET":
            self.writes.append(f"{method} {path}")
        if method == "GET" and path.startswith("/issues?"):
            page = int(re.search(r"[?&]page=(\d+)", path).group(1))
            open_ = [i for i in self.issues.values() if i["state"] == "open"]
            out = open_[(page - 1) * 100 : page * 100]
        elif method == "GET" and path.endswith("/comments?per_page=100"):
            out = self.comments[int(path.split("/")[2])]
        elif method == "POST" and path == "/issues":
            number = self.add(body["body"], self.today.isoformat(), body["title"])
            out = self.issues[number]
        elif method == "POST" and path.endswith("/comments"):
            self.comments[int(path.split("/")[2])].append({"body": body["body"], "created_at": stamp})
            out = {}
        elif method == "PATCH":
            self.issues[int(path.split("/")[2])].update(body)
            out = {}
        else:
            raise AssertionError(f"unexpected call {method} {path}")
        return _Response(json.dumps(out))

    def open_keys(self) -> list[str]:
        return sorted(
            re.search(r"hub-reminder:([a-z0-9-]+)", i["body"]).group(1)
            for i in self.issues.values()
            if i["state"] == "open"
        )


class _Response(io.BytesIO):
    def __init__(self, text: str):
        super().__init__(text.encode("utf-8"))


@pytest.fixture
def root(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "valid" / "data", tmp_path / "data")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


def run(root: Path, fake: FakeGitHub, day: dt.date, dry_run: bool = False):
    fake.today = day
    index = build_index(load_registry(root, day), day)
    groups = due_groups(index, day)
    plan = write_texts(groups, index, "https://example.org/", root / "out" / day.isoformat(), day)
    api = GitHub(REPO, "test-token", urlopen=fake)
    return groups, [(a.verb, a.key) for a in sync(plan, api, day, dry_run)]


def key_of(root: Path, id_: str, day: dt.date) -> str:
    index = build_index(load_registry(root, day), day)
    return next(g.key for g in due_groups(index, day) if any(i.endswith("/" + id_) for i in g.ids))


def test_who_is_due_on_fixed_dates(root):
    def due(day):
        index = build_index(load_registry(root, day), day)
        return sorted(i for g in due_groups(index, day) for i in g.ids)

    assert due(dt.date(2026, 11, 27)) == ["windows/test-ken-madoguchi"]
    assert due(dt.date(2027, 2, 28)) == ["windows/test-ken-madoguchi"]  # LINE: 6 months after 2026-09-01 is 03-01
    assert due(dt.date(2027, 3, 1)) == ["ibasho/test-ina-ibasho", "windows/test-ken-madoguchi"]
    assert due(dt.date(2027, 7, 1)) == [
        "family-groups/test-kazokukai",
        "ibasho/test-ina-ibasho",
        "windows/test-ken-madoguchi",
    ]


def test_december_asks_every_listing_with_opening_times_about_nenmatsu_nenshi(root):
    day = dt.date(2026, 12, 1)
    index = build_index(load_registry(root, day), day)
    items = {e.id: reasons for g in due_groups(index, day) for e, reasons in g.items}
    timed = {
        e.id
        for e in index.all_entries
        if e.listing.schedule and e.listing.schedule.slots or any(p.hours for p in e.listing.contacts.phones)
    }
    assert timed and {i for i, r in items.items() if "年末年始のお休み・受付時間の確認 (毎年12月)" in r} == timed


def test_a_year_of_runs_opens_reminds_and_closes_exactly_once(root):
    fake = FakeGitHub()
    start = dt.date(2027, 1, 10)  # January–February: only test-ken-madoguchi is due
    ken = key_of(root, "test-ken-madoguchi", start)
    # 1. first run: one group opens
    _, actions = run(root, fake, start)
    assert actions == [("open", ken)] and fake.open_keys() == [ken]
    # 2. a week later, nothing new: no duplicate, no reminder yet
    _, actions = run(root, fake, start + dt.timedelta(days=7))
    assert actions == [("keep", ken)] and len(fake.issues) == 1
    # 3. three weeks without an answer: one reminder comment
    _, actions = run(root, fake, start + dt.timedelta(days=21))
    assert actions == [("remind", ken)] and len(fake.comments[1]) == 1 and NUDGE in fake.comments[1][0]["body"]
    # 4. the next day: no second reminder
    _, actions = run(root, fake, start + dt.timedelta(days=22))
    assert actions == [("keep", ken)] and len(fake.comments[1]) == 1
    # 5. the listing is confirmed (last_confirmed moves) → the issue closes, once
    path = root / "data/windows/test-ken-madoguchi.yml"
    path.write_text(path.read_text(encoding="utf-8") + "last_confirmed: 2027-02-01\n", encoding="utf-8")
    day = dt.date(2027, 2, 5)
    _, actions = run(root, fake, day)
    assert actions == [("close", ken)] and fake.open_keys() == []
    assert fake.issues[1]["state_reason"] == "completed"
    _, actions = run(root, fake, day)
    assert actions == [] and len(fake.issues) == 1


def test_december_groups_open_on_the_first_and_close_after_the_holidays(root):
    fake = FakeGitHub()
    _, actions = run(root, fake, dt.date(2026, 12, 1))
    opened = sorted(k for verb, k in actions if verb == "open")
    # every fixture listing with opening times (test-ina-ibasho has none; test-ken-madoguchi is due anyway)
    assert len(opened) == 3 and fake.open_keys() == opened
    _, actions = run(root, fake, dt.date(2027, 1, 5))
    ken = key_of(root, "test-ken-madoguchi", dt.date(2027, 1, 5))
    assert sorted(k for verb, k in actions if verb == "close") == sorted(set(opened) - {ken})
    assert fake.open_keys() == [ken]


def test_an_answer_stops_the_reminders(root):
    fake = FakeGitHub()
    run(root, fake, dt.date(2026, 11, 27))
    fake.comments[1].append({"body": "担当が変わりました。来週確かめます。", "created_at": "2026-11-30T00:00:00Z"})
    _, actions = run(root, fake, dt.date(2027, 1, 1) - dt.timedelta(days=10))
    assert [a for a, _ in actions if a == "remind"] == []


def test_duplicates_are_closed_and_the_oldest_kept(root):
    fake = FakeGitHub()
    _, _ = run(root, fake, dt.date(2026, 11, 27))
    fake.add(fake.issues[1]["body"], "2026-11-28")  # e.g. someone copied the issue
    _, actions = run(root, fake, dt.date(2026, 11, 29))
    ken = key_of(root, "test-ken-madoguchi", dt.date(2026, 11, 29))
    assert ("close-duplicate", ken) in actions and fake.issues[2]["state"] == "closed"
    assert fake.issues[1]["state"] == "open" and "#1" in fake.comments[2][0]["body"]


def test_dry_run_reads_but_writes_nothing(root):
    fake = FakeGitHub()
    _, actions = run(root, fake, dt.date(2026, 11, 27), dry_run=True)
    assert [a for a, _ in actions] == ["open"] and fake.writes == [] and fake.issues == {}


def test_a_failing_api_stops_before_any_write(root):
    fake = FakeGitHub()
    fake.fail = "GET /issues"
    with pytest.raises(GitHubError, match="GitHub API が 502 を返しました"):
        run(root, fake, dt.date(2026, 11, 27))
    assert fake.writes == []


def test_the_issue_text_has_the_facts_and_both_links(root):
    day = dt.date(2026, 11, 27)
    index = build_index(load_registry(root, day), day)
    [group] = due_groups(index, day)
    plan = json.loads(write_texts([group], index, "https://example.org/", root / "o", day).read_text(encoding="utf-8"))
    body = (root / "o" / plan["groups"][0]["body"]).read_text(encoding="utf-8")
    entry = group.items[0][0]
    assert body.startswith(f"<!-- hub-reminder:{group.key} -->")
    assert f"### 1. {entry.listing.name}" in body and "前回の確認から11か月以上たちました" in body
    assert entry.listing.contacts.phones[0].number in body
    assert "template=4-confirm-window.yml" in body and "template=2-change-window.yml" in body
    assert f"https://example.org/windows/{entry.id}/" in body


def test_command_without_a_token_says_so_and_sends_nothing(root):
    result = run_generator(
        root,
        "reminders",
        "--date",
        "2026-11-27",
        "--out",
        str(root / "o"),
        "--sync",
        GITHUB_TOKEN="",
        GITHUB_REPOSITORY=REPO,
    )
    assert result.returncode == 1
    assert "GITHUB_TOKEN がありません。確認のお願いは送っていません" in result.stderr


def test_command_dry_run_prints_the_groups(root):
    result = run_generator(root, "reminders", "--date", "2026-11-27", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (
        "windows/test-ken-madoguchi" in result.stdout and "確認のお願い: 1 グループ、1 件 (2026-11-27)" in result.stdout
    )
    assert not (root / "o").exists()
