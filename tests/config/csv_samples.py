"""Spreadsheets of 50 rows in each ready layout, as their tools write them.

- ``plain``: 10 objectives x 5 key results, one row per key result (okrflow's export);
- ``viva-goals``: an Explorer export with key results: 10 objectives and 40 key results,
  each a row, linked by OKR Reference / Parent OKR, owners as e-mail addresses;
- ``perdoo``: 10 objectives, 35 key results and 5 initiatives (skipped), key results
  naming their objective, Owner the team, Lead the person.
"""

from __future__ import annotations

import csv
import io

TEAMS = ("Company", "Sales", "Marketing", "Support", "Product")
USERS = ("alice", "bob", "okr-lead")


def _csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def plain(delimiter: str = ",") -> str:
    header = ["Quarter", "Objective", "Team", "Objective owner", "Key result", "Owner", "Weight"]
    rows = []
    for o in range(10):
        for k in range(5):
            rows.append(
                [
                    "FY25-Q3",
                    f"Objective {o + 1}: delight customers in segment {o + 1}",
                    TEAMS[o % 5],
                    USERS[o % 3],
                    f"Grow active accounts in segment {o + 1} from {100 + k} to {200 + k}",
                    USERS[(o + k) % 3],
                    "2" if k == 0 else "",
                ]
            )
    return _csv(header, rows, delimiter)


def viva_goals() -> str:
    header = [
        "OKR Reference",
        "Title",
        "Object type",
        "Type",
        "Owner",
        "Team",
        "Time period",
        "Parent OKR",
        "Progress",
        "Status",
        "Start value",
        "Target value",
    ]
    rows = []
    for o in range(10):
        ref = f"OKR-{o + 1:03d}"
        rows.append(
            [
                ref,
                f"Win segment {o + 1}",
                "Objective",
                "Team",
                f"{USERS[o % 3]}@example.com",
                TEAMS[o % 5],
                "Q3 2025",
                "OKR-001" if o else "",
                "40%",
                "On Track",
                "",
                "",
            ]
        )
        for k in range(4):
            rows.append(
                [
                    f"{ref}-{k + 1}",
                    f"Increase renewals in segment {o + 1} line {k + 1}",
                    "Key Result",
                    "Individual",
                    f"{USERS[k % 3]}@example.com",
                    TEAMS[o % 5],
                    "Q3 2025",
                    ref,
                    "20%",
                    "Behind",
                    str(10 * k),
                    str(10 * k + 50),
                ]
            )
    return _csv(header, rows)


def perdoo() -> str:
    header = [
        "Name",
        "Type",
        "Owner",
        "Lead",
        "Timeframe",
        "Objective",
        "Aligned to",
        "Description",
        "Start value",
        "Current value",
        "Target value",
        "Metric unit",
    ]
    rows = []
    for o in range(10):
        title = f"Become the first choice for team {o + 1}"
        rows.append(
            [
                title,
                "Objective",
                TEAMS[o % 5],
                USERS[o % 3],
                "FY25 Q3",
                "",
                "" if o == 0 else "Become the first choice for team 1",
                "Why it matters",
                "",
                "",
                "",
                "",
            ]
        )
        count = 4 if o < 5 else 3
        for k in range(count):
            rows.append(
                [
                    f"Reduce churn of team {o + 1} cohort {k + 1} from 12% to 8%",
                    "Key Result",
                    TEAMS[o % 5],
                    USERS[k % 3],
                    "FY25 Q3",
                    title,
                    "",
                    "",
                    "12",
                    "10",
                    "8",
                    "%",
                ]
            )
        if o < 5:
            rows.append(
                [
                    f"Run onboarding sessions {o + 1}",
                    "Initiative",
                    TEAMS[o % 5],
                    USERS[0],
                    "FY25 Q3",
                    title,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    return _csv(header, rows)


def with_bad_rows() -> str:
    """The plain layout with a bad row 3, 5 and 6 (and good ones around them)."""
    header = ["Quarter", "Objective", "Team", "Key result", "Owner", "Weight", "Start", "Target"]
    rows = [
        [
            "FY25-Q3",
            "Delight customers",
            "Support",
            "Cut response time from 4h to 2h",
            "alice",
            "",
            "",
            "",
        ],
        ["FY25-Q3", "", "Support", "Reply to every ticket", "bob", "", "", ""],  # no objective
        ["FY25-Q3", "Delight customers", "Support", "Raise NPS from 30 to 40", "alice", "", "", ""],
        [
            "FY25-Q3",
            "Delight customers",
            "Support",
            "Answer faster",
            "bob",
            "heavy",
            "",
            "",
        ],  # weight
        ["FY25-Q3", "Grow", "Sales, EMEA", "Land 5 logos", "bob", "", "", ""],  # comma in team
        ["FY25-Q3", "Grow", "Sales", "Raise ARR", "bob", "", "lots", "more"],  # not numbers
    ]
    return _csv(header, rows)
