"""Malformed OKR files for ``apply`` and ``plan``: exit 2, one line with file:line and key.

The file is read before GitLab is asked anything, so all but the unknown parent (which
may be an objective already in GitLab) run offline.
"""

from __future__ import annotations

from .case import Case, nothing_written

HEAD = "quarter: FY24-Q1\nobjectives:\n"
KR = "    key_results:\n      - key: csat\n        title: Raise CSAT from 80% to 90%\n"


def okrfile(
    id: str, text: str | bytes, expect: str, *, command: str = "plan", server: bool = False
) -> Case:
    return Case(
        id=f"okrfile-{id}",
        files={"okrs.yml": text},
        argv=(command, "okrs.yml"),
        exit=2,
        expect=expect,
        server=server,
        check=nothing_written if server else None,
    )


CASES = [
    okrfile(
        "bad-yaml",
        HEAD + '  - key: support\n    title: "Make support effortless\n',
        r"^okrflow: okrs\.yml:4: invalid YAML.*quoted text is not closed",
    ),
    okrfile(
        "tab-indentation",
        HEAD + "  - key: support\n\ttitle: Make support effortless\n",
        r"^okrflow: okrs\.yml:4: invalid YAML.*tabs are not allowed",
        command="apply",
    ),
    okrfile(
        "unknown-key",
        HEAD + "  - key: support\n    title: Make support effortless\n    tema: CSM\n",
        r"^okrflow: okrs\.yml:5: objectives\[0\]\.tema: unknown key, did you mean 'team'\?",
    ),
    okrfile(
        "duplicate-objective-key",
        HEAD + "  - key: support\n    title: A\n  - key: support\n    title: B\n",
        r"^okrflow: okrs\.yml:5: objectives\[1\]\.key: duplicate objective key 'support' "
        r"\(first on line 3\)",
    ),
    okrfile(
        "duplicate-kr-key",
        HEAD
        + "  - key: support\n    title: A\n"
        + KR
        + "      - key: csat\n        title: Cut response time from 8h to 2h\n",
        r"^okrflow: okrs\.yml:8: objectives\[0\]\.key_results\[1\]\.key: duplicate key-result "
        r"key 'csat' in objective 'support' \(first on line 6\)",
    ),
    okrfile(
        "duplicate-yaml-key",
        HEAD + "  - key: support\n    title: A\n    title: B\n",
        r"^okrflow: okrs\.yml:5: objectives\[0\]\.title: duplicate key \(first on line 4\)",
    ),
    okrfile(
        "unknown-parent",
        HEAD + "  - key: support\n    title: A\n    parent: nowhere\n",
        r"^okrflow: okrs\.yml:5: objectives\[0\]\.parent: parent 'nowhere' is neither an "
        r"objective in this file nor one in GitLab",
        command="apply",
        server=True,
    ),
    okrfile(
        "parent-cycle",
        HEAD
        + "  - key: a\n    title: A\n    parent: b\n"
        + "  - key: b\n    title: B\n    parent: c\n"
        + "  - key: c\n    title: C\n    parent: a\n",
        r"^okrflow: okrs\.yml:\d+: objectives\[\d\]\.parent: parents form a cycle: "
        r"(\w -> ){3}\w",
    ),
    okrfile(
        "unreadable-statement",
        HEAD + "  - key: support\n    title: A\n"
        "    key_results:\n      - key: better\n        title: Make things better\n",
        r"^okrflow: okrs\.yml:7: objectives\[0\]\.key_results\[0\]\.title: cannot read this "
        r"statement: .*give start and target: explicitly",
    ),
    okrfile(
        "placeholder-statement",
        HEAD + "  - key: support\n    title: A\n"
        "    key_results:\n      - key: nps\n        title: Improve NPS from [N] to [N]\n",
        r"^okrflow: okrs\.yml:7: objectives\[0\]\.key_results\[0\]\.title: .*placeholder",
    ),
    okrfile(
        "missing-title",
        HEAD + "  - key: support\n    owner: alice\n",
        r"^okrflow: okrs\.yml:3: objectives\[0\]\.title: required key is missing",
    ),
    okrfile(
        "weight-wrong-type",
        HEAD + "  - key: support\n    title: A\n" + KR + "        weight: heavy\n",
        r"^okrflow: okrs\.yml:8: objectives\[0\]\.key_results\[0\]\.weight: expected a number, "
        r"got 'heavy'",
    ),
    okrfile(
        "weight-negative",
        HEAD + "  - key: support\n    title: A\n" + KR + "        weight: -2\n",
        r"^okrflow: okrs\.yml:8: objectives\[0\]\.key_results\[0\]\.weight: must be more than "
        r"0, got -2",
    ),
    okrfile(
        "bad-quarter",
        "quarter: FY24-Q5\nobjectives:\n  - key: support\n    title: A\n",
        r"^okrflow: okrs\.yml:1: quarter: not a quarter: 'FY24-Q5' \(quarters are Q1 to Q4\)",
    ),
    okrfile(
        "empty-file",
        "",
        r"^okrflow: okrs\.yml: quarter: required key is missing",
    ),
    okrfile(
        "list-at-top-level",
        "- key: support\n  title: A\n",
        r"^okrflow: okrs\.yml:1: expected a mapping of keys at the top level, got a list",
    ),
    okrfile(
        "title-too-long",
        HEAD + "  - key: support\n    title: " + "x" * 300 + "\n",
        r"^okrflow: okrs\.yml:4: objectives\[0\]\.title: .*255",
    ),
    okrfile(
        "title-a-number",
        HEAD + "  - key: support\n    title: 123\n",
        r"^okrflow: okrs\.yml:4: objectives\[0\]\.title: expected text, got 123 \(quote it",
    ),
    okrfile(
        "kind-not-a-choice",
        HEAD + "  - key: support\n    title: A\n    kind: maybe\n",
        r"^okrflow: okrs\.yml:5: objectives\[0\]\.kind: must be one of 'committed', "
        r"'aspirational', got 'maybe'",
    ),
    okrfile(
        "owner-not-a-username",
        HEAD + "  - key: support\n    title: A\n    owner: 'not a user!'\n",
        r"^okrflow: okrs\.yml:5: objectives\[0\]\.owner: must be a GitLab username",
    ),
    okrfile(
        "start-not-a-number",
        HEAD + "  - key: support\n    title: A\n"
        "    key_results:\n      - key: users\n        title: Grow users\n"
        "        start: lots\n        target: 5\n",
        r"^okrflow: okrs\.yml:8: objectives\[0\]\.key_results\[0\]\.start: not a number: "
        r"'lots'",
    ),
    okrfile(
        "start-equals-target",
        HEAD + "  - key: support\n    title: A\n"
        "    key_results:\n      - key: users\n        title: Grow users from 5 to 5\n",
        r"^okrflow: okrs\.yml:7: .*start and target are both 5: nothing to move",
    ),
    okrfile(
        "reserved-key",
        HEAD + "  - key: iid-3\n    title: A\n",
        r"^okrflow: okrs\.yml:3: objectives\[0\]\.key: keys of the form iid-<n> are reserved",
    ),
    okrfile(
        "yaml-alias-bomb",
        "".join(
            f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else 'lol'}]\n"
            for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True)
        ),
        r"^okrflow: okrs\.yml: the document expands to more than \d+ values",
    ),
    okrfile(
        "start-nan",
        HEAD + "  - key: support\n    title: A\n"
        "    key_results:\n      - key: users\n        title: Grow users\n"
        "        start: .nan\n        target: 5\n",
        r"^okrflow: okrs\.yml:8: objectives\[0\]\.key_results\[0\]\.start: ",
    ),
    okrfile(
        "team-with-a-comma",
        HEAD + "  - key: support\n    title: A\n    team: 'CSM,Sales'\n",
        r"^okrflow: okrs\.yml:5: objectives\[0\]\.team: .*comma",
    ),
    Case(
        id="okrfile-missing-file",
        argv=("plan", "nowhere.yml"),
        exit=2,
        expect=r"nowhere\.yml",
        server=False,
    ),
]
