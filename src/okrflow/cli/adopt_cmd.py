"""``okrflow adopt [--quarter Q]``."""

from __future__ import annotations

from okrflow.cli.options import okr_command, quarter_option
from okrflow.commands.adopt import AdoptResult, adopt
from okrflow.commands.workspace import Workspace


@okr_command("adopt", dry_run=True, json=True)
@quarter_option()
def adopt_command(ws: Workspace, quarter: str | None) -> AdoptResult:
    """Give the OKR issues people filed from the templates in GitLab what okrflow gives
    its own: quarter and team labels, the owner as assignee, the link to the objective,
    okrflow's record; and open a key-result issue for each Key results line of an
    objective (once). Issues with no quarter label are always looked at. Rollup and
    schedule do the same first; this is for now.

    One comment on each issue says what was set; what could not be worked out is named
    in okrflow's lint comment. Problems with single issues are listed and do not fail
    the run. With --json, prints {"quarter", "adopted", "created", "updated", "problems"}.
    """
    return adopt(ws, quarter=quarter)
