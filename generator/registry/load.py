"""Stage 1 — load: read YAML registries into plain data, remembering where every node came from.

Each file becomes a `Document`: its plain data plus a map from field path (e.g.
`("contacts", "phones", 0, "number")`) to the (line, column) where that field is written, so that
every later stage can point a municipal clerk at the exact line. YAML problems that PyYAML would
silently accept are refused here: duplicate keys (PyYAML keeps the last), anchors and aliases
(alias bombs), and YAML 1.1 surprises (`no` → False, `8:30` → 510) are switched off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .problems import Problem

Path_ = tuple[str | int, ...]

MAX_FILE_BYTES = 1_000_000  # one listing is a few KB; anything near this is a mistake or an attack
MAX_DEPTH = 20  # the deepest real field path is ~5 levels
# Invisible characters that change what a reader sees: control characters and bidi marks/overrides (U+202E
# shows "テスト\u202eevil" as "テストlive"). One rule for every YAML file here and for intake's issue bodies.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Document:
    """One YAML file: its data and the source position of each field path."""

    path: Path  # as shown to users, relative to the project root
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Path_) -> tuple[int, int]:
        """Line and column of `loc`, or of its nearest written parent (a missing key has none)."""
        loc = tuple(loc)
        while loc not in self.positions and loc:
            loc = loc[:-1]
        return self.positions.get(loc, (1, 1))


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class _NoAliasComposer(yaml.composer.Composer):
    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML signature
        if self.check_event(AliasEvent):
            raise _AliasRefused(problem="alias", problem_mark=self.peek_event().start_mark)
        return super().compose_node(parent, index)


class _StrictResolver(yaml.resolver.Resolver):
    """YAML 1.1 reads `yes`/`no`/`on`/`off` as booleans and `08:30` as the number 510.
    Keep only true/false and plain decimal numbers, so times and words stay text."""


_StrictResolver.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_StrictResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:[0-9]+\.[0-9]+)$"), list("-+0123456789")
)


class _StrictLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _NoAliasComposer,
    yaml.constructor.SafeConstructor,
    _StrictResolver,
):
    """SafeLoader with YAML 1.2-like scalars and no aliases, all in Python: its error messages are the ones
    users see (and the invalid-input corpus pins)."""

    def __init__(self, stream: str):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _NoAliasComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


class _FastStrictLoader(_NoAliasComposer, CParser, yaml.constructor.SafeConstructor, _StrictResolver):
    """The same rules over libyaml's scanner and parser (about 4× faster on listings). The composing stays in
    Python, so aliases are refused before they are followed; any error is reported by `_StrictLoader`."""

    def __init__(self, stream: str):
        CParser.__init__(self, stream)
        _NoAliasComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


class _FastestStrictLoader(CParser, yaml.constructor.SafeConstructor, _StrictResolver):
    """For a text without `*`, where no alias can be written: libyaml composes too (twice as fast again)."""

    def __init__(self, stream: str):
        CParser.__init__(self, stream)
        yaml.constructor.SafeConstructor.__init__(self)
        _StrictResolver.__init__(self)


class LoadError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem


def load_file(path: Path, shown_as: Path | None = None) -> Document:
    """Read one YAML file. Raises LoadError with a clerk-readable Problem."""
    shown = shown_as or path
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(
            Problem.error(
                shown,
                1,
                1,
                "file-too-large",
                "",
                f"ファイルが大きすぎます (file is larger than {MAX_FILE_BYTES} bytes)",
            )
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # Excel and Notepad add a BOM; it carries no meaning
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(
            Problem.error(shown, line, 1, "encoding", "", "UTF-8 で保存してください (file is not UTF-8)")
        ) from None
    if "\t" in text:
        line = text[: text.index("\t")].count("\n") + 1
        col = len(text[: text.index("\t")].rsplit("\n", 1)[-1]) + 1
        raise LoadError(
            Problem.error(
                shown,
                line,
                col,
                "yaml-tab",
                "",
                "タブ文字は使えません。空白で字下げしてください (tabs are not allowed; indent with spaces)",
            )
        )
    if (bad := CONTROL.search(text)) is not None:
        line = text[: bad.start()].count("\n") + 1
        col = len(text[: bad.start()].rsplit("\n", 1)[-1]) + 1
        raise LoadError(_control_problem(shown, line, col, "", bad.group()))
    try:
        node, loader = _compose(text, _FastStrictLoader if "*" in text else _FastestStrictLoader)
    except yaml.YAMLError:
        node, loader = _compose_or_explain(text, shown)  # the Python loader says where and what, in its words
    if node is None:
        raise LoadError(Problem.error(shown, 1, 1, "empty-file", "", "ファイルが空です (file is empty)"))
    doc = Document(path=shown, data=None)
    doc.data = _to_python(node, (), doc, loader)
    return doc


def _compose_or_explain(text: str, shown: Path) -> tuple[Any, Any]:
    try:
        return _compose(text, _StrictLoader)
    except _AliasRefused as exc:
        mark = exc.problem_mark
        raise LoadError(
            Problem.error(
                shown,
                mark.line + 1,
                mark.column + 1,
                "yaml-alias",
                "",
                "& や * (アンカー・エイリアス) は使えません。値をそのまま書いてください "
                "(YAML anchors and aliases are not allowed)",
            )
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise LoadError(
            Problem.error(
                shown, line, col, "yaml-syntax", "", f"YAML の書き方に誤りがあります (YAML syntax error: {exc.problem})"
            )
        ) from None
    except yaml.YAMLError as exc:
        raise LoadError(
            Problem.error(shown, 1, 1, "yaml-syntax", "", f"YAML の書き方に誤りがあります (YAML syntax error: {exc})")
        ) from None


def _compose(text: str, loader_class: type) -> tuple[Any, Any]:
    loader = loader_class(text)
    try:
        return loader.get_single_node(), loader
    finally:
        loader.dispose()


_STR = "tag:yaml.org,2002:str"


def _to_python(node, loc: Path_, doc: Document, loader: yaml.constructor.SafeConstructor) -> Any:
    if len(loc) > MAX_DEPTH:
        raise LoadError(
            Problem.error(
                doc.path,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                "too-deep",
                _dotted(loc[:2]) + "…",
                "入れ子が深すぎます (nesting is too deep)",
            )
        )
    doc.positions.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR else loader.construct_object(key_node, deep=True)
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, (str, int)):
                raise LoadError(
                    Problem.error(
                        doc.path,
                        line,
                        col,
                        "yaml-key",
                        _dotted(loc),
                        "項目名が正しくありません (a key must be plain text)",
                    )
                )
            if key in result:
                first = doc.positions.get(loc + (key,), (0, 0))[0]
                raise LoadError(
                    Problem.error(
                        doc.path,
                        line,
                        col,
                        "duplicate-key",
                        _dotted(loc + (key,)),
                        f"同じ項目が {first} 行目にもあります (duplicate key, first written on line {first})",
                    )
                )
            doc.positions[loc + (key,)] = (line, col)
            result[key] = _to_python(value_node, loc + (key,), doc, loader)
        return result
    if isinstance(node, SequenceNode):
        return [_to_python(item, loc + (i,), doc, loader) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    value = node.value if node.tag == _STR else loader.construct_object(node, deep=True)  # most are text
    if isinstance(value, str) and (bad := CONTROL.search(value)) is not None:  # written as an escape, "\u202e"
        raise LoadError(
            _control_problem(doc.path, node.start_mark.line + 1, node.start_mark.column + 1, _dotted(loc), bad.group())
        )
    return value


def control_message(char: str) -> str:
    return (
        f"見えない制御文字 (U+{ord(char):04X}) は使えません。消して書き直してください "
        f"(control or bidi character U+{ord(char):04X} is not allowed)"
    )


def _control_problem(shown: Path, line: int, col: int, field_path: str, char: str) -> Problem:
    return Problem.error(shown, line, col, "control-character", field_path, control_message(char))


def _dotted(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
