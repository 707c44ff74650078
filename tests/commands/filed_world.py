"""OKR issues people file from the UI templates, as GitLab receives them: the raw template
(quick actions and hints in), filled in, submitted through the API as a member."""

from __future__ import annotations

from okr_world import PROJECT, add_labels, fill_template

from okrflow.render.templating import ui_template_text
from okrflow.sandbox import Emulator

OBJECTIVE_LINES = (
    "Raise NPS from 20 to 40",
    "Cut churn from 10% to 5%",
    "Land 5 large enterprise logos",
    "Achieve SOC2 Type 1",
)


def file_as(emu: Emulator, user: str, template: str, title: str, sections: dict[str, str]) -> int:
    """File ``template`` ("objective" or "kr") filled with ``sections`` as ``user``."""
    add_labels(emu)
    text = fill_template(ui_template_text(template), sections)
    answer = emu.request(
        "POST",
        f"/projects/{PROJECT.replace('/', '%2F')}/issues",
        token=emu.token_for(user),
        json_body={"title": title, "description": text},
    )
    assert answer.status == 201, answer.json()
    return int(answer.json()["iid"])


def file_objective(
    emu: Emulator,
    *,
    user: str = "bob",
    owner: str = "@alice",
    team: str = "CSM",
    quarter: str = "FY24-Q1",
    lines: tuple[str, ...] = OBJECTIVE_LINES,
    title: str = "Delight our customers",
) -> int:
    sections = {
        "Objective": title,
        "Purpose": "Happy customers renew and tell others.",
        "Owner": owner,
        "Team": team,
        "Quarter": quarter,
        "Key results": "\n".join(f"- {line}" for line in lines),
    }
    return file_as(emu, user, "objective", title, {k: v for k, v in sections.items() if v})
