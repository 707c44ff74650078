"""Spreadsheets read through a column mapping: the ready layouts, bad rows, mapping files."""

from __future__ import annotations

from pathlib import Path

import pytest
from csv_samples import perdoo, plain, viva_goals, with_bad_rows

from okrflow.config.okrfile import load_okr_file
from okrflow.config.okrfile.spreadsheet import READY, export_rows, load_mapping, read_rows
from okrflow.config.okrfile.writer import dump_yaml
from okrflow.core.calendar import FiscalCalendar
from okrflow.errors import ConfigError, UsageError

CALENDAR = FiscalCalendar()


def parse(period: str) -> str:
    """As okrflow import reads a time period (its fallback for "Q3 2025" included)."""
    import re

    try:
        return CALENDAR.label(CALENDAR.parse(period))
    except ValueError:
        found = re.fullmatch(r"Q([1-4]) (\d{4})", period)
        if not found:
            raise
        return f"FY{found.group(2)[2:]}-Q{found.group(1)}"


def read(text: str, mapping: str, quarter: str | None = None):  # type: ignore[no-untyped-def]
    spec, _ = load_mapping(mapping)
    return read_rows(text, "okrs.csv", spec, quarter=quarter, parse_quarter=parse)


def loaded(draft):  # type: ignore[no-untyped-def]
    return load_okr_file("out.yml", text=dump_yaml(draft.data(), notes=draft.notes))


@pytest.mark.parametrize(
    ("layout", "text", "objectives", "key_results"),
    [
        ("plain", plain(), 10, 50),
        ("plain", plain(delimiter=";"), 10, 50),
        ("viva-goals", viva_goals(), 10, 40),
        ("perdoo", perdoo(), 10, 35),
    ],
)
def test_50_rows_in_each_ready_layout_import(
    layout: str, text: str, objectives: int, key_results: int
) -> None:
    assert len(text.splitlines()) == 51  # a header and 50 rows
    draft = read(text, layout)
    assert draft.errors == []
    okr_file = loaded(draft)
    assert okr_file.quarter == "FY25-Q3"
    assert len(okr_file.objectives) == objectives
    assert len(okr_file.key_results()) == key_results
    assert {o.owner for o in okr_file.objectives} == {"alice", "bob", "okr-lead"}


def test_the_tree_layouts_align_objectives_and_keep_the_numbers() -> None:
    viva = loaded(read(viva_goals(), "viva-goals"))
    root = viva.objectives[0]
    assert all(o.parents == [root.key] for o in viva.objectives[1:])
    kr = viva.objectives[0].key_results[1]
    assert (kr.metric.start, kr.metric.target) == (10, 60)
    assert kr.owner == "bob"  # bob@example.com
    draft = read(perdoo(), "perdoo")
    assert "5 row(s) neither an objective nor a key result skipped" in str(draft.warnings)
    okrs = loaded(draft)
    assert okrs.objectives[0].team == "Company"  # Perdoo's Owner is the team
    assert okrs.objectives[1].parents == [okrs.objectives[0].key]
    kr = okrs.objectives[0].key_results[0]
    assert (kr.metric.start, kr.metric.target, kr.metric.unit) == (12, 8, "%")


def test_every_bad_row_is_named_with_its_reason() -> None:
    draft = read(with_bad_rows(), "plain")
    assert [str(e) for e in draft.errors] == [
        "row 3: no objective title",
        "row 5: weight: not a number: 'heavy' (write e.g. 1,200, 1.5k, 35%, $2M, 4h)",
        "row 6: team 'Sales, EMEA': a GitLab label has no comma and at most 255 characters",
        "row 7: start: not a number: 'lots' (write e.g. 1,200, 1.5k, 35%, $2M, 4h)",
        "row 7: target: not a number: 'more' (write e.g. 1,200, 1.5k, 35%, $2M, 4h)",
    ]


def test_an_export_reads_back_as_it_was() -> None:
    first = read(plain(), "plain")
    text = export_rows(first.data())
    again = read(text, "plain")
    assert again.data() == first.data()


def test_a_missing_title_column_names_the_columns_the_file_has() -> None:
    with pytest.raises(UsageError, match=r"no column 'Title' or 'Name' or 'OKR'.*columns: A, B"):
        read("A,B\n1,2\n", "viva-goals")


def test_rows_of_other_quarters_are_left_out_and_said_so() -> None:
    text = plain() + "FY25-Q4,Next quarter's goal,Sales,bob,Land 5 logos,bob,\n"
    draft = read(text, "plain")
    assert draft.quarter == "FY25-Q3"
    assert "1 row(s) of other quarters than FY25-Q3 left out" in str(draft.warnings)
    assert read(text, "plain", quarter="FY25-Q4").quarter == "FY25-Q4"


def test_a_mapping_file_of_ones_own_maps_names_to_usernames(tmp_path: Path) -> None:
    mapping = tmp_path / "mine.yml"
    mapping.write_text(
        "layout: rows\ncolumns:\n  objective: Goal\n  key_result: Result\n  owner: Who\n"
        "owners:\n  Alice Archer: alice\n"
    )
    text = "Goal,Result,Who\nShip it,Ship 3 features,Alice Archer\nShip it,Ship 2 docs,Bo B\n"
    spec, _ = load_mapping(str(mapping))
    draft = read_rows(text, "x.csv", spec, quarter="FY25-Q3", parse_quarter=parse)
    krs = draft.data()["objectives"][0]["key_results"]
    assert krs[0]["owner"] == "alice"
    assert "owner" not in krs[1]
    assert "owner 'Bo B' is not a GitLab username" in str(draft.warnings)


def test_a_mapping_with_an_unknown_field_is_refused_with_a_hint(tmp_path: Path) -> None:
    mapping = tmp_path / "mine.yml"
    mapping.write_text("layout: rows\ncolumns:\n  objectiv: Goal\n")
    with pytest.raises(UsageError, match=r"columns\.objectiv: .*did you mean 'objective'"):
        load_mapping(str(mapping))
    mapping.write_text("layout: rows\ncolums:\n  objective: Goal\n")
    with pytest.raises(ConfigError, match=r"mine\.yml:1: columns: required key is missing"):
        load_mapping(str(mapping))


@pytest.mark.parametrize("name", READY)
def test_every_ready_mapping_loads_and_cites_where_its_columns_come_from(name: str) -> None:
    spec, where = load_mapping(name)
    assert where.endswith(f"{name}.yml")
    text = Path(__file__).resolve().parents[2] / "src/okrflow/config/okrfile/mappings"
    comments = (text / f"{name}.yml").read_text()
    if name != "plain":
        assert "https://" in comments  # the documentation the layout follows
    assert spec.columns
