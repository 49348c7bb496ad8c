"""A stand-in for the `gh` command (`gh api` only) over a small in-memory GitHub kept in a JSON file.

The intake workflow's write jobs talk to GitHub through `gh api` alone; tests/test_intake_workflow.py runs
their scripts with this on PATH. State ($FAKE_GH_STATE): refs, commits, trees ({path: blob}), blobs, pulls
(with their reviews), issue comments, and every call made, in order. A route it does not know fails loudly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit


def parse(argv: list[str]) -> dict:
    assert argv[:1] == ["api"], f"only `gh api` is faked: {argv}"
    args = {"method": None, "fields": {}, "input": None, "jq": None, "silent": False, "path": None}
    rest = argv[1:]
    while rest:
        arg = rest.pop(0)
        if arg in ("-X", "--method"):
            args["method"] = rest.pop(0)
        elif arg in ("-f", "--raw-field", "-F", "--field"):
            key, _, value = rest.pop(0).partition("=")
            if arg in ("-F", "--field"):
                if value.startswith("@"):
                    value = open(value[1:], encoding="utf-8").read()
                elif value in ("true", "false"):
                    value = value == "true"
                elif value.isdigit():
                    value = int(value)
            if key.endswith("[]"):
                args["fields"].setdefault(key[:-2], []).append(value)
            else:
                args["fields"][key] = value
        elif arg == "--input":
            source = rest.pop(0)
            args["input"] = json.load(sys.stdin if source == "-" else open(source, encoding="utf-8"))
        elif arg in ("-q", "--jq"):
            args["jq"] = rest.pop(0)
        elif arg == "--silent":
            args["silent"] = True
        elif arg.startswith("-"):
            raise SystemExit(f"fake gh: unknown flag {arg}")
        else:
            assert args["path"] is None, f"two paths: {args['path']} {arg}"
            args["path"] = arg
    payload = args["input"] if args["input"] is not None else args["fields"]
    args["method"] = args["method"] or ("POST" if payload else "GET")
    args["payload"] = payload
    return args


class NotFound(Exception):
    pass


def new_sha(state: dict, kind: str) -> str:
    state["serial"] = state.get("serial", 0) + 1
    return f"{kind}{state['serial']:038d}"


def route(state: dict, method: str, path: str, payload: dict):  # noqa: C901 - one branch per endpoint
    url = urlsplit(path)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    repo = state["repo"]
    m = re.fullmatch(rf"repos/{re.escape(repo)}/(.+)", url.path)
    if not m:
        raise SystemExit(f"fake gh: another repository: {path}")
    rest = m.group(1)
    pulls = state["pulls"]
    if method == "GET" and rest == "pulls":
        owner, _, head = query["head"].partition(":")
        assert owner == repo.split("/")[0]
        wanted = query.get("state", "open")
        # newest first, as GitHub lists them
        return [p for p in reversed(pulls) if p["head"] == head and wanted in ("all", p["state"])]
    if m := re.fullmatch(r"pulls/(\d+)(/reviews)?", rest):
        pull = next((p for p in pulls if p["number"] == int(m.group(1))), None)
        if pull is None:
            raise NotFound
        if m.group(2):
            assert method == "GET"
            return pull["reviews"]
        if method == "PATCH":
            pull.update({k: v for k, v in payload.items() if k in ("body", "title")})
        return pull | {"html_url": f"https://github.com/{repo}/pull/{pull['number']}"}
    if method == "POST" and rest == "pulls":
        number = max([p["number"] for p in pulls] + [100]) + 1
        pulls.append(
            {
                "number": number,
                "head": payload["head"],
                "base": payload["base"],
                "title": payload["title"],
                "body": payload["body"],
                "state": "open",
                "reviews": [],
                "labels": [],
            }
        )
        return {"number": number}
    if (m := re.fullmatch(r"issues/(\d+)/(labels|comments)", rest)) and method == "POST":
        number = int(m.group(1))
        if m.group(2) == "labels":
            next(p for p in pulls if p["number"] == number)["labels"] += payload["labels"]
            return []
        state["comments"].setdefault(str(number), []).append(payload["body"])
        return {"id": 1}
    if (m := re.fullmatch(r"git/ref/(heads/.+)", rest)) and method == "GET":
        if m.group(1) not in state["refs"]:
            raise NotFound
        return {"ref": f"refs/{m.group(1)}", "object": {"sha": state["refs"][m.group(1)]}}
    if (m := re.fullmatch(r"git/refs/(heads/.+)", rest)) and method == "PATCH":
        if m.group(1) not in state["refs"]:
            raise NotFound
        assert payload.get("force") is True and payload["sha"] in state["commits"]
        state["refs"][m.group(1)] = payload["sha"]
        return {"object": {"sha": payload["sha"]}}
    if rest == "git/refs" and method == "POST":
        name = payload["ref"].removeprefix("refs/")
        assert name not in state["refs"] and payload["sha"] in state["commits"]
        state["refs"][name] = payload["sha"]
        return {"object": {"sha": payload["sha"]}}
    if (m := re.fullmatch(r"git/commits/(\w+)", rest)) and method == "GET":
        return {"sha": m.group(1), "tree": {"sha": state["commits"][m.group(1)]["tree"]}}
    if rest == "git/blobs" and method == "POST":
        assert payload["encoding"] == "utf-8"
        sha = new_sha(state, "b")
        state["blobs"][sha] = payload["content"]
        return {"sha": sha}
    if rest == "git/trees" and method == "POST":
        files = dict(state["trees"][payload["base_tree"]])
        for entry in payload["tree"]:
            assert (entry["mode"], entry["type"]) == ("100644", "blob") and entry["sha"] in state["blobs"]
            files[entry["path"]] = entry["sha"]
        sha = new_sha(state, "t")
        state["trees"][sha] = files
        return {"sha": sha}
    if rest == "git/commits" and method == "POST":
        assert payload["tree"] in state["trees"] and all(p in state["commits"] for p in payload["parents"])
        sha = new_sha(state, "c")
        state["commits"][sha] = {"tree": payload["tree"], "parents": payload["parents"], "message": payload["message"]}
        return {"sha": sha}
    raise SystemExit(f"fake gh: no such route: {method} {path}")


def main() -> int:
    args = parse(sys.argv[1:])
    state_path = os.environ["FAKE_GH_STATE"]
    with open(state_path, encoding="utf-8") as f:
        state = json.load(f)
    state["calls"].append([args["method"], args["path"], args["payload"]])
    try:
        result = route(state, args["method"], args["path"], args["payload"])
        code = 0
    except NotFound:
        result, code = None, 1
    with open(state_path, "w", encoding="utf-8") as f:
        json.dump(state, f, ensure_ascii=False, indent=1)
    if code:
        sys.stderr.write("gh: Not Found (HTTP 404)\n")
        return code
    if args["silent"]:
        return 0
    text = json.dumps(result, ensure_ascii=False)
    if args["jq"]:
        text = subprocess.run(["jq", "-r", args["jq"]], input=text, capture_output=True, text=True, check=True).stdout
        sys.stdout.write(text)
    else:
        sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
