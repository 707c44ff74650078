"""One GitLab on 127.0.0.1 for pipeline tests: the REST API emulator, the PyPI package registry
and Git over HTTP behind one address, as ``CI_SERVER_URL`` is for a real job.

:class:`LoopbackGitLab` answers like GitLab does:

- ``/api/v4/projects/:id/packages/pypi...``: a project's PyPI package registry
  (:class:`PypiRegistry`, the routes of GitLab's ``lib/api/pypi_packages.rb``);
- ``/<namespace>/<project>.git/...``: Git's smart HTTP protocol (``git http-backend`` over
  bare repositories), which gitlab-ci-local clones a component from and lists tags of;
- anything else: okrflow's GitLab emulator (``okrflow.sandbox``).

:func:`serve_directory` serves a directory of files as a plain static site, for the public
package index a GitLab registry forwards unknown names to.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import email.parser
import email.policy
import functools
import hashlib
import html
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator, Mapping
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from okrflow.sandbox import Emulator, EmulatorServer

Answer = tuple[int, dict[str, str], bytes]

PYPI_ROUTE = re.compile(r"^/api/v4/projects/(?P<id>[^/]+)/packages/pypi(?P<rest>/.*)?$")
GIT_ROUTE = re.compile(r"^/(?P<repo>[^?]+?\.git)(?P<rest>/.*)$")
JOB_TOKEN_USER = "gitlab-ci-token"
DUPLICATE_FILE = "Validation failed: File name has already been taken"


def normalized(name: str) -> str:
    """PEP 503's normalized name: GitLab looks packages up by it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _json(status: int, message: str, **headers: str) -> Answer:
    body = json.dumps({"message": message}).encode()
    return status, {"Content-Type": "application/json", **headers}, body


def _html(body: str) -> Answer:
    return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()


def _page(title: str, links: list[str]) -> str:
    """The HTML of GitLab's ``Packages::Pypi::SimplePresenterBase``."""
    return (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        f"    <title>Links for {html.escape(title)}</title>\n"
        "  </head>\n  <body>\n"
        f"    <h1>Links for {html.escape(title)}</h1>\n"
        f"    {''.join(links)}\n"
        "  </body>\n</html>\n"
    )


@dataclasses.dataclass(frozen=True)
class PackageFile:
    name: str
    version: str
    filename: str
    data: bytes = dataclasses.field(repr=False)
    requires_python: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclasses.dataclass
class RegistryProject:
    id: int
    path: str
    public: bool = False
    allowlist: set[str] = dataclasses.field(default_factory=set)  # job token allowlist
    files: dict[str, PackageFile] = dataclasses.field(default_factory=dict)

    def packages(self, name: str) -> list[PackageFile]:
        return [f for f in self.files.values() if normalized(f.name) == normalized(name)]


@dataclasses.dataclass(frozen=True)
class PypiRequest:
    base: str  # the GitLab's URL, for the links of a page
    method: str
    project_ref: str  # a project's ID or URL-encoded path
    rest: str  # the path after /packages/pypi
    headers: Mapping[str, str]
    body: bytes = dataclasses.field(repr=False)


@dataclasses.dataclass(frozen=True)
class Download:
    project: str
    filename: str


class PypiRegistry:
    """GitLab's PyPI package registry for a few projects, with its authentication.

    Basic auth as GitLab takes it from pip and twine: username ``gitlab-ci-token`` with a
    job token (:meth:`add_job_token` says which project's jobs hold it; GitLab also takes
    deploy and personal access tokens, not modelled here). A job token reads a project's registry
    when it belongs to that project or to one on its allowlist, or when the project is
    public; anything else is ``404 Project Not Found``, as GitLab hides what a token cannot
    see. No credentials on a project that is not public: ``401`` with GitLab's Basic
    challenge. Uploads need the project's own job token (``CI_JOB_TOKEN`` of its pipeline);
    a file name already in the package answers GitLab's ``400``.

    A name the project does not have is forwarded, as GitLab does by default (to the public
    index there; to ``forward_to`` here, a ``302`` to ``<forward_to>/<name>/``), or ``404``
    when ``forward_to`` is ``None`` (forwarding turned off).
    """

    def __init__(self, forward_to: str | None = None) -> None:
        self.forward_to = forward_to
        self.projects: dict[int, RegistryProject] = {}
        self.job_tokens: dict[str, str] = {}
        self.downloads: list[Download] = []
        self.log: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()

    def add_project(self, project_id: int, path: str, *, public: bool = False) -> RegistryProject:
        project = RegistryProject(project_id, path, public=public)
        self.projects[project_id] = project
        return project

    def add_job_token(self, token: str, project_path: str) -> None:
        self.job_tokens[token] = project_path

    def publish(self, project_id: int, file: PackageFile) -> None:
        self.projects[project_id].files[file.filename] = file

    def project(self, ref: str) -> RegistryProject | None:
        ref = unquote(ref)
        for project in self.projects.values():
            if ref in (str(project.id), project.path):
                return project
        return None

    def handle(self, request: PypiRequest) -> Answer:
        with self._lock:
            answer = self._handle(request)
            path = f"/projects/{request.project_ref}/packages/pypi{request.rest}"
            self.log.append((request.method, path, answer[0]))
            return answer

    def _handle(self, request: PypiRequest) -> Answer:
        method, project_ref, rest, headers = (
            request.method,
            request.project_ref,
            request.rest,
            request.headers,
        )
        project = self.project(project_ref)
        if project is None:
            return _json(404, "404 Project Not Found")
        holder = self._credentials(headers)
        if holder == "":
            return _json(401, "401 Unauthorized")
        upload = method == "POST" and rest in ("", "/")
        if upload and holder != project.path:
            return _json(403, "403 Forbidden") if holder else self._challenge()
        if not upload and not self._may_read(project, holder):
            return self._challenge() if holder is None else _json(404, "404 Project Not Found")
        if upload:
            return self._upload(project, headers, request.body)
        if method not in ("GET", "HEAD"):
            return _json(405, "405 Method Not Allowed")
        if rest in ("/simple", "/simple/"):
            return self._index_page(request.base, project)
        if rest.startswith("/simple/"):
            return self._package_page(
                request.base, project, rest.removeprefix("/simple/").strip("/")
            )
        match = re.fullmatch(r"/files/(?P<sha256>[0-9a-f]{64})/(?P<file>[^/]+)", rest)
        if match:
            return self._file(project, match["sha256"], unquote(match["file"]))
        return _json(404, "404 Not Found")

    def _challenge(self) -> Answer:
        return _json(
            401,
            "401 Unauthorized",
            **{"WWW-Authenticate": 'Basic realm="GitLab Packages Registry"'},
        )

    def _credentials(self, headers: Mapping[str, str]) -> str | None:
        """The project whose token this is; None without credentials, "" for a wrong one."""
        lowered = {k.lower(): v for k, v in headers.items()}
        auth = lowered.get("authorization", "")
        if not auth.lower().startswith("basic "):
            return None
        try:
            user, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return ""
        return self.job_tokens.get(secret, "") if user == JOB_TOKEN_USER else ""

    @staticmethod
    def _may_read(project: RegistryProject, holder: str | None) -> bool:
        if holder is None:
            return project.public
        return project.public or holder == project.path or holder in project.allowlist

    def _file_url(self, base: str, project: RegistryProject, file: PackageFile) -> str:
        return (
            f"{base}/api/v4/projects/{project.id}/packages/pypi/files/"
            f"{file.sha256}/{file.filename}#sha256={file.sha256}"
        )

    def _index_page(self, base: str, project: RegistryProject) -> Answer:
        names = sorted({normalized(f.name): f for f in project.files.values()}.items())
        links = [
            f'<a href="{base}/api/v4/projects/{project.id}/packages/pypi/simple/{name}" '
            f'data-requires-python="{html.escape(f.requires_python)}">{html.escape(f.name)}</a>'
            for name, f in names
        ]
        return _html(_page(project.path.rsplit("/", 1)[-1], links))

    def _package_page(self, base: str, project: RegistryProject, name: str) -> Answer:
        files = project.packages(name)
        if not files:
            if self.forward_to is None:
                return _json(404, "404 Package Not Found")
            return 302, {"Location": f"{self.forward_to.rstrip('/')}/{normalized(name)}/"}, b""
        links = [
            f'<a href="{self._file_url(base, project, f)}" '
            f'data-requires-python="{html.escape(f.requires_python)}">{html.escape(f.filename)}</a>'
            for f in files
        ]
        return _html(_page(files[0].name, links))

    def _file(self, project: RegistryProject, sha256: str, filename: str) -> Answer:
        file = project.files.get(filename)
        if file is None or file.sha256 != sha256:
            return _json(404, "404 Package Not Found")
        self.downloads.append(Download(project.path, filename))
        return 200, {"Content-Type": "application/octet-stream"}, file.data

    def _upload(self, project: RegistryProject, headers: Mapping[str, str], body: bytes) -> Answer:
        fields = _multipart(headers, body)
        content = fields.get("content")
        if not isinstance(content, tuple) or not fields.get("name") or not fields.get("version"):
            return _json(400, "400 Bad request - content, name, version are missing")
        filename, data = content
        digest = fields.get("sha256_digest")
        if isinstance(digest, str) and digest and digest != hashlib.sha256(data).hexdigest():
            return _json(400, "400 Bad request - sha256_digest does not match the file")
        if filename in project.files:
            return _json(400, DUPLICATE_FILE)
        requires_python = fields.get("requires_python")
        project.files[filename] = PackageFile(
            name=str(fields["name"]),
            version=str(fields["version"]),
            filename=filename,
            data=data,
            requires_python=requires_python if isinstance(requires_python, str) else "",
        )
        return 201, {"Content-Type": "application/json"}, b'{"message":"201 Created"}'


def _multipart(headers: Mapping[str, str], body: bytes) -> dict[str, str | tuple[str, bytes]]:
    """A multipart/form-data body (twine's upload) as fields; files as (filename, bytes)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    head = f"Content-Type: {lowered.get('content-type', '')}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str | tuple[str, bytes]] = {}
    if not message.is_multipart():
        return fields
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if not isinstance(name, str):
            continue
        filename = part.get_filename()
        fields[name] = (filename, data) if filename else data.decode("utf-8", "replace")
    return fields


def git_http_backend(
    root: Path, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
) -> Answer:
    """Git's smart HTTP protocol for the bare repositories under ``root`` (``git http-backend``)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    env = {
        "PATH": os.environ.get("PATH", ""),
        "GIT_PROJECT_ROOT": str(root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_METHOD": method,
        "CONTENT_TYPE": lowered.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "127.0.0.1",
    }
    for name in ("git-protocol", "content-encoding"):
        if name in lowered:
            env["HTTP_" + name.upper().replace("-", "_")] = lowered[name]
    done = subprocess.run(
        ["git", "http-backend"], input=body, env=env, capture_output=True, timeout=60, check=False
    )
    head, _, data = done.stdout.partition(b"\r\n\r\n")
    status, out = 200, {}
    for line in head.decode("latin-1").split("\r\n"):
        key, _, value = line.partition(":")
        if key.lower() == "status":
            status = int(value.split()[0])
        elif key:
            out[key.strip()] = value.strip()
    return status, out, data


class LoopbackGitLab:
    """The emulator, a PyPI registry and Git repositories under one URL (see the module doc)."""

    def __init__(self, emu: Emulator, registry: PypiRegistry, git_root: Path) -> None:
        self.emu = emu
        self.registry = registry
        self.git_root = git_root
        self.url = ""

    def handle(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes | None
    ) -> Answer:
        parts = urlsplit(url)
        path = parts.path or "/"
        pypi = PYPI_ROUTE.match(path)
        if pypi:
            request = PypiRequest(
                self.url, method.upper(), pypi["id"], pypi["rest"] or "", headers, body or b""
            )
            return self.registry.handle(request)
        if GIT_ROUTE.match(path):
            return git_http_backend(
                self.git_root, method.upper(), path, parts.query, headers, body or b""
            )
        return self.emu.handle(method, url, headers, body)

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        server = EmulatorServer(self)  # type: ignore[arg-type]  # duck-typed: handle()
        self.url = server.start()
        try:
            yield self.url
        finally:
            server.stop()


@dataclasses.dataclass
class StaticSite:
    url: str
    requested: list[str]  # the path of every GET, in order


@contextlib.contextmanager
def serve_directory(directory: Path) -> Iterator[StaticSite]:
    """A static site of ``directory`` on 127.0.0.1 (a free port) that logs what it serves."""
    requested: list[str] = []

    class Files(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(urlsplit(self.path).path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            """Silent."""

    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Files, directory=str(directory))
    )
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield StaticSite(f"http://127.0.0.1:{httpd.server_address[1]}", requested)
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
