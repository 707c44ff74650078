"""The closed quarter's report document kept in the report issue: it reads back as written,
also after okrflow's neutraliser (which escapes any line starting with ``/``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from okrflow.core.archive import document_block, read_document, with_document
from okrflow.core.neutraliser import neutralise

TEXT = st.text(min_size=0, max_size=40)
DOCS = st.fixed_dictionaries(
    {
        "quarter": st.from_regex(r"FY[0-9]{2}-Q[1-4]", fullmatch=True),
        "objectives": st.lists(st.dictionaries(TEXT, TEXT, max_size=4), max_size=6),
        "noise": st.binary(min_size=0, max_size=400).map(bytes.hex),
    }
)


@settings(max_examples=200, deadline=None)
@given(DOCS)
def test_a_document_survives_the_write_path_and_reads_back(doc: dict[str, object]) -> None:
    block = document_block(doc)
    assert block is not None
    body = block.splitlines()[1:-1]
    assert not any(line.startswith("/") for line in body)  # nothing GitLab could run

    stored = neutralise(with_document("The closing report.", block), lambda name: False)

    assert read_document(stored) == doc
