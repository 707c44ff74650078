"""okrflow.config.yamlfile: safe YAML with line numbers, one-line errors naming file, line, key."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, field_validator

from okrflow.config.yamlfile import (
    MAX_NODES,
    REQUIRED,
    Locations,
    format_key_path,
    invalid,
    iter_model_reference,
    load_validated,
    load_yaml,
    parse_yaml,
)
from okrflow.errors import ConfigError, UsageError


def write(tmp_path: Path, text: str | bytes, name: str = "f.yml") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def error_of(tmp_path: Path, text: str | bytes) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_yaml(path)
    message = str(caught.value)
    assert "\n" not in message
    return message.removeprefix(f"{path}:")


# --- line numbers ------------------------------------------------------------------------

NESTED = """\
gitlab:
  url: https://gitlab.example.com
  retries: 3
labels:
  health:
    at_risk:
      color: red
objectives:
  - key: a
    key_results:
      - key: a1
        weight: 2
      - key: a2
  - key: b
    title:
      Long title on the next line
"""


def test_line_numbers_of_nested_keys_and_list_items() -> None:
    data, where = parse_yaml(NESTED, "f.yml")
    assert data["objectives"][0]["key_results"][0]["weight"] == 2
    assert where.line_of(()) == 1
    assert where.line_of(("gitlab",)) == 1
    assert where.line_of(("gitlab", "retries")) == 3
    assert where.line_of(("labels", "health", "at_risk", "color")) == 7
    assert where.line_of(("objectives", 0)) == 9
    assert where.line_of(("objectives", 0, "key_results", 0)) == 11
    assert where.line_of(("objectives", 0, "key_results", 0, "weight")) == 12
    assert where.line_of(("objectives", 0, "key_results", 1, "key")) == 13
    assert where.line_of(("objectives", 1, "title")) == 15
    assert where.value_line_of(("objectives", 1, "title")) == 16
    assert where.line_of(("objectives", 5)) is None


def test_nearest_line_falls_back_to_the_closest_ancestor_in_the_file() -> None:
    _, where = parse_yaml(NESTED, "f.yml")
    assert where.nearest_line(("labels", "health", "on_track", "color")) == 5
    assert where.nearest_line(("nowhere",)) == 1


def test_paths_come_in_document_order() -> None:
    _, where = parse_yaml("b: 1\na:\n  - x\n", "f.yml")
    assert list(where.paths()) == [(), ("b",), ("a",), ("a", 0)]


def test_flow_style_items_have_their_own_lines() -> None:
    _, where = parse_yaml("a: [1,\n  2]\nb: {c: 1,\n  d: 2}\n", "f.yml")
    assert where.line_of(("a", 1)) == 2
    assert where.line_of(("b", "d")) == 4


def test_merge_keys_are_plain_yaml_and_explicit_keys_win() -> None:
    text = "base: &base {retries: 3, timeout: 5}\ngitlab:\n  <<: *base\n  retries: 4\n"
    data, where = parse_yaml(text, "f.yml")
    assert data["gitlab"] == {"retries": 4, "timeout": 5}
    assert where.line_of(("gitlab", "retries")) == 4


# --- refused input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "3: a: duplicate key (first on line 1)"),
        (
            "gitlab:\n  retries: 3\n  retries: 4\n",
            "3: gitlab.retries: duplicate key (first on line 2)",
        ),
        ("x:\n  - k: 1\n  - k: 2\n    k: 3\n", "4: x[1].k: duplicate key (first on line 3)"),
        ("a: {b: 1, b: 2}\n", "1: a.b: duplicate key (first on line 1)"),
    ],
)
def test_duplicate_keys_are_refused_with_their_key_path(
    tmp_path: Path, text: str, message: str
) -> None:
    assert error_of(tmp_path, text) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a:\n  b: [1, 2\n",
            "2: invalid YAML at column 6: a '[' list is not closed before the end of the file",
        ),
        (
            "a: 'open\nb: 2\n",
            "1: invalid YAML at column 4: a quoted text is not closed before the end of the file",
        ),
        (
            "a: b: c\n",
            "1: invalid YAML at column 5: mapping values are not allowed here; "
            "a value containing ': ' must be quoted",
        ),
        (
            "a:\n\tb: 1\n",
            "2: invalid YAML at column 1: found character '\\t' that cannot start any token; "
            "tabs are not allowed in YAML indentation; use spaces",
        ),
        (
            "a: !!python/object/apply:os.system [echo hi]\n",
            "1: unsupported YAML tag '!!python/object/apply:os.system': only plain YAML is read",
        ),
        ("a: !include other.yml\n", "1: unsupported YAML tag '!include': only plain YAML is read"),
        (
            "a: 1\n---\nb: 2\n",
            "2: invalid YAML: expected one document, found a second one after '---'",
        ),
        ("a: 2024-13-45\n", "1: invalid date '2024-13-45': month must be in 1..12"),
        ("a: !!int x\n", "1: invalid value 'x' for !!int"),
        ("a: !!int\n", "1: invalid value '' for !!int"),
        ("a: \x07\n", "1: invalid YAML: control character U+0007 is not allowed"),
        ("? [a, b]\n: 1\n", "1: found a list or mapping used as a key"),
        ("a: &x [1, *x]\n", "1: a[1]: an alias refers to the mapping or list that contains it"),
    ],
)
def test_yaml_errors_are_one_line_with_file_and_line(
    tmp_path: Path, text: str, message: str
) -> None:
    assert error_of(tmp_path, text) == message


def test_aliases_may_not_expand_into_a_huge_document(tmp_path: Path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    message = error_of(tmp_path, "\n".join(lines) + "\n")
    assert (
        message == f" the document expands to more than {MAX_NODES} values (anchors and aliases?)"
    )


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    assert "nested more than 100 levels deep" in error_of(tmp_path, "[" * 5000)
    assert "nested more than 100 levels deep" in error_of(tmp_path, "a: " + "[" * 150 + "]" * 150)


def test_empty_file_and_comments_only_are_an_empty_mapping(tmp_path: Path) -> None:
    assert load_yaml(write(tmp_path, ""))[0] == {}
    assert load_yaml(write(tmp_path, "# nothing here\n\n"))[0] == {}
    assert load_yaml(write(tmp_path, "---\n...\n"))[0] == {}


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("just text\n", "text"), ("42\n", "42"), ("null\n", None)],
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, kind: str | None) -> None:
    path = write(tmp_path, text)
    if kind is None:
        assert load_yaml(path)[0] == {}
        return
    with pytest.raises(ConfigError) as caught:
        load_yaml(path)
    assert str(caught.value) == (
        f"{path}:1: expected a mapping of keys at the top level, got {kind}"
    )


def test_non_utf8_bytes_name_the_line(tmp_path: Path) -> None:
    assert error_of(tmp_path, b"a: 1\nb: caf\xe9\n") == (
        "2: not UTF-8 text (byte 0xe9); save the file as UTF-8"
    )
    assert error_of(tmp_path, "a: 1\n".encode("utf-16")) == (
        "1: the file is UTF-16; save it as UTF-8"
    )


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    data, where = load_yaml(write(tmp_path, b"\xef\xbb\xbfa: caf\xc3\xa9\n"))
    assert data == {"a": "café"}
    assert where.line_of(("a",)) == 1


def test_missing_or_unreadable_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_yaml(tmp_path / "nope.yml")
    assert not isinstance(caught.value, ConfigError)
    assert str(caught.value) == f"config file not found: {tmp_path / 'nope.yml'}"
    with pytest.raises(UsageError, match=r"^OKR file not found: "):
        load_yaml(tmp_path / "nope.yml", what="OKR file")
    with pytest.raises(UsageError, match="is a directory"):
        load_yaml(tmp_path)


# --- validation with a model ---------------------------------------------------------------


class KeyResult(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    key: str = Field(description="stable key")
    title: str = Field("", description="statement")
    weight: float = Field(1.0, ge=0, description="weight in the rollup")


class Objective(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    forbidden_keys: ClassVar[dict[str, str]] = {"secret": "secrets do not belong here"}
    key: str = Field(description="stable key")
    owner: str | None = Field(None, description="GitLab username")
    key_results: list[KeyResult] = Field(default_factory=list, description="key results")


class OkrFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    quarter: str = Field(description="quarter label")
    objectives: list[Objective] = Field(default_factory=list, description="objectives")

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        if not value.startswith("FY"):
            raise invalid("must be a quarter like FY24-Q1")
        return value


OKRS = """\
quarter: FY22-Q2
objectives:
  - key: one
  - key: two
  - key: three
    owner: alice
    key_results:
      - key: k1
        weight: {weight}
        {extra}
"""


def okr_error(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_validated(path, OkrFile, what="OKR file")
    assert "\n" not in str(caught.value)
    return str(caught.value).removeprefix(f"{path}:")


def test_load_validated_returns_the_model_and_locations(tmp_path: Path) -> None:
    okrs, where = load_validated(write(tmp_path, OKRS.format(weight=2, extra="")), OkrFile)
    assert okrs.objectives[2].key_results[0].weight == 2.0
    assert isinstance(where, Locations)
    assert where.line_of(("objectives", 2, "key_results", 0, "weight")) == 9


@pytest.mark.parametrize(
    ("weight", "extra", "message"),
    [
        ("heavy", "", "9: objectives[2].key_results[0].weight: expected a number, got 'heavy'"),
        ("-1", "", "9: objectives[2].key_results[0].weight: must be at least 0, got -1"),
        (
            "2",
            "wieght: 3",
            "10: objectives[2].key_results[0].wieght: unknown key, did you mean 'weight'?",
        ),
        (
            "2",
            "zzz: 3",
            "10: objectives[2].key_results[0].zzz: "
            "unknown key; expected one of: key, title, weight",
        ),
        ("true", "", "9: objectives[2].key_results[0].weight: expected a number, got true"),
        ("[1]", "", "9: objectives[2].key_results[0].weight: expected a number, got a list"),
    ],
)
def test_validation_errors_name_line_key_path_and_expectation(
    tmp_path: Path, weight: str, extra: str, message: str
) -> None:
    assert okr_error(tmp_path, OKRS.format(weight=weight, extra=extra)) == message


def test_missing_key_points_at_its_mapping(tmp_path: Path) -> None:
    text = "quarter: FY22-Q2\nobjectives:\n  - key: a\n  - owner: bob\n"
    assert okr_error(tmp_path, text) == "4: objectives[1].key: required key is missing"
    assert okr_error(tmp_path, "objectives: []\n") == "1: quarter: required key is missing"


def test_text_that_yaml_reads_as_something_else_gets_a_quoting_hint(tmp_path: Path) -> None:
    text = "quarter: FY22-Q2\nobjectives:\n  - key: no\n"
    assert okr_error(tmp_path, text) == (
        "3: objectives[0].key: expected text, got false (quote it to keep it as text)"
    )


def test_custom_messages_and_forbidden_keys(tmp_path: Path) -> None:
    assert okr_error(tmp_path, "quarter: Q2\n") == (
        "1: quarter: must be a quarter like FY24-Q1, got 'Q2'"
    )
    text = "quarter: FY22-Q2\nobjectives:\n  - key: a\n    secret: glpat-abc123\n"
    message = okr_error(tmp_path, text)
    assert message == "4: objectives[0].secret: secrets do not belong here"


def test_the_first_problem_in_the_file_is_reported_with_a_count(tmp_path: Path) -> None:
    text = "objectives:\n  - key: 1\n  - key: 2\nquarter: Q\n"
    assert okr_error(tmp_path, text) == (
        "2: objectives[0].key: expected text, got 1 (quote it to keep it as text) "
        "(and 2 more problems)"
    )


def test_tokens_are_never_echoed(tmp_path: Path) -> None:
    text = "quarter: FY22-Q2\nobjectives:\n  - key: a\n    owner: [x]\n  - key: glpat-abcdef\n"
    path = write(tmp_path, "quarter: glpat-SECRET\n")
    with pytest.raises(ConfigError) as caught:
        load_validated(path, OkrFile)
    assert "SECRET" not in str(caught.value)
    assert "a value that looks like a token (not shown)" in str(caught.value)
    assert "glpat" not in okr_error(tmp_path, text)


def test_format_key_path() -> None:
    assert format_key_path(("objectives", 2, "key_results", 0, "weight")) == (
        "objectives[2].key_results[0].weight"
    )
    assert format_key_path(("labels", "health", "at_risk")) == "labels.health.at_risk"
    assert format_key_path(()) == ""


def test_model_reference_lists_every_key_with_type_default_and_description() -> None:
    rows = {row.key: row for row in iter_model_reference(OkrFile)}
    assert list(rows) == [
        "quarter",
        "objectives",
        "objectives[].key",
        "objectives[].owner",
        "objectives[].key_results",
        "objectives[].key_results[].key",
        "objectives[].key_results[].title",
        "objectives[].key_results[].weight",
    ]
    assert rows["quarter"].default is REQUIRED
    assert rows["objectives[].owner"][1:] == ("text or null", None, "GitLab username")
    assert rows["objectives[].key_results[].weight"].type == "number"


# --- never anything but ConfigError / UsageError -------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from([*"ab1:-?[]{},&*!|>'\"#%@`\n\t .\\<=~", "\x00", "é", "\ufeff"]),
    max_size=80,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=200) | YAMLISH.map(lambda s: s.encode("utf-8")))
def test_arbitrary_bytes_raise_only_config_or_usage_errors(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.yml"
    path.write_bytes(raw)
    for load in (lambda: load_yaml(path), lambda: load_validated(path, OkrFile)):
        try:
            load()
        except (ConfigError, UsageError) as error:
            assert "\n" not in str(error)
            assert str(error).startswith(str(path))
