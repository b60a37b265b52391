"""Hostile and malformed inputs: each is refused with the right code, a position, and fast."""

from __future__ import annotations

import pytest

from blokhub.blok import LIMITS, BlokParseError, parse
from tests.blok.conftest import fastest, refused

LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)
FAN_OUT = "base: &b {x: 1}\n" + "".join(f"k{i}: *b\n" for i in range(1000))
ALIAS_ONLY = "a: 1\nb: *undefined\n"

HOSTILE = [
    ("billion-laughs", LAUGHS, "yaml", "yaml_alias"),
    ("alias-fan-out", FAN_OUT, "yaml", "yaml_alias"),
    ("alias-without-anchor", ALIAS_ONLY, "yaml", "yaml_alias"),
    ("python-tag", "name: !!python/object/apply:os.system ['echo hi']\n", "yaml", "yaml_tag"),
    ("python-name-tag", "a: !!python/name:os.system\n", "yaml", "yaml_tag"),
    ("binary-tag", "a: !!binary aGVsbG8=\n", "yaml", "yaml_tag"),
    ("custom-tag", "a: !custom x\n", "yaml", "yaml_tag"),
    ("str-tag", "a: !!str 5\n", "yaml", "yaml_tag"),
    ("tagged-mapping", "a: !!map {b: 1}\n", "yaml", "yaml_tag"),
    ("deep-json-array", "[" * 100_000 + "]" * 100_000, "json", "too_deep"),
    ("deep-json-object", '{"":' * 100_000 + "1" + "}" * 100_000, "json", "too_deep"),
    ("deep-json-object-a", '{"a":' * 100_000 + "1" + "}" * 100_000, "json", "too_large"),
    ("deep-yaml-flow", "[" * 100_000 + "]" * 100_000, "yaml", "too_deep"),
    ("deep-yaml-block", "".join("  " * i + "a:\n" for i in range(200)), "yaml", "too_deep"),
    ("deep-toml-inline", "a = " + "[" * 100_000 + "]" * 100_000, "toml", "too_deep"),
    ("deep-toml-tables", "[" + ".".join(["t"] * 100) + "]\nx = 1\n", "toml", "too_deep"),
    ("json-11MiB", '{"a": "' + "x" * (11 * 1024 * 1024) + '"}', "json", "too_large"),
    ("yaml-11MiB-bytes", b"a: " + b"x" * (11 * 1024 * 1024), "yaml", "too_large"),
    ("toml-dotted-key-100k", "a" + ".a" * 100_000 + " = 1\n", "toml", "too_deep"),
    ("toml-dotted-header-100k", "[a" + ".a" * 100_000 + "]\n", "toml", "too_deep"),
    ("toml-20000-tables", "".join(f"[t{i}]\nx = 1\n" for i in range(20_000)), "toml", "too_many_nodes"),
    ("toml-11MiB", 'a = "' + "x" * (11 * 1024 * 1024) + '"', "toml", "too_large"),
    ("json-6000-array", '{"a": [' + ",".join(["1"] * 6000) + "]}", "json", "too_many_nodes"),
    ("yaml-6000-flow", "a: [" + ",".join(["1"] * 6000) + "]", "yaml", "too_many_nodes"),
    ("yaml-6000-block", "a:\n" + "- 1\n" * 6000, "yaml", "too_many_nodes"),
    ("toml-6000-array", "a = [" + ",".join(["1"] * 6000) + "]", "toml", "too_many_nodes"),
    ("json-duplicate", '{"a": 1, "b": {"c": 1, "c": 2}}', "json", "duplicate_key"),
    ("yaml-duplicate", "a: 1\nb:\n  c: 1\n  c: 2\n", "yaml", "duplicate_key"),
    ("toml-duplicate-key", "a = 1\n[b]\nc = 1\nc = 2\n", "toml", "duplicate_key"),
    ("toml-duplicate-table", "[b]\nc = 1\n[b]\nd = 2\n", "toml", "duplicate_key"),
    ("invalid-utf8-json", b'{"a": "\xff"}', "json", "invalid_utf8"),
    ("invalid-utf8-yaml", b"a: \xc3\x28\n", "yaml", "invalid_utf8"),
    ("invalid-utf8-toml", b'a = "\xe2\x82"\n', "toml", "invalid_utf8"),
    ("lone-surrogate-str", '{"a": "\ud800"}', "json", "invalid_utf8"),
    ("json-list", "[1, 2]", "json", "not_an_object"),
    ("json-scalar", "42", "json", "not_an_object"),
    ("json-string", '"workflow"', "json", "not_an_object"),
    ("json-null", "null", "json", "not_an_object"),
    ("yaml-list", "- a\n- b\n", "yaml", "not_an_object"),
    ("yaml-scalar", "hello\n", "yaml", "not_an_object"),
    ("yaml-null", "~\n", "yaml", "not_an_object"),
    ("yaml-comment-only", "# nothing here\n", "yaml", "not_an_object"),
    ("json-empty", "", "json", "empty_document"),
    ("yaml-empty", "   \n\n", "yaml", "empty_document"),
    ("toml-empty", "", "toml", "empty_document"),
    ("json-nan", '{"a": NaN}', "json", "invalid_number"),
    ("json-infinity", '{"a": -Infinity}', "json", "invalid_number"),
    ("json-overflow", '{"a": 1e999}', "json", "invalid_number"),
    ("json-huge-int", '{"a": ' + "9" * 5000 + "}", "json", "invalid_number"),
    ("yaml-inf", "a: .inf\n", "yaml", "invalid_number"),
    ("yaml-nan", "a: .NaN\n", "yaml", "invalid_number"),
    ("yaml-huge-int", "a: " + "9" * 5000 + "\n", "yaml", "invalid_number"),
    ("toml-inf", "a = inf\n", "toml", "invalid_number"),
    ("toml-nan", "a = nan\n", "toml", "invalid_number"),
    ("toml-huge-int", "a = " + "9" * 5000 + "\n", "toml", "invalid_number"),
    ("yaml-multi-document", "a: 1\n---\nb: 2\n", "yaml", "multiple_documents"),
    ("yaml-complex-key", "? [a, b]\n: 1\n", "yaml", "invalid_key"),
    ("json-syntax", '{"a": 1,}', "json", "syntax"),
    ("yaml-syntax", "a: [1, 2\n", "yaml", "syntax"),
    ("toml-syntax", "a = [1,\n", "toml", "syntax"),
]


@pytest.mark.parametrize(("source", "fmt", "code"), [case[1:] for case in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_input_is_refused_quickly(source: str | bytes, fmt: str, code: str) -> None:
    error = refused(source, fmt)
    assert error.code == code, error.issues
    assert error.issues[0].message
    assert isinstance(error.issues[0].pointer, str)
    # Not a speed target (bench/blok_format.py measures that): a bound that only a super-linear blow-up, the
    # attack these inputs stand for, can cross, even on a loaded machine.
    elapsed = fastest(lambda: refused(source, fmt))
    assert elapsed < 2.0, f"{code} took {elapsed * 1000:.1f} ms"


def test_limits_values() -> None:
    assert (LIMITS.max_source_bytes, LIMITS.max_depth, LIMITS.max_nodes) == (524_288, 64, 5_000)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_depth_limit_is_exact(fmt: str) -> None:
    def nested(depth: int) -> str:
        return '{"a":' * depth + "1" + "}" * depth

    parse(nested(64), fmt)
    assert refused(nested(65), fmt).code == "too_deep"


def test_node_limit_is_exact() -> None:
    # root object + array + items: 2 + n values
    parse('{"a": [' + ",".join(["1"] * 4998) + "]}", "json")
    assert refused('{"a": [' + ",".join(["1"] * 4999) + "]}", "json").code == "too_many_nodes"
    parse("a: [" + ",".join(["1"] * 4998) + "]", "yaml")
    assert refused("a: [" + ",".join(["1"] * 4999) + "]", "yaml").code == "too_many_nodes"


def test_size_limit_is_checked_in_bytes() -> None:
    limit = LIMITS.max_source_bytes
    padding = '{"a": "' + "x" * (limit - 9) + '"}'
    assert len(padding.encode()) == limit
    parse(padding, "json")
    # "é" is one character but two bytes: the same length in characters is now over the limit.
    assert refused('{"a": "' + "é" * (limit // 2) + '"}', "json").code == "too_large"


@pytest.mark.parametrize(
    ("source", "fmt", "pointer", "line", "column"),
    [
        ('{\n  "a": 1,\n  "b": {"c": 1, "c": 2}\n}', "json", "/b/c", 3, 17),
        ("a: 1\nb:\n  c: 1\n  c: 2\n", "yaml", "/b/c", 4, 3),
        ("a = 1\n[b]\nc = 1\nc = 2\n", "toml", "/b/c", 4, 1),
        ("a:\n  - x\n  - !!python/object:os.system y\n", "yaml", "/a/1", 3, 5),
        ("a: 1\nb: &anchor 2\n", "yaml", "/b", 2, 4),
    ],
)
def test_refusals_carry_pointer_and_position(source: str, fmt: str, pointer: str, line: int, column: int) -> None:
    issue = refused(source, fmt).issues[0]
    assert (issue.pointer, issue.line, issue.column) == (pointer, line, column)


def test_invalid_utf8_position() -> None:
    issue = refused(b'{\n  "name": "caf\xc3\xa9 \xff"\n}', "json").issues[0]
    assert (issue.line, issue.column) == (2, 17)  # "é" counts as one column
    assert "0xff" in issue.message


def test_json_syntax_error_position_and_hint() -> None:
    issue = refused('{\n  "a": 1,\n}', "json").issues[0]
    assert (issue.line, issue.column) == (3, 1)
    assert "trailing commas" in issue.message


def test_bom_is_stripped() -> None:
    assert parse(b'\xef\xbb\xbf{"a": 1}', "json").document == {"a": 1}
    assert parse("\ufeffa: 1\n", "yaml").document == {"a": 1}
    assert parse(b"\xef\xbb\xbfa = 1\n", "toml").document == {"a": 1}


def test_unknown_format_is_a_parse_error() -> None:
    error = refused("{}", "xml")
    assert error.code == "unsupported_format"
    assert parse("a: 1", "yml").document == {"a": 1}
    assert parse('{"a": 1}', "JSON").document == {"a": 1}


def test_yaml_scalars_follow_yaml_1_2_core_schema() -> None:
    source = (
        "on: on\nyes: yes\nno: no\noff: off\ny: y\nt: true\nf: False\nnull1: null\nnull2: ~\nnull3:\n"
        "i: 42\nneg: -7\noct: 0o17\nhex: 0x1F\nunderscored: 1_000\nbinary: 0b101\nfl: 1.5\nexp: 1e3\n"
        "version: 1.0.0\nv10: 1.0\ndate: 2024-01-01\nstamp: 2024-01-01T10:00:00Z\nsexagesimal: 1:20\n"
        "quoted: '42'\nat: '@nanoservice-ts/api-call'\nstar: '*'\nmerge: {<<: {a: 1}}\n1: numeric key\n"
    )
    doc = parse(source, "yaml").document
    assert doc == {
        "on": "on",
        "yes": "yes",
        "no": "no",
        "off": "off",
        "y": "y",
        "t": True,
        "f": False,
        "null1": None,
        "null2": None,
        "null3": None,
        "i": 42,
        "neg": -7,
        "oct": 15,
        "hex": 31,
        "underscored": "1_000",
        "binary": "0b101",
        "fl": 1.5,
        "exp": 1000.0,
        "version": "1.0.0",
        "v10": 1.0,
        "date": "2024-01-01",
        "stamp": "2024-01-01T10:00:00Z",
        "sexagesimal": "1:20",
        "quoted": "42",
        "at": "@nanoservice-ts/api-call",
        "star": "*",
        "merge": {"<<": {"a": 1}},
        "1": "numeric key",
    }


def test_toml_datetimes_become_iso_strings() -> None:
    source = (
        "utc = 2025-08-11T22:31:27.870Z\noffset = 2025-08-11T22:31:27+02:00\nlocal = 2025-08-11T22:31:27\n"
        "day = 2025-08-11\ntime = 07:32:00.123456\n[meta]\nnested = [1979-05-27]\n"
    )
    assert parse(source, "toml").document == {
        "utc": "2025-08-11T22:31:27.870Z",
        "offset": "2025-08-11T22:31:27+02:00",
        "local": "2025-08-11T22:31:27",
        "day": "2025-08-11",
        "time": "07:32:00.123456",
        "meta": {"nested": ["1979-05-27"]},
    }


def test_json_accepts_ordinary_documents_with_escapes() -> None:
    doc = parse('{"a": "quote \\" and bracket [ { ", "b": [[], {}], "c": -0.5e2}', "json").document
    assert doc == {"a": 'quote " and bracket [ { ', "b": [[], {}], "c": -50.0}


# Size, encoding, emptiness and the top-level type are decided outside the loader: compare loader refusals.
YAML_CASES = [
    case
    for case in HOSTILE
    if case[2] == "yaml" and case[3] not in ("too_large", "empty_document", "not_an_object", "invalid_utf8")
]


@pytest.mark.parametrize(("source", "code"), [(c[1], c[3]) for c in YAML_CASES], ids=[c[0] for c in YAML_CASES])
def test_pure_python_yaml_parser_applies_the_same_rules(source: str, code: str) -> None:
    from blokhub.blok._yaml import PureStrictYamlLoader, load_yaml

    def attempt() -> None:
        with pytest.raises(BlokParseError) as info:
            load_yaml(source, loader_class=PureStrictYamlLoader)
        assert info.value.code == code, info.value.issues

    attempt()  # the fallback is only a safety net: same refusals, no timing bound asserted


def test_toml_dotted_key_limit_matches_depth_limit_and_ignores_strings() -> None:
    def key(parts: int) -> str:
        return ".".join(["k"] * parts) + " = 1\n"

    parse(key(64), "toml")  # root table + 63 nested tables = depth 64
    assert refused(key(65), "toml").code == "too_deep"
    dotted_text = 's = "' + ".".join(["a"] * 200) + '"\n# ' + ".".join(["b"] * 200) + "\n"
    assert parse(dotted_text, "toml").document == {"s": ".".join(["a"] * 200)}
