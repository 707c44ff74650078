"""The issue templates ``okrflow init`` installs in an OKR project's
``.gitlab/issue_templates/``: one okrflow installed and nobody changed since is updated,
one a person edited is left (``--force`` replaces it), one okrflow never installed is
never touched."""

from __future__ import annotations

from collections.abc import Sequence

from okrflow.commands.init_result import Change, InitResult
from okrflow.commands.workspace import Workspace
from okrflow.core.installed import Written, content_sha256, verdict, with_trailer
from okrflow.render.templating import ISSUE_TEMPLATES, ui_template_text

__all__ = ["TEMPLATE_DIR", "TEMPLATE_NAMES", "install_templates"]

TEMPLATE_DIR = ".gitlab/issue_templates"
TEMPLATE_NAMES = ("objective", "kr", "retrospective")


def install_templates(
    ws: Workspace,
    result: InitResult,
    force: bool,
    project: str | None = None,
    emails: list[str] | None = None,
) -> list[str] | None:
    """Install each issue template in the OKR project (or ``project``, one of a group
    scope's); one a person edited after okrflow installed it is left as it is and named
    (``force`` overwrites it); one okrflow never installed is never touched. ``emails``:
    okrflow's commit addresses when known (asked once per run); returns them."""
    gl = ws.repo
    branch = gl.branch_of(project)
    where = f" in {project}" if project else ""
    for short in TEMPLATE_NAMES:
        file_name = ISSUE_TEMPLATES[short]
        path = f"{TEMPLATE_DIR}/{file_name}"
        content = ui_template_text(short, label_names=ws.labels)
        current = gl.repo_file(path, ref=branch, project=project)
        sha = current.sha256 if current is not None else None
        history: list[Written] = []
        if current is not None and sha != content_sha256(content):
            history = gl.path_commits(path, ref=branch, project=project)
            emails = gl.own_emails() if emails is None else emails
        found = verdict(sha, content, history, emails or [])
        if found == "unchanged":
            result.unchanged.append(f"template {file_name}{where}")
            continue
        if found == "foreign":
            result.unchanged.append(f"template {file_name}{where}")
            result.notes.append(
                f"template {file_name}{where} was not installed by okrflow; okrflow leaves it "
                "(delete or rename it to let init install okrflow's)"
            )
            continue
        if found == "edited" and not force:
            who = _last_change(history)
            result.unchanged.append(f"template {file_name}{where}")
            result.notes.append(
                f"template {file_name}{where} was edited{who} since okrflow installed it; "
                "okrflow leaves it (init --force replaces it with okrflow's)"
            )
            continue
        exists = current is not None
        verb = "update" if exists else "add"
        gl.write_file(
            path,
            content,
            branch=branch,
            message=with_trailer(f"okrflow init: {verb} issue template {file_name}", content),
            exists=exists,
            last_commit_id=current.last_commit_id if current is not None else None,
            project=project,
        )
        details = [f"in {project}"] if project else []
        details += ["replaced an edit (--force)"] if found == "edited" else []
        detail = ", ".join(details)
        result.changes.append(
            Change("updated" if exists else "created", "template", file_name, detail)
        )
    return emails


def _last_change(history: Sequence[Written]) -> str:
    if not history:
        return ""
    last = history[0]
    by = f" by {last.author_name}" if last.author_name else ""
    on = f" on {last.created_at[:10]}" if last.created_at else ""
    return by + on
