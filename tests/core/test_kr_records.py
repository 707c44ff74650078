"""What an objective keeps of its key results: entries, merging, the watermark."""

from __future__ import annotations

import datetime as dt

from okrflow.core import kr_records
from okrflow.core.meta import Meta, RecordedCheckIn
from okrflow.core.model import IssueId

T0 = dt.datetime(2024, 2, 10, 9, 0, tzinfo=dt.timezone.utc)
HOUR = dt.timedelta(hours=1)


def checkin(value: float, at: dt.datetime, note_id: int | None = None) -> RecordedCheckIn:
    return RecordedCheckIn(at=at, value=value, note_id=note_id, author="alice", source="comment")


def test_entries_round_trip_through_the_objectives_metadata() -> None:
    kr = Meta(type="kr", key="k", iid=3, notes_count=2, last_comment_id=40)
    kr = kr_records.with_seen(kr.replace(checkin=checkin(5, T0, 40)), T0 + HOUR)
    objective = kr_records.with_entries(Meta(type="objective", iid=1), {"3": kr})
    data = objective.to_dict()
    read = kr_records.entries(Meta.from_dict(data)[0])
    assert list(read) == ["3"]
    assert (read["3"].notes_count, read["3"].last_comment_id) == (2, 40)
    assert read["3"].checkin == checkin(5, T0, 40)
    assert kr_records.seen_at(read["3"]) == T0 + HOUR
    assert read["3"].key is None and read["3"].type is None  # only the bookkeeping is kept


def test_a_key_result_in_another_project_is_named_by_its_full_reference() -> None:
    here, there = IssueId("acme/company", 3), IssueId("acme/sales", 3)
    objective_id = IssueId("acme/company", 1)
    assert kr_records.entry_name(here, objective_id) == "3"
    assert kr_records.entry_name(there, objective_id) == "acme/sales#3"
    assert kr_records.entry_name(IssueId("", 3), IssueId("", 1)) == "3"  # a project scope
    one = Meta(notes_count=1)
    two = Meta(notes_count=2)
    names = {kr_records.entry_name(i, objective_id): m for i, m in ((here, one), (there, two))}
    objective = kr_records.with_entries(Meta(type="objective", iid=1), names)
    read = kr_records.entries(Meta.from_dict(objective.to_dict())[0])
    assert {name: m.notes_count for name, m in read.items()} == {"3": 1, "acme/sales#3": 2}


def test_a_malformed_entry_is_left_out() -> None:
    objective = Meta(
        extra={"key_results": {"3": {"notes_count": "many"}, "x": {}, "4": [], "#5": {}}}
    )
    assert kr_records.entries(objective) == {}


def test_merged_takes_the_entry_and_folds_in_what_okrflow_checkin_recorded_since() -> None:
    kept = kr_records.with_seen(
        Meta(checkin=checkin(5, T0, 40), checkins=(checkin(5, T0),), notes_count=2),
        T0,
    ).replace(last_comment_id=40)
    stale = Meta(type="kr", iid=3, checkin=checkin(1, T0 - HOUR), notes_count=1)
    assert kr_records.merged(stale, kept).checkin == checkin(5, T0, 40)
    newer = stale.replace(checkin=checkin(7, T0 + HOUR, 41), last_comment_id=41, notes_count=3)
    both = kr_records.merged(newer, kept)
    assert both.checkin == checkin(7, T0 + HOUR, 41)
    assert [c.value for c in both.checkins] == [5, 7]
    assert (both.last_comment_id, both.notes_count) == (41, 3)
    assert kr_records.new_checkins(kept, both) == 1


def test_a_check_in_the_entry_dropped_is_not_taken_back_from_the_older_own_block() -> None:
    # okrflow checkin recorded 7 in the key result's block; the comment was deleted and
    # the rollup that read everything again (seen at T0 + 2h) rebuilt the entry without it
    own = Meta(iid=3, checkin=checkin(7, T0 + HOUR, 41), last_comment_id=41, notes_count=2)
    kept = kr_records.with_seen(
        Meta(checkin=checkin(5, T0, 40), last_comment_id=40, notes_count=1), T0 + 2 * HOUR
    )
    merged = kr_records.merged(own, kept)
    assert merged.checkin == checkin(5, T0, 40)
    assert [c.value for c in merged.checkins] == []


def test_new_checkins_counts_what_the_last_rollup_had_not_recorded() -> None:
    before = Meta(checkin=checkin(5, T0, 40), checkins=(checkin(5, T0),))
    after = Meta(
        checkin=checkin(6, T0 + HOUR, 41), checkins=(checkin(5, T0), checkin(6, T0 + HOUR))
    )
    assert kr_records.new_checkins(before, after) == 1
    assert kr_records.new_checkins(None, after) == 2
    assert kr_records.new_checkins(after, after) == 0


def test_the_watermark_is_read_only_when_well_formed() -> None:
    mark = kr_records.Watermark(5120, T0)
    meta = kr_records.with_watermark(Meta(), mark)
    assert kr_records.watermark(Meta.from_dict(meta.to_dict())[0]) == mark
    for bad in ({"id": "5120", "at": T0.isoformat()}, {"id": True, "at": "x"}, {"id": -1}, []):
        assert kr_records.watermark(Meta(extra={"events": bad})) is None
