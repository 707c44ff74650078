"""Where okrflow connects, and that tokens never leak into messages."""

import pytest

from okrflow.adapter.connection import require_project, resolve_connection
from okrflow.errors import UsageError
from okrflow.redaction import MASK, redact, register_secret


def test_flag_beats_environment_beats_config_beats_ci_server_url():
    env = {"GITLAB_URL": "https://env.example", "CI_SERVER_URL": "https://ci.example"}
    assert resolve_connection(url="https://flag.example", environ=env).url == "https://flag.example"
    assert resolve_connection(environ=env, config_url="https://cfg.example").url == (
        "https://env.example"
    )
    assert resolve_connection(
        environ={"CI_SERVER_URL": "https://ci.example"}, config_url="https://cfg.example/"
    ).url == ("https://cfg.example")
    assert resolve_connection(environ={"CI_SERVER_URL": "https://ci.example"}).url == (
        "https://ci.example"
    )


def test_project_precedence_ends_with_ci_project_path():
    env = {"GITLAB_URL": "https://g.example", "CI_PROJECT_PATH": "ci/proj"}
    assert resolve_connection(environ=env).project == "ci/proj"
    assert resolve_connection(environ=env, config_project="cfg/proj").project == "cfg/proj"
    env["OKRFLOW_PROJECT"] = "env/proj"
    assert resolve_connection(environ=env, config_project="cfg/proj").project == "env/proj"
    assert resolve_connection(environ=env, project="flag/proj").project == "flag/proj"


def test_token_from_named_variable_then_job_token():
    env = {"GITLAB_URL": "https://g.example", "MY_TOKEN": "glpat-111", "CI_JOB_TOKEN": "job-222"}
    s = resolve_connection(environ=env, token_env="MY_TOKEN")
    assert (s.token, s.token_kind, s.read_only) == ("glpat-111", "private", False)
    s = resolve_connection(environ=env)
    assert (s.token, s.token_kind, s.read_only) == ("job-222", "job", True)
    s = resolve_connection(environ={"GITLAB_URL": "https://g.example"})
    assert (s.token, s.token_kind) == (None, "none")


def test_token_is_not_in_repr():
    env = {"GITLAB_URL": "https://g.example", "GITLAB_TOKEN": "glpat-secret-repr"}
    assert "glpat-secret-repr" not in repr(resolve_connection(environ=env))


def test_missing_url_and_project_are_usage_errors_with_a_remedy():
    with pytest.raises(UsageError, match="GITLAB_URL"):
        resolve_connection(environ={})
    with pytest.raises(UsageError, match="OKRFLOW_PROJECT"):
        require_project(resolve_connection(environ={"GITLAB_URL": "https://g.example"}))


def test_python_gitlab_section_replaces_url_and_token():
    s = resolve_connection(environ={}, python_gitlab_section="work", python_gitlab_file="x.cfg")
    assert (s.url, s.python_gitlab_section, s.python_gitlab_files) == (None, "work", ("x.cfg",))


@pytest.mark.parametrize(
    "text",
    [
        "https://gitlab.example/api/v4/projects?private_token=abc123&x=1",
        "https://gitlab.example/api/v4/jobs?job_token=abc123",
        "https://oauth2:abc123@gitlab.example/group/project.git",
        "{'PRIVATE-TOKEN': 'abc123'}",
        "Authorization: Bearer abc123",
    ],
)
def test_tokens_in_urls_and_headers_are_masked(text):
    out = redact(text)
    assert "abc123" not in out
    assert MASK in out


def test_registered_secret_is_masked_anywhere():
    register_secret("glpat-registered-xyz")
    assert redact("error: glpat-registered-xyz was refused") == f"error: {MASK} was refused"


@pytest.mark.parametrize(
    "url",
    [
        "https://oauth2:glpat-in-url-123@gitlab.example",
        "https://gitlab.example/?private_token=glpat-in-url-123",
        "https://gitlab.example?PRIVATE_TOKEN=glpat-in-url-123&x=1",
    ],
)
def test_a_url_holding_credentials_is_refused_without_echoing_them(url):
    with pytest.raises(UsageError, match="must not contain a user name or token") as caught:
        resolve_connection(url=url, environ={})
    assert "glpat-in-url-123" not in str(caught.value)


@pytest.mark.parametrize("url", ["banana", "ftp://gitlab.example", "https://", "http://h:port/"])
def test_a_url_that_is_not_http_is_a_usage_error_naming_where_it_came_from(url):
    with pytest.raises(UsageError, match="GitLab URL") as caught:
        resolve_connection(environ={"CI_SERVER_URL": url})
    assert "CI_SERVER_URL" in str(caught.value)


@pytest.mark.parametrize("url", ["glpat-url-is-a-token-1234", "https://x y", "https://a\tb"])
def test_a_value_that_is_not_a_url_is_never_echoed(url):
    with pytest.raises(UsageError, match=r"its value is not shown") as caught:
        resolve_connection(url=url, environ={"GITLAB_TOKEN": "glpat-other-token-5678"})
    assert url not in str(caught.value)


def test_anything_shaped_like_a_gitlab_token_is_masked_registered_or_not():
    text = "GITLAB_URL=glpat-Ab12Cd34Ef56Gh78 job glcbt-64_abcdefgh12 deploy gldt-abcdefgh1234"
    assert redact(text) == f"GITLAB_URL={MASK} job {MASK} deploy {MASK}"


def test_the_token_of_a_python_gitlab_config_file_is_masked_once_connected(tmp_path):
    from okrflow.adapter.http import Http

    token = "SECRETfromcfg-0001"  # no GitLab prefix: masked because it was registered
    cfg = tmp_path / "gitlab.cfg"
    cfg.write_text(f"[work]\nurl = http://127.0.0.1:1\nprivate_token = {token}\n")
    settings = resolve_connection(
        python_gitlab_section="work", python_gitlab_file=str(cfg), project="a/b", environ={}
    )

    Http(settings)

    assert redact(f"GitLab refused {token}") == f"GitLab refused {MASK}"
