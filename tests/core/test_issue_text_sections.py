"""Restating one line of an issue's section (an objective's edited Key results line,
carried into the key result it made): that line only, as the person laid it out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from okrflow.core.sections import parse_sections, replace_section_line

TEXT = """\
## Key result

<!-- The statement, also the issue title -->
Raise NPS from 20 to 40

## Objective

#1 Raise NPS from 20 to 40

```
## Key result
Raise NPS from 20 to 40
```
"""


def test_only_the_line_of_the_named_section_is_restated() -> None:
    out = replace_section_line(TEXT, "Key result", "raise  NPS from 20 to 40", "Raise NPS to 45")
    assert out is not None
    assert out.splitlines()[3] == "Raise NPS to 45"
    # the hint, the Objective section and the fenced copy are as they were
    assert out.replace("Raise NPS to 45", "Raise NPS from 20 to 40", 1) == TEXT


def test_a_list_item_keeps_its_marker() -> None:
    out = replace_section_line(
        "## Key result\n\n- [ ] Ship 3 guides\n", "Key result", "ship 3 guides", "Ship 4 guides"
    )
    assert out == "## Key result\n\n- [ ] Ship 4 guides\n"


def test_no_line_reading_so_is_no_guess() -> None:
    assert replace_section_line(TEXT, "Key result", "Raise NPS from 20 to 50", "x") is None
    assert replace_section_line(TEXT, "Owner", "Raise NPS from 20 to 40", "x") is None
    # the line is in another section only
    only_there = "## Objective\n\nShip it\n\n## Key result\n\nSomething else\n"
    assert replace_section_line(only_there, "Key result", "Ship it", "x") is None


LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30).filter(
    lambda s: s.strip() and not s.lstrip().startswith(("#", "`", "~", "-", "*", "+"))
)


@given(before=st.lists(LINE, max_size=4), old=LINE, new=LINE, after=st.lists(LINE, max_size=4))
def test_restating_changes_one_line_and_the_section_reads_the_new_one(
    before: list[str], old: str, new: str, after: list[str]
) -> None:
    text = "\n".join(["## Key result", "", old, "", "## Objective", *before, *after, ""])
    out = replace_section_line(text, "Key result", old, new)
    assert out is not None
    lines, was = out.split("\n"), text.split("\n")
    assert len(lines) == len(was)
    assert [i for i, (a, b) in enumerate(zip(lines, was, strict=True)) if a != b] in ([2], [])
    assert parse_sections(out)["Key result"].strip() == new.strip() or new == old
